import { isSessionEvent, type SessionEvent } from '@chat/contracts';
import { createParser } from 'eventsource-parser';

/** One event of a session's live channel as a client receives it. */
export interface ReceivedSessionEvent {
  /** Its SSE `id`, if it has one (the first `handoff` and `typing` have none). */
  id?: string;
  event: SessionEvent;
}

/**
 * A session's live channel (`GET /chat/sessions/{id}/events`, or staff's
 * `/conversations/{id}/events`) read as a browser would, each event checked against the contract.
 */
export class SessionEventReader {
  readonly events: ReceivedSessionEvent[] = [];
  readonly finished: Promise<void>;
  private constructor(
    readonly response: Response,
    private readonly abortController: AbortController,
  ) {
    const body = response.body;
    if (!body) throw new Error('response has no body');
    const parser = createParser({
      onEvent: (message) => {
        const value: unknown = JSON.parse(message.data);
        if (!isSessionEvent(value)) throw new Error(`not a session event: ${message.data}`);
        this.events.push({ ...(message.id !== undefined && { id: message.id }), event: value });
      },
    });
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    this.finished = (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch (error) {
        if (!this.abortController.signal.aborted) throw error;
      }
    })();
  }

  static async open(
    url: string,
    headers: Record<string, string> = {},
  ): Promise<SessionEventReader> {
    const abortController = new AbortController();
    const response = await fetch(url, { headers, signal: abortController.signal });
    return new SessionEventReader(response, abortController);
  }

  /** The events of `type` so far. */
  of<T extends SessionEvent['type']>(type: T): Extract<SessionEvent, { type: T }>[] {
    return this.events
      .map(({ event }) => event)
      .filter((event): event is Extract<SessionEvent, { type: T }> => event.type === type);
  }

  /** The id of the last event that had one. */
  get lastId(): string | undefined {
    return [...this.events].reverse().find((received) => received.id !== undefined)?.id;
  }

  /** Resolves once `predicate` holds for the events so far; fails naming what came. */
  async waitUntil(
    predicate: (events: ReceivedSessionEvent[]) => boolean,
    timeoutMs = 10_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      if (Date.now() > deadline) {
        throw new Error(`timed out; received ${this.events.map((e) => e.event.type).join(',')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  close(): void {
    this.abortController.abort();
  }
}
