import { isTerminalEvent } from '@chat/contracts';
import { ChatApi } from './chat-api';
import { ApiRequestError, chatError } from './chat-error';
import { readChatEvents, type ReceivedEvent } from './sse-events';

export interface ReplyListener {
  onEvent(received: ReceivedEvent): void;
  /** The connection broke before the reply ended; a resume is being attempted. */
  onReconnecting(attempt: number): void;
}

export interface FollowOptions {
  /** Opens the first connection: a new stream, or a resume of a known one. */
  open: (signal: AbortSignal) => Promise<Response>;
  /** Known when re-attaching; otherwise learnt from the `start` event. */
  streamId?: string;
  /** The session's token at the time of a resume (a new session's arrives with `start`). */
  sessionToken: () => string | null;
  lastEventId?: number;
  signal: AbortSignal;
  /** Base delay of the exponential backoff between resume attempts. */
  backoffMs?: number;
  maxAttempts?: number;
}

/**
 * Follows one reply to its end across dropped connections: when the body ends or breaks before
 * `done`/`error`, it resumes from the last event id it saw, with backoff, so no word is lost or
 * repeated. Resolves when the stream ends after its terminal event (an `email_sent` may follow
 * `done`); rejects with `ApiRequestError` when the reply cannot be followed any more.
 */
export async function followReply(api: ChatApi, options: FollowOptions, listener: ReplyListener): Promise<void> {
  const { signal, backoffMs = 400, maxAttempts = 8 } = options;
  let streamId = options.streamId;
  let lastEventId = options.lastEventId ?? 0;
  let ended = false;
  let response = await options.open(signal);

  for (;;) {
    try {
      for await (const received of readChatEvents(response.body as ReadableStream<Uint8Array>)) {
        if (signal.aborted) return;
        if (received.id !== undefined) lastEventId = received.id;
        if (received.event.type === 'start') streamId = received.event.stream_id;
        if (isTerminalEvent(received.event)) ended = true;
        listener.onEvent(received);
      }
    } catch {
      // The connection broke; handled below like an early end.
    }
    if (signal.aborted || ended) return;
    if (!streamId) throw new ApiRequestError(0, chatError('connection_lost'));
    response = await reconnect(api, streamId, () => lastEventId, options.sessionToken, signal, backoffMs, maxAttempts, listener);
  }
}

async function reconnect(
  api: ChatApi,
  streamId: string,
  lastEventId: () => number,
  sessionToken: () => string | null,
  signal: AbortSignal,
  backoffMs: number,
  maxAttempts: number,
  listener: ReplyListener,
): Promise<Response> {
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    listener.onReconnecting(attempt);
    await delay(Math.min(backoffMs * 2 ** (attempt - 1), 8000) * (0.75 + Math.random() / 2), signal);
    try {
      return await api.resumeStream(streamId, lastEventId(), sessionToken(), signal);
    } catch (error) {
      if (signal.aborted) throw error;
      // Offline or a transient server error: try again; a definite answer (gone, invalid) ends it.
      if (error instanceof ApiRequestError && error.status !== 0 && !error.chatError.retryable) throw error;
    }
  }
  throw new ApiRequestError(0, chatError('connection_lost'));
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
