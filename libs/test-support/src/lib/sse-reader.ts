import type { ChatEvent, ChatRequest } from '@chat/contracts';
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
    return this.events.find((e) => e.event.type === type)?.event as Extract<ChatEvent, { type: T }> | undefined;
  }

  /** The first event of `type`; fails the test, naming what came instead, when there is none. */
  get<T extends ChatEvent['type']>(type: T): Extract<ChatEvent, { type: T }> {
    const event = this.find(type);
    if (!event) throw new Error(`no ${type} event; got: ${this.types.join(', ') || 'nothing'}`);
    return event;
  }

  /** Resolves once `predicate` holds for the events received so far. */
  async waitUntil(predicate: (events: ReceivedEvent[]) => boolean, timeoutMs = 10_000): Promise<void> {
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

export function postChatStream(baseUrl: string, body: ChatRequest | Record<string, unknown>): Promise<SseReader> {
  return openSse(`${baseUrl}/api/chat/stream`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export function resumeStream(baseUrl: string, streamId: string, lastEventId: number): Promise<SseReader> {
  return openSse(`${baseUrl}/api/chat/streams/${streamId}/events`, {
    headers: { 'Last-Event-ID': String(lastEventId) },
  });
}
