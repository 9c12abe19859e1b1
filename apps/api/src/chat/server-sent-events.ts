import type { MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { ApiError } from '../common/api-error';
import type { StreamEvent } from './generation/generation';

const HEARTBEAT: MessageEvent = { comment: 'ping' };

/**
 * A generation's events as SSE messages with the protocol's ids, plus a `: ping` comment every
 * `heartbeatMs` so that proxies keep an idle stream open. The JSON is the one encoded when the
 * event was produced: nothing is serialised again per client.
 */
export function toServerSentEvents(events: Observable<StreamEvent>, heartbeatMs: number): Observable<MessageEvent> {
  return new Observable<MessageEvent>((subscriber) => {
    const heartbeat = setInterval(() => subscriber.next(HEARTBEAT), heartbeatMs);
    const subscription = events.subscribe({
      next: (event) => subscriber.next({ id: String(event.id), data: event.json }),
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => {
      clearInterval(heartbeat);
      subscription.unsubscribe();
    };
  });
}

/** `Last-Event-ID` (header or query): a non-negative integer, 0 when absent. */
export function parseLastEventId(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  if (!/^\d{1,9}$/.test(value)) {
    throw new ApiError('invalid_request', 'Last-Event-ID must be the id of an event of this stream.');
  }
  return Number(value);
}
