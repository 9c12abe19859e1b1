import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type MessageEvent,
  type NestInterceptor,
} from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { Observable } from 'rxjs';
import { ApiMetrics } from '../../metrics/api-metrics';
import { frameMessageEvent } from './sse-frame';
import { SseFrameWriter } from './sse-frame-writer';
import { commitNestSseHeaders } from './nest-sse-stream';

/**
 * For `@Sse()` routes: the handler's events are framed and written to the response here, in one
 * write per turn of the event loop, rather than by Nest's writer, which makes one write (one
 * system call) per event. Nest still owns the route: its status, headers, client-disconnect
 * handling and the end of the response, and its error handling, as errors reach it as before:
 * one before any event becomes an HTTP error answer, one after is an event. Nest's own stream is
 * left with nothing to write; the headers are committed through it (its public `commitHeaders()`,
 * the stream found by the `trackSseStream` middleware, `nest-sse-stream.ts`) with the first event rather than on
 * its timer, which a busy event loop runs late.
 */
@Injectable()
export class SseResponseInterceptor implements NestInterceptor<MessageEvent, never> {
  constructor(private readonly metrics: ApiMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler<MessageEvent>): Observable<never> {
    const http = context.switchToHttp().getResponse<{ raw?: ServerResponse } & ServerResponse>();
    const response = http.raw ?? http;
    const writer = new SseFrameWriter(response, () => commitNestSseHeaders(response));
    return new Observable<never>((subscriber) => {
      const closed = this.metrics.streamOpened('sse');
      const subscription = next.handle().subscribe({
        next: (message) => writer.write(frameMessageEvent(message)),
        error: (error: unknown) => writer.settle(() => subscriber.error(error)),
        complete: () => writer.settle(() => subscriber.complete()),
      });
      return () => {
        subscription.unsubscribe();
        writer.dispose();
        closed();
      };
    });
  }
}
