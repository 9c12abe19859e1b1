import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

type Fetch = typeof globalThis.fetch;

/**
 * The `fetch` the openai SDK is given for a real provider: one `node:http(s)` request on a
 * keep-alive agent instead of undici's `fetch`, whose request/response state machines and WHATWG
 * body piped through a transform were a large share of the API's CPU and memory per open stream
 * when streams were many (figures: docs/performance-log.md). It does what the SDK needs and no
 * more:
 * - the method, headers and a string or byte body of `init`;
 * - `init.signal`: aborting destroys the request at once, which closes the upstream socket in
 *   the same turn (an aborted generation stops the provider's billing now, not at its next token);
 * - a `Response` whose body is a stream that pauses the socket when the SDK reads slower than
 *   the provider writes, or that {@link readBodyDirectly} reads from the socket's own stream;
 * - `gzip`, `deflate` and `br` bodies are decoded, as `fetch` does.
 * Bodies it cannot send itself (form data, streams) and redirects are not the SDK's chat calls;
 * such requests go to `fallback`.
 */
export function createNodeHttpFetch(fallback: Fetch = globalThis.fetch): Fetch {
  // Node keeps a bounded number of idle sockets per host by default: with more replies and
  // extraction calls in flight than that, every burst of finishing calls closed sockets that the
  // next burst reconnected. Idle sockets cost little, and the provider closes those it does not
  // want.
  const options = { keepAlive: true, scheduling: 'lifo', maxFreeSockets: 4096 } as const;
  const agents = {
    'http:': new http.Agent(options),
    'https:': new https.Agent(options),
  };
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : undefined;
    const body = init?.body;
    if (
      url === undefined ||
      !(body == null || typeof body === 'string' || body instanceof Uint8Array)
    ) {
      return fallback(input, init);
    }
    const parsed = new URL(url);
    const agent = agents[parsed.protocol as keyof typeof agents];
    if (!agent) return fallback(input, init);
    return send(
      parsed,
      { method: init?.method ?? 'GET', headers: headerRecord(init?.headers), agent },
      body,
      init?.signal,
    );
  };
}

/** What reads a body: the `Response`'s web stream, or {@link readBodyDirectly}. */
interface BodySink {
  chunk(chunk: Buffer): void;
  end(): void;
  error(error: unknown): void;
}

/**
 * A response body as Node's stream delivers it, for one reader: the `Response`'s web stream
 * (pulled only once something reads it) or {@link readBodyDirectly}, which takes each chunk as
 * the socket delivers it, without the web stream's queue, reader and promise per read.
 */
class NodeBody {
  private reader: 'web' | 'direct' | undefined;
  private sink: BodySink | undefined;
  private over = false;
  private failure: unknown;

  constructor(
    private readonly source: NodeJS.ReadableStream,
    response: http.IncomingMessage,
    /** Called once, when the body has ended, failed or been cancelled. */
    private readonly settle: () => void,
    private readonly closeRequest: () => void,
  ) {
    source.once('error', (error) => this.fail(error));
    // A socket closed before the end of the body (a reset provider) fails the body.
    response.once('close', () => {
      if (!response.complete) this.fail(new Error('upstream connection closed mid-body'));
    });
  }

  /** Who reads it, once someone does: there is one reader per body. */
  get readBy(): 'web' | 'direct' | undefined {
    return this.reader;
  }

  claim(reader: 'web' | 'direct', sink: BodySink): void {
    this.reader = reader;
    if (this.over) return sink.error(this.failure);
    this.sink = sink;
    this.source.on('data', (chunk: Buffer) => this.sink?.chunk(chunk));
    this.source.once('end', () => {
      if (this.over) return;
      this.over = true;
      this.settle();
      const ended = this.sink;
      this.sink = undefined;
      ended?.end();
    });
  }

  pause(): void {
    this.source.pause();
  }

  resume(): void {
    this.source.resume();
  }

  fail(error: unknown): void {
    if (this.over) return;
    this.over = true;
    this.failure = error;
    this.settle();
    const failed = this.sink;
    this.sink = undefined;
    failed?.error(error);
  }

  /** The reader wants no more: the connection closes (a body read to its end would be kept). */
  cancel(): void {
    if (this.over) return;
    this.over = true;
    this.failure = new DOMException('The body was cancelled', 'AbortError');
    this.sink = undefined;
    this.settle();
    this.closeRequest();
  }
}

