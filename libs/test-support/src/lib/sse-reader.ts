import { type ChatEvent, type ChatRequest, SESSION_TOKEN_HEADER } from '@chat/contracts';
import { createChatEventParser, type ReceivedEvent } from './chat-event-parser';

/** A chat stream's SSE response read as a browser client would: parsed by eventsource-parser. */
export class SseReader {
  readonly events: ReceivedEvent[] = [];
  readonly comments: string[] = [];
  readonly finished: Promise<void>;
  private waiters: Array<() => void> = [];

  constructor(
    readonly response: Response,
    private readonly abortController: AbortController,
  ) {
    if (!response.body) throw new Error('response has no body');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = createChatEventParser(
      (received) => {
        // What was already buffered when the connection dropped is not "received".
        if (abortController.signal.aborted) return;
        this.events.push(received);
        this.notify();
      },
      (comment) => this.comments.push(comment.trim()),
    );
    this.finished = (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done || abortController.signal.aborted) break;
          parser.feed(value);
        }
      } catch (error) {
        if (!abortController.signal.aborted) throw error;
      } finally {
        this.notify();
      }
    })();
  }

  /** The session token the stream's `start` event gave (the turn created its session), if any. */
  get sessionToken(): string | undefined {
    return this.find('start')?.session_token;
  }

  get types(): string[] {
    return this.events.map((e) => e.event.type);
  }

  get text(): string {
    return this.events.map(({ event }) => (event.type === 'chunk' ? event.content : '')).join('');
  }

  get lastId(): number {
    return this.events.at(-1)?.id ?? 0;
  }

  find<T extends ChatEvent['type']>(type: T): Extract<ChatEvent, { type: T }> | undefined {
    return this.events.find((e) => e.event.type === type)?.event as
      Extract<ChatEvent, { type: T }> | undefined;
  }

  /** The first event of `type`; fails the test, naming what came instead, when there is none. */
  get<T extends ChatEvent['type']>(type: T): Extract<ChatEvent, { type: T }> {
    const event = this.find(type);
    if (!event) throw new Error(`no ${type} event; got: ${this.types.join(', ') || 'nothing'}`);
    return event;
  }

  /** Resolves once `predicate` holds for the events received so far. */
  async waitUntil(
    predicate: (events: ReceivedEvent[]) => boolean,
    timeoutMs = 10_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      if (Date.now() > deadline) throw new Error(`timed out; received ${this.types.join(',')}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Drops the connection, as a client whose network failed. */
  abort(): void {
    this.abortController.abort();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

export async function openSse(url: string, init: RequestInit = {}): Promise<SseReader> {
  const abortController = new AbortController();
  const response = await fetch(url, { ...init, signal: abortController.signal });
  return new SseReader(response, abortController);
}

/** `X-Session-Token: token`, or nothing. */
export function sessionTokenHeader(token: string | undefined): Record<string, string> {
  return token ? { [SESSION_TOKEN_HEADER]: token } : {};
}

export function postChatStream(
  baseUrl: string,
  body: ChatRequest | Record<string, unknown>,
  sessionToken?: string,
  headers: Record<string, string> = {},
): Promise<SseReader> {
  return openSse(`${baseUrl}/api/chat/stream`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...sessionTokenHeader(sessionToken),
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

export function resumeStream(
  baseUrl: string,
  streamId: string,
  lastEventId: number,
  sessionToken?: string,
): Promise<SseReader> {
  return openSse(`${baseUrl}/api/chat/streams/${streamId}/events`, {
    headers: { 'Last-Event-ID': String(lastEventId), ...sessionTokenHeader(sessionToken) },
  });
}

/**
 * A visitor of one API: it keeps the session token each new session's `start` gave and sends it
 * with every later call about that session, as the portal does.
 */
export class ChatVisitor {
  private readonly tokens = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  tokenOf(sessionId: string): string | undefined {
    return this.tokens.get(sessionId);
  }

  headers(sessionId: string): Record<string, string> {
    return sessionTokenHeader(this.tokens.get(sessionId));
  }

  /** `POST /api/chat/stream`; the token of a session it creates is kept once `start` arrives. */
  async send(body: ChatRequest): Promise<SseReader> {
    const reader = await postChatStream(
      this.baseUrl,
      body,
      body.session_id ? this.tokens.get(body.session_id) : undefined,
    );
    void reader
      .waitUntil((events) => events.some((e) => e.event.type === 'start'))
      .then(() => {
        const start = reader.find('start');
        if (start?.session_token) this.tokens.set(start.session_id, start.session_token);
      })
      .catch(() => undefined);
    return reader;
  }

  /** `POST /api/chat/stream` answered as a plain response, for a request that should be refused. */
  post(body: ChatRequest): Promise<Response> {
    return fetch(`${this.baseUrl}/api/chat/stream`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(body.session_id ? this.headers(body.session_id) : {}),
      },
      body: JSON.stringify(body),
    });
  }

  /** `send`, then its stream to the end. */
  async turn(body: ChatRequest): Promise<SseReader> {
    const reader = await this.send(body);
    await reader.finished;
    return reader;
  }

  resume(sessionId: string, streamId: string, lastEventId: number): Promise<SseReader> {
    return resumeStream(this.baseUrl, streamId, lastEventId, this.tokens.get(sessionId));
  }

  /** `GET /api/chat/sessions/{id}`: its status and JSON body. */
  async session(sessionId: string): Promise<{ status: number; body: any }> {
    // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await fetch(`${this.baseUrl}/api/chat/sessions/${sessionId}`, {
      headers: this.headers(sessionId),
    });
    return { status: response.status, body: await response.json() };
  }

  cancel(sessionId: string, streamId: string): Promise<Response> {
    return fetch(`${this.baseUrl}/api/chat/streams/${streamId}/cancel`, {
      method: 'POST',
      headers: this.headers(sessionId),
    });
  }
}
