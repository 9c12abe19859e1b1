import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TurnEvents } from '../turn-events/turn-events';
import { ApiMetrics, type TurnMeter } from './api-metrics';

/**
 * Records the chat turns' metrics from their events: each turn's meter from `turn_started` to
 * the event that ends it, and the leads completed with the notifications they queued.
 */
@Injectable()
export class TurnMetrics implements OnModuleInit {
  /** The meters of the turns running, by stream id. */
  private readonly meters = new Map<string, TurnMeter>();

  constructor(
    private readonly metrics: ApiMetrics,
    private readonly events: TurnEvents,
  ) {}

  onModuleInit(): void {
    this.events.on('turn_started', ({ streamId, assistantId, startedAt }) => {
      this.meters.set(streamId, this.metrics.turnStarted(assistantId, startedAt));
    });
    this.events.on('first_token', ({ streamId }) => this.meters.get(streamId)?.firstToken());
    this.events.on('reply_completed', ({ streamId, finishReason, chunks, usage }) =>
      this.end(streamId)?.finished(finishReason, chunks, usage),
    );
    this.events.on('reply_cancelled', ({ streamId, chunks, usage }) =>
      this.end(streamId)?.finished('cancelled', chunks, usage),
    );
    this.events.on('reply_failed', ({ streamId, code, chunks }) =>
      this.end(streamId)?.failed(code, chunks),
    );
    this.events.on('lead_completed', ({ assistantId, notifications }) =>
      this.metrics.leadCompleted(assistantId, notifications),
    );
  }

  /** The meter of a turn that ends now; none if it ended already. */
  private end(streamId: string): TurnMeter | undefined {
    const meter = this.meters.get(streamId);
    this.meters.delete(streamId);
    return meter;
  }
}