const nodeBodies = new WeakMap<Response, NodeBody>();

/**
 * Reads the body of a `Response` that {@link createNodeHttpFetch} answered straight from Node's
 * stream: `onChunk` is called for every chunk as the socket delivers it. Resolves at the end of
 * the body; rejects as it fails (an `AbortError` when its request is aborted), or with what
 * `onChunk` throws, which also closes the connection. Returns undefined for any other response,
 * and for one whose web body has been read: read that one as a web stream.
 */
export function readBodyDirectly(
  response: Response,
  onChunk: (chunk: Uint8Array) => void,
): Promise<void> | undefined {
  const body = nodeBodies.get(response);
  if (!body || body.readBy) return undefined;
  return new Promise<void>((resolve, reject) => {
    body.claim('direct', {
      chunk(chunk) {
        try {
          onChunk(chunk);
        } catch (error) {
          body.cancel();
          reject(error);
        }
      },
      end: resolve,
      error: reject,
    });
  });
}

/**
 * One request. The request body and `init` are not captured by the closures that live as long as
 * the response (an idle stream can stay open for minutes): each reply's JSON body, with its
 * system prompt and conversation, would otherwise stay in memory until the stream ends.
 */
function send(
  url: URL,
  options: http.RequestOptions,
  body: string | Uint8Array | null | undefined,
  signal: AbortSignal | null | undefined,
): Promise<Response> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const request = (url.protocol === 'https:' ? https : http).request(url, options);
  const response = new Promise<Response>((resolve, reject) => {
    let settled = false;
    let responseBody: NodeBody | undefined;
    const onAbort = () => {
      const error = abortError(signal);
      // Destroying the request destroys its socket now, rather than returning it to the pool.
      request.destroy(error);
      if (!settled) {
        settled = true;
        reject(error);
      }
      responseBody?.fail(error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    request.once('error', (error) => {
      done();
      if (!settled) {
        settled = true;
        reject(error);
      }
      responseBody?.fail(error);
    });
    request.once('response', (response) => {
      settled = true;
      const headers = new Headers();
      const raw = response.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
      const init = { status: response.statusCode, statusText: response.statusMessage, headers };
      if (response.statusCode === 204 || response.statusCode === 304) {
        // No body to read: consumed now, which gives the socket back to the keep-alive pool.
        done();
        response.resume();
        return resolve(new Response(null, init));
      }
      const nodeBody = new NodeBody(decode(response), response, done, () => request.destroy());
      responseBody = nodeBody;
      // A high-water mark of 0: nothing is pulled from the socket before a reader asks, so that
      // readBodyDirectly can still take the body.
      const stream = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            if (nodeBody.readBy === 'web') return nodeBody.resume();
            if (nodeBody.readBy === 'direct') {
              // readBodyDirectly took it: a second reader would wait forever.
              return controller.error(new TypeError('The body has been read already.'));
            }
            nodeBody.claim('web', {
              chunk(chunk) {
                controller.enqueue(chunk);
                if ((controller.desiredSize ?? 1) <= 0) nodeBody.pause();
              },
              end: () => controller.close(),
              error(error) {
                try {
                  controller.error(error);
                } catch {
                  // the stream is closed already
                }
              },
            });
          },
          cancel: () => nodeBody.cancel(),
        },
        { highWaterMark: 0 },
      );
      const answer = new Response(stream, init);
      nodeBodies.set(answer, nodeBody);
      resolve(answer);
    });
  });
  request.end(body ?? undefined);
  return response;
}

function headerRecord(headers: HeadersInit | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  if (!headers) return record;
  if (headers instanceof Headers) headers.forEach((value, name) => (record[name] = value));
  else if (Array.isArray(headers)) for (const [name, value] of headers) record[name] = value;
  else Object.assign(record, headers);
  return record;
}

function decode(response: http.IncomingMessage): NodeJS.ReadableStream & http.IncomingMessage {
  const encoding = response.headers['content-encoding'];
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : undefined;
  if (!decoder) return response;
  response.once('error', (error) => decoder.destroy(error));
  return response.pipe(decoder) as unknown as http.IncomingMessage;
}

/** What `fetch` rejects with on abort: an `AbortError`, which the SDK treats as a deliberate stop. */
function abortError(signal: AbortSignal | null | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('This operation was aborted', 'AbortError');
}
