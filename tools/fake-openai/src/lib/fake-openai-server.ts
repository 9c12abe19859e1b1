import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { DEFAULT_REPLY_TEXT, type FakeReplyScript } from './fake-reply-script';
import { embeddingsBody } from './fake-embeddings';
import { modelsBody } from './openai-wire';
import { writeCompletion, writeError, writeStream, type ReplyContext } from './reply-writer';

export interface FakeOpenAiRequestRecord {
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- whatever the client sent
  headers: Record<string, string | string[] | undefined>;
  stream: boolean;
  /** When the socket that carried this request closed (ms since epoch); unset while it is open. */
  socketClosedAt?: number;
  receivedAt: number;
}

export interface FakeOpenAiServer {
  /** e.g. `http://127.0.0.1:PORT/v1`, ready to use as the OpenAI SDK's `baseURL`. */
  url: string;
  port: number;
  /** Every chat completion request, in order. */
  requests: FakeOpenAiRequestRecord[];
  /** Every `POST /v1/embeddings` request, in order (deterministic vectors: `fakeEmbedding`). */
  embeddingRequests: FakeOpenAiRequestRecord[];
  /** Makes `/v1/embeddings` answer this HTTP status (e.g. 503) until set back to 200. */
  setEmbeddingsStatus(status: number): void;
  /** Scripts consumed one per reply request, first in first out (structured-output calls excepted). */
  enqueue(...scripts: FakeReplyScript[]): void;
  /**
   * The answer to structured-output calls (`response_format` set, e.g. lead extraction), which
   * never take from the queue so that a test's scripted replies stay in step. Default `{ json: {} }`.
   */
  setStructuredReply(script: FakeReplyScript | ((body: any) => FakeReplyScript)): void; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The script used when the queue is empty. */
  setDefault(script: FakeReplyScript | ((body: any) => FakeReplyScript)): void; // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * Client sockets open now that carry a request whose response has not ended. A test proves an
   * aborted upstream call really closed its connection with a stalled or slow script: its socket
   * leaves this count only by closing. Idle keep-alive sockets are not counted: they carry no
   * call, and the client's pool opens and keeps them as it likes.
   */
  openSockets(): number;
  /** Resolves when `openSockets()` reaches 0; rejects after `timeoutMs` (default 3000). */
  waitForSocketsClosed(timeoutMs?: number): Promise<void>;
  /** Resolves once `n` chat completion requests have arrived; rejects after `timeoutMs` (default 3000). */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  /** Clears the queue, the records and the default. */
  reset(): void;
  /** Stops listening and destroys every socket, stalled streams included. */
  close(): Promise<void>;
}

export interface FakeOpenAiOptions {
  port?: number;
  host?: string;
  defaultScript?: FakeReplyScript;
}

type DefaultScript = FakeReplyScript | ((body: any) => FakeReplyScript); // eslint-disable-line @typescript-eslint/no-explicit-any

const BUILT_IN_DEFAULT: FakeReplyScript = { text: DEFAULT_REPLY_TEXT };
const STRUCTURED_DEFAULT: FakeReplyScript = { json: {} };
const DEFAULT_MODEL = 'gpt-4o-mini';
const DEFAULT_WAIT_MS = 3000;

interface SocketState {
  /** Requests on this socket whose response has not ended. */
  active: number;
  /** Every request this socket carried, to stamp `socketClosedAt`. */
  records: FakeOpenAiRequestRecord[];
}

class FakeOpenAi implements FakeOpenAiServer {
  url = '';
  port = 0;
  readonly requests: FakeOpenAiRequestRecord[] = [];
  readonly embeddingRequests: FakeOpenAiRequestRecord[] = [];
  private embeddingsStatus = 200;
  private readonly queue: FakeReplyScript[] = [];
  private defaultScript: DefaultScript;
  private structuredScript: DefaultScript = STRUCTURED_DEFAULT;
  private readonly sockets = new Map<Socket, SocketState>();
  /** Sockets whose `active` is above 0. */
  private busySockets = 0;
  /** Conditions tests wait for, checked whenever a request arrives or a socket closes. */
  private readonly waiters = new Set<() => void>();
  private readonly idPrefix = randomBytes(6).toString('hex');
  private sequence = 0;
  readonly server: Server;

  constructor(private readonly options: FakeOpenAiOptions) {
    this.defaultScript = options.defaultScript ?? BUILT_IN_DEFAULT;
    this.server = createServer({ noDelay: true }, (req, res) => this.handle(req, res));
    this.server.on('connection', (socket) => this.track(socket));
  }

