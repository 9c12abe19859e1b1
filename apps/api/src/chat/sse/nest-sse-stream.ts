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

const streams = new WeakMap<ServerResponse, SseStream>();

/**
 * Middleware for `@Sse()` routes: remembers the `SseStream` Nest pipes into the response, which
 * it does before interceptors see the response, so that the `SseResponseInterceptor` can have it
 * commit the headers with the first event.
 */
export function trackSseStream(_request: IncomingMessage, response: ServerResponse, next: () => void): void {
  response.once('pipe', (source: Readable) => {
    if (source instanceof SseStream) streams.set(response, source);
  });
  next();
}

/**
 * Has Nest's stream for `response` send the headers now; false when {@link trackSseStream} did
 * not see one or it could not commit them yet.
 */
export function commitNestSseHeaders(response: ServerResponse): boolean {
  const sseStream = streams.get(response);
  if (!sseStream) return false;
  sseStream.commitHeaders();
  return sseStream.headersCommitted;
}
