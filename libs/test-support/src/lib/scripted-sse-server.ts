import { type ChatEvent, encodeSseFrame } from '@chat/contracts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (request: SeenRequest, response: ServerResponse) => void | Promise<void>;

/**
 * A real HTTP server on 127.0.0.1 that answers each request with the next scripted handler for
 * its route. It stands in for the chat API at the network boundary in the portal's specs.
 */
export class ScriptedServer {
  readonly requests: SeenRequest[] = [];
  private readonly handlers = new Map<string, Handler[]>();
  private readonly standing: { pattern: RegExp; handler: Handler }[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Queues a handler for `METHOD /path` (path prefix match, e.g. `GET /api/chat/sessions/`). */
  on(route: string, handler: Handler): this {
    const list = this.handlers.get(route) ?? [];
    list.push(handler);
    this.handlers.set(route, list);
    return this;
  }

  /**
   * Answers every request whose `METHOD /path` matches `pattern` with `handler`, before any
   * queued one: for a route a client calls by itself, as often as it likes (a live channel).
   */
  onEvery(pattern: RegExp, handler: Handler): this {
    this.standing.push({ pattern, handler });
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    const seen: SeenRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
    this.requests.push(seen);
    const standing = this.standing.find(({ pattern }) => pattern.test(`${seen.method} ${seen.path}`));
    if (standing) {
      await standing.handler(seen, res);
      return;
    }
    const key = [...this.handlers.keys()].find((route) => {
      const [method, path] = route.split(' ');
      return method === seen.method && seen.path.startsWith(path) && (this.handlers.get(route)?.length ?? 0) > 0;
    });
    const handler = key ? this.handlers.get(key)?.shift() : undefined;
    if (!handler) {
      json(res, 404, { statusCode: 404, code: 'not_found', message: 'Not found' });
      return;
    }
    await handler(seen, res);
  }
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Starts an SSE answer and returns a writer of numbered events. */
export function sse(res: ServerResponse, firstId = 1): { send(event: ChatEvent): void; id(): number } {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  let id = firstId;
  return {
    send(event) {
      res.write(encodeSseFrame(id++, event));
    },
    id: () => id,
  };
}

/** Answers with the given events, then ends the stream. */
export function streamOf(events: ChatEvent[], firstId = 1): Handler {
  return (_req, res) => {
    const writer = sse(res, firstId);
    for (const event of events) writer.send(event);
    res.end();
  };
}

/** Breaks the connection once what was written has reached the client, as a dropped network would. */
export function breakAfterFlush(res: ServerResponse): void {
  setTimeout(() => res.destroy(), 50);
}

export const start = (over: Partial<Extract<ChatEvent, { type: 'start' }>> = {}): ChatEvent => ({
  type: 'start',
  session_id: 's1',
  message_id: 'm1',
  stream_id: 'st1',
  model: 'gpt-test',
  assistant_id: 'trading-education',
  assistant_version: 1,
  ...over,
});

export const chunk = (content: string): ChatEvent => ({ type: 'chunk', content });

export const done = (over: Partial<Extract<ChatEvent, { type: 'done' }>> = {}): ChatEvent => ({
  type: 'done',
  message_id: 'm1',
  finish_reason: 'stop',
  data_collected: {},
  is_complete: false,
  missing_fields: ['name', 'email'],
  ...over,
});
