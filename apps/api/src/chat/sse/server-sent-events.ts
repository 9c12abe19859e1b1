import type { MessageEvent } from '@nestjs/common';
import { interval, map, Observable, share } from 'rxjs';
import { SSE_HEARTBEAT_COMMENT } from '@chat/contracts';
import { ApiError } from '../../common/api-error';
import type { StreamEvent } from '../generation/stream-resume-buffer';

/** The heartbeat as Nest's `MessageEvent`; framed as the contracts' `SSE_HEARTBEAT`. */
export const HEARTBEAT: MessageEvent = { comment: SSE_HEARTBEAT_COMMENT };

/**
 * One interval per heartbeat period, shared by every open stream (`share()` starts it with the
 * first subscriber and stops it with the last): thousands of idle streams cost one timer, and a
 * stream's first ping comes within one period of its start rather than exactly one period after.
 */
const heartbeats = new Map<number, Observable<unknown>>();

function heartbeatEvery(periodMs: number): Observable<unknown> {
  let heartbeat = heartbeats.get(periodMs);
  if (!heartbeat) {
    heartbeat = interval(periodMs).pipe(share());
    heartbeats.set(periodMs, heartbeat);
  }
  return heartbeat;
}

/**
 * A generation's events as SSE messages with the protocol's ids, plus a `: ping` comment every
 * `heartbeatMs` so that proxies keep an idle stream open. The JSON is the one encoded when the
 * event was produced: nothing is serialised again per client.
 */
export function toServerSentEvents(events: Observable<StreamEvent>, heartbeatMs: number): Observable<MessageEvent> {
  return withHeartbeat(
    events.pipe(map((event): MessageEvent => ({ id: String(event.id), data: event.json }))),
    heartbeatMs,
  );
}

/** SSE messages with a `: ping` comment every `heartbeatMs` between them. */
export function withHeartbeat(messages: Observable<MessageEvent>, heartbeatMs: number): Observable<MessageEvent> {
  return new Observable<MessageEvent>((subscriber) => {
    const heartbeat = heartbeatEvery(heartbeatMs).subscribe(() => subscriber.next(HEARTBEAT));
    const subscription = messages.subscribe(subscriber);
    return () => {
      heartbeat.unsubscribe();
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
