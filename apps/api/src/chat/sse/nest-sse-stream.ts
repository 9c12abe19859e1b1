/**
 * The one place that reaches into Nest's internals: `SseStream` is not exported from
 * `@nestjs/core`'s public entry, and its path and `commitHeaders()`/`headersCommitted` members
 * were checked against @nestjs/core 11.2.10. Upgrading Nest means checking this file (and the
 * byte-for-byte framing spec, `sse-frame.spec.ts`) again.
 */
import { SseStream } from '@nestjs/core/router/sse-stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

export { SseStream };

/** The `SseStream` Nest piped into each response, and its own `commitHeaders`. */
const streams = new WeakMap<ServerResponse, { stream: SseStream; commit: () => void }>();

/**
 * Middleware for `@Sse()` routes: remembers the `SseStream` Nest pipes into the response, which
 * it does before interceptors see the response, so that the `SseResponseInterceptor` can have it
 * commit the headers with the first event. Only then: Nest would also commit them on a timer
 * once the handler's Observable exists, and a handler that refuses after an await (a turn the
 * database refused) could then only answer `200` with an error event, not its HTTP error.
 */
export function trackSseStream(_request: IncomingMessage, response: ServerResponse, next: () => void): void {
  response.once('pipe', (source: Readable) => {
    if (!(source instanceof SseStream)) return;
    streams.set(response, { stream: source, commit: source.commitHeaders.bind(source) });
    source.commitHeaders = () => undefined;
  });
  next();
}

/**
 * Has Nest's stream for `response` send the headers now; false when {@link trackSseStream} did
 * not see one or it could not commit them yet.
 */
export function commitNestSseHeaders(response: ServerResponse): boolean {
  const tracked = streams.get(response);
  if (!tracked) return false;
  tracked.commit();
  return tracked.stream.headersCommitted;
}
