import { SseStream } from '@nestjs/core/router/sse-stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

const streams = new WeakMap<ServerResponse, SseStream>();

/**
 * Middleware for `@Sse()` routes: remembers the `SseStream` Nest pipes into the response, which
 * it does before interceptors see the response, so that {@link SseResponseInterceptor} can have
 * it commit the headers with the first event.
 */
export function trackSseStream(_request: IncomingMessage, response: ServerResponse, next: () => void): void {
  response.once('pipe', (source: Readable) => {
    if (source instanceof SseStream) streams.set(response, source);
  });
  next();
}

/** The `SseStream` Nest piped into `response`, if {@link trackSseStream} saw it. */
export function sseStreamOf(response: ServerResponse): SseStream | undefined {
  return streams.get(response);
}
