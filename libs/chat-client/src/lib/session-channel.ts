import { parseSessionEvent, type SessionEvent } from '@chat/contracts';
import { ChatApi } from './chat-api';
import { ApiRequestError } from './chat-error';
import { delay } from './follow-reply';
import { readServerEvents } from './sse-events';

export interface SessionChannelListener {
  onEvent(event: SessionEvent): void;
  /**
   * The channel is open again after a drop. What happened meanwhile was replayed if the channel
   * still held the last id seen, else not at all: the transcript is the truth.
   */
  onReconnected(): void;
}

export interface SessionChannelOptions {
  sessionId: string;
  sessionToken: string;
  signal: AbortSignal;
  /** Base delay of the exponential backoff between connections. */
  backoffMs?: number;
  maxDelayMs?: number;
}

/**
 * Follows a session's live channel (`GET /chat/sessions/{id}/events`) until `signal` aborts: it
 * remembers the last event id and, after a drop or a transient failure, connects again with
 * `Last-Event-ID`, with backoff, so each event arrives once. It ends by itself only on a
 * definite refusal (the session is unknown, another's, or a preview).
 */
export async function followSessionChannel(
  api: ChatApi,
  options: SessionChannelOptions,
  listener: SessionChannelListener,
): Promise<void> {
  const { sessionId, sessionToken, signal, backoffMs = 500, maxDelayMs = 15_000 } = options;
  let lastEventId: string | null = null;
  let failures = 0;
  let connected = false;
  while (!signal.aborted) {
    try {
      const response = await api.openSessionEvents(sessionId, lastEventId, sessionToken, signal);
      if (connected) listener.onReconnected();
      connected = true;
      const body = response.body as ReadableStream<Uint8Array>;
      for await (const { id, event } of readServerEvents(body, parseSessionEvent)) {
        if (signal.aborted) return;
        // Every connection starts with the handoff state, without an id: the channel is up.
        failures = 0;
        if (id !== undefined) lastEventId = id;
        listener.onEvent(event);
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof ApiRequestError && error.status !== 0 && !error.chatError.retryable)
        return;
    }
    failures++;
    const wait = Math.min(backoffMs * 2 ** (failures - 1), maxDelayMs);
    await delay(wait * (0.75 + Math.random() / 2), signal).catch(() => undefined);
  }
}