  async listen(): Promise<this> {
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${this.port}/v1`;
    return this;
  }

  setEmbeddingsStatus(status: number): void {
    this.embeddingsStatus = status;
  }

  setStructuredReply(script: DefaultScript): void {
    this.structuredScript = script;
  }

  enqueue(...scripts: FakeReplyScript[]): void {
    this.queue.push(...scripts);
  }

  setDefault(script: DefaultScript): void {
    this.defaultScript = script;
  }

  openSockets(): number {
    return this.busySockets;
  }

  waitForSocketsClosed(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return this.waitFor(() => this.busySockets === 0, timeoutMs, () => `${this.busySockets} socket(s) still open`);
  }

  waitForRequests(n: number, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return this.waitFor(() => this.requests.length >= n, timeoutMs, () => `${this.requests.length} of ${n} request(s) arrived`);
  }

  reset(): void {
    this.queue.length = 0;
    this.requests.length = 0;
    this.embeddingRequests.length = 0;
    this.embeddingsStatus = 200;
    this.defaultScript = this.options.defaultScript ?? BUILT_IN_DEFAULT;
    this.structuredScript = STRUCTURED_DEFAULT;
  }

  close(): Promise<void> {
    for (const socket of this.sockets.keys()) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    const state: SocketState = { active: 0, records: [] };
    this.sockets.set(socket, state);
    socket.once('close', () => {
      const closedAt = Date.now();
      for (const record of state.records) record.socketClosedAt = closedAt;
      this.sockets.delete(socket);
      if (state.active > 0) {
        state.active = 0;
        this.busySockets--;
      }
      this.notify();
    });
  }

  /** Counts the socket as busy until the response has been fully written (or the socket closes). */
  private begin(req: IncomingMessage, res: ServerResponse): void {
    const state = this.sockets.get(req.socket);
    if (!state) return;
    if (state.active++ === 0) this.busySockets++;
    res.once('finish', () => {
      if (state.active === 0) return; // the socket closed first
      if (--state.active === 0) this.busySockets--;
      this.notify();
    });
  }

  private waitFor(done: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`fake-openai: timed out after ${timeoutMs} ms: ${describe()}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?', 1)[0].replace(/\/+$/, '');
    this.begin(req, res);
    const n = ++this.sequence;
    const requestId = `req_${this.idPrefix}${n}`;
    if (req.method === 'GET' && path.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(modelsBody(DEFAULT_MODEL));
      return;
    }
    const embeddings = req.method === 'POST' && path.endsWith('/embeddings');
    if (!embeddings && (req.method !== 'POST' || !path.endsWith('/chat/completions'))) {
      writeError(res, { requestId }, 404, undefined, { message: `Invalid URL (${req.method} ${path})`, code: null });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        writeError(res, { requestId }, 400, undefined, { message: 'We could not parse the JSON body of your request.', code: null });
        return;
      }
      if (embeddings) this.embed(req, res, body, requestId);
      else this.answer(req, res, body, n);
    });
  }

  private embed(req: IncomingMessage, res: ServerResponse, body: any, requestId: string): void { // eslint-disable-line @typescript-eslint/no-explicit-any
    this.embeddingRequests.push({ body, headers: req.headers, stream: false, receivedAt: Date.now() });
    if (this.embeddingsStatus !== 200) {
      writeError(res, { requestId }, this.embeddingsStatus);
      return;
    }
    const answer = embeddingsBody(body);
    if ('error' in answer) {
      writeError(res, { requestId }, 400, undefined, { message: answer.error, code: null });
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': requestId }).end(answer.body);
  }

  private answer(req: IncomingMessage, res: ServerResponse, body: any, n: number): void { // eslint-disable-line @typescript-eslint/no-explicit-any
    const record: FakeOpenAiRequestRecord = { body, headers: req.headers, stream: body?.stream === true, receivedAt: Date.now() };
    this.requests.push(record);
    const socket = this.sockets.get(req.socket);
    if (socket) socket.records.push(record);
    else record.socketClosedAt = record.receivedAt; // the client hung up while sending the body
    this.notify();

    const pick = (script: DefaultScript) => (typeof script === 'function' ? script(body) : script);
    const script = body?.response_format
      ? pick(this.structuredScript)
      : (this.queue.shift() ?? pick(this.defaultScript));
    const ctx: ReplyContext = {
      id: `chatcmpl-${this.idPrefix}${n}`,
      requestId: `req_${this.idPrefix}${n}`,
      created: Math.floor(record.receivedAt / 1000),
      model: typeof body?.model === 'string' ? body.model : DEFAULT_MODEL,
      body: body ?? {},
    };
    if (script.status !== undefined && script.status !== 200) {
      const status = script.status;
      const delay = script.firstTokenDelayMs ?? 0;
      const send = () => writeError(res, ctx, status, script.retryAfterSeconds);
      if (delay > 0) {
        const timer = setTimeout(send, delay);
        res.once('close', () => clearTimeout(timer));
      } else send();
      return;
    }
    if (record.stream) writeStream(res, ctx, script);
    else writeCompletion(res, ctx, script);
  }
}

/** Starts a local OpenAI-compatible server on 127.0.0.1 and a free port unless told otherwise. */
export function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAiServer> {
  return new FakeOpenAi(options).listen();
}
