import type { MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { ApiError } from '../common/api-error';
import type { StreamEvent } from './generation/stream-resume-buffer';

const HEARTBEAT: MessageEvent = { comment: 'ping' };

/** The open streams by heartbeat period: one timer per period for all of them, not one per stream. */
const beating = new Map<number, { timer: NodeJS.Timeout; streams: Set<() => void> }>();

/**
 * Calls `ping` every `periodMs` until the returned function is called. Thousands of idle streams
 * share one interval, which costs a timer, a closure and a list entry less per stream; a stream's
 * first ping comes within one period of its start rather than exactly one period after it.
 */
function everyPeriod(periodMs: number, ping: () => void): () => void {
  let group = beating.get(periodMs);
  if (!group) {
    const streams = new Set<() => void>();
    const timer = setInterval(() => {
      for (const beat of streams) beat();
    }, periodMs);
    group = { timer, streams };
    beating.set(periodMs, group);
  }
  const { streams, timer } = group;
  streams.add(ping);
  return () => {
    streams.delete(ping);
    if (streams.size === 0 && beating.get(periodMs)?.timer === timer) {
      clearInterval(timer);
      beating.delete(periodMs);
    }
  };
}

/**
 * A generation's events as SSE messages with the protocol's ids, plus a `: ping` comment every
 * `heartbeatMs` so that proxies keep an idle stream open. The JSON is the one encoded when the
 * event was produced: nothing is serialised again per client.
 */
export function toServerSentEvents(events: Observable<StreamEvent>, heartbeatMs: number): Observable<MessageEvent> {
  return new Observable<MessageEvent>((subscriber) => {
    const stopHeartbeat = everyPeriod(heartbeatMs, () => subscriber.next(HEARTBEAT));
    const subscription = events.subscribe({
      next: (event) => subscriber.next({ id: String(event.id), data: event.json }),
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => {
      stopHeartbeat();
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
