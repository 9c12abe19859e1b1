import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { performance } from 'node:perf_hooks';
import type { Counter, Gauge, Histogram } from 'prom-client';
import {
  type ErrorCode,
  FINISH_REASONS,
  type FinishReason,
  NOTIFICATION_CHANNELS,
  type NotificationChannel,
  type TokenUsage,
} from '@chat/contracts';
import { HANDOFF_METRIC_EVENTS, type HandoffMetricEvent, METRIC } from './metric-catalogue';

export type StreamTransport = 'sse' | 'websocket';
export type RateLimitBudget = 'messages' | 'reads';
export type RateLimitTransport = 'http' | 'websocket';

/**
 * What the API records for its operators (`/api/metrics`), one method per thing that happened.
 * Recording costs a counter increment or a histogram observation, once per turn, stream or
 * notification; a turn's chunks are counted by the turn and added once, at its end.
 */
@Injectable()
export class ApiMetrics {
  private readonly scrapeReaders: (() => Promise<void>)[] = [];
  /** The assistants whose per-turn series are exported, at 0 from their first turn here. */
  private readonly assistantsMetered = new Set<string>();

  constructor(
    @InjectMetric(METRIC.turnsStarted) private readonly turnsStarted: Counter<'assistant_id'>,
    @InjectMetric(METRIC.turnsFinished)
    readonly turnsFinished: Counter<'assistant_id' | 'finish_reason'>,
    @InjectMetric(METRIC.turnErrors) readonly turnErrors: Counter<'assistant_id' | 'code'>,
    @InjectMetric(METRIC.timeToFirstToken) readonly timeToFirstToken: Histogram<'assistant_id'>,
    @InjectMetric(METRIC.turnDuration)
    readonly turnDuration: Histogram<'assistant_id' | 'finish_reason'>,
    @InjectMetric(METRIC.chunksStreamed) readonly chunksStreamed: Counter<'assistant_id'>,
    @InjectMetric(METRIC.modelTokens) readonly modelTokens: Counter<'assistant_id' | 'kind'>,
    @InjectMetric(METRIC.streamsOpen) private readonly streamsOpen: Gauge<'transport'>,
    @InjectMetric(METRIC.leadsCompleted)
    private readonly leadsCompleted: Counter<'assistant_id'>,
    @InjectMetric(METRIC.notificationsQueued)
    private readonly notificationsQueued: Counter<'channel'>,
    @InjectMetric(METRIC.notificationsSent) private readonly notificationsSent: Counter<'channel'>,
    @InjectMetric(METRIC.notificationAttemptsFailed)
    private readonly attemptsFailed: Counter<'channel'>,
    @InjectMetric(METRIC.notificationsFailed)
    private readonly notificationsFailed: Counter<'channel'>,
    @InjectMetric(METRIC.outboxOldestQueuedAge) private readonly outboxOldestQueuedAge: Gauge,
    @InjectMetric(METRIC.rateLimitRefusals)
    private readonly refusals: Counter<'budget' | 'transport'>,
    @InjectMetric(METRIC.handoffs) private readonly handoffs: Counter<'event'>,
    @InjectMetric(METRIC.firstStaffReply) private readonly firstStaffReply: Histogram,
  ) {
    for (const event of HANDOFF_METRIC_EVENTS) this.handoffs.inc({ event }, 0);
    // Every series of a bounded label set is exported from the start, at 0, so that a rate or
    // an alert over it has a value before the first event (an assistant's, from its first turn).
    for (const channel of NOTIFICATION_CHANNELS) {
      for (const counter of [
        notificationsQueued,
        notificationsSent,
        attemptsFailed,
        notificationsFailed,
      ]) {
        counter.inc({ channel }, 0);
      }
    }
    for (const transport of ['sse', 'websocket'] satisfies StreamTransport[])
      streamsOpen.inc({ transport }, 0);
    // Reads have no WebSocket path.
    for (const [budget, transport] of [
      ['messages', 'http'],
      ['messages', 'websocket'],
      ['reads', 'http'],
    ] satisfies [RateLimitBudget, RateLimitTransport][]) {
      refusals.inc({ budget, transport }, 0);
    }
  }

  /**
   * A turn of `assistantId` was accepted; `startedAt` (`performance.now()`) is when its request
   * reached the chat service. The meter records its first chunk and its end.
   */
  turnStarted(assistantId: string, startedAt: number): TurnMeter {
    if (!this.assistantsMetered.has(assistantId)) {
      this.assistantsMetered.add(assistantId);
      for (const finishReason of [...FINISH_REASONS, 'error']) {
        this.turnsFinished.inc({ assistant_id: assistantId, finish_reason: finishReason }, 0);
      }
    }
    this.turnsStarted.inc({ assistant_id: assistantId });
    return new TurnMeter(this, assistantId, startedAt);
  }

  /** A client attached to a generation's events; call the answer when it detaches. */
  streamOpened(transport: StreamTransport): () => void {
    this.streamsOpen.inc({ transport });
    return () => this.streamsOpen.dec({ transport });
  }

  /** A turn of `assistantId` completed its lead and queued these notifications. */
  leadCompleted(assistantId: string, queued: readonly { channel: NotificationChannel }[]): void {
    this.leadsCompleted.inc({ assistant_id: assistantId });
    for (const { channel } of queued) this.notificationsQueued.inc({ channel });
  }

  notificationSent(channel: NotificationChannel): void {
    this.notificationsSent.inc({ channel });
  }

  /** A delivery attempt failed; `final` when no attempt is left. */
  notificationAttemptFailed(channel: NotificationChannel, final: boolean): void {
    this.attemptsFailed.inc({ channel });
    if (final) this.notificationsFailed.inc({ channel });
  }

  handoff(event: HandoffMetricEvent): void {
    this.handoffs.inc({ event });
  }

  /** The first staff message after a request for a person, `waitedMs` after it. */
  staffReplied(waitedMs: number): void {
    this.firstStaffReply.observe(waitedMs / 1000);
  }

  rateLimited(budget: RateLimitBudget, transport: RateLimitTransport): void {
    this.refusals.inc({ budget, transport });
  }

  /**
   * The oldest undelivered notification's age in seconds (0 when none), read at each scrape
   * with `read`: one query per scrape, nothing on the turn's path.
   */
  readOutboxAgeWith(read: () => Promise<number>): void {
    this.scrapeReaders.push(async () => {
      this.outboxOldestQueuedAge.set(await read().catch(() => Number.NaN));
    });
  }

  /** Reads the values measured at scrape time; called by the metrics route before it answers. */
  async measureAtScrape(): Promise<void> {
    await Promise.all(this.scrapeReaders.map((read) => read()));
  }
}

/**
 * One turn's measurements: its first chunk's time and its end, recorded once whichever way it
 * ends, with the count of chunks it streamed (an integer, added to the counter once at the end).
 */
export class TurnMeter {
  private over = false;

  constructor(
    private readonly metrics: ApiMetrics,
    private readonly assistantId: string,
    private readonly startedAt: number,
  ) {}

  firstToken(): void {
    this.metrics.timeToFirstToken.observe({ assistant_id: this.assistantId }, this.secondsSoFar());
  }

  /** The turn said `done`. */
  finished(finishReason: FinishReason, chunks: number, usage?: TokenUsage): void {
    if (!this.end(finishReason, chunks)) return;
    // As the provider reported it: a counter refuses anything but a finite, non-negative number.
    if (usage && usage.prompt_tokens >= 0 && usage.completion_tokens >= 0) {
      const assistant_id = this.assistantId;
      this.metrics.modelTokens.inc({ assistant_id, kind: 'prompt' }, usage.prompt_tokens);
      this.metrics.modelTokens.inc({ assistant_id, kind: 'completion' }, usage.completion_tokens);
    }
  }

  /** The turn ended with an error event. */
  failed(code: ErrorCode, chunks: number): void {
    if (this.end('error', chunks)) {
      this.metrics.turnErrors.inc({ assistant_id: this.assistantId, code });
    }
  }

  private end(finishReason: FinishReason | 'error', chunks: number): boolean {
    if (this.over) return false;
    this.over = true;
    const labels = { assistant_id: this.assistantId, finish_reason: finishReason };
    this.metrics.turnsFinished.inc(labels);
    this.metrics.turnDuration.observe(labels, this.secondsSoFar());
    if (chunks > 0) this.metrics.chunksStreamed.inc({ assistant_id: this.assistantId }, chunks);
    return true;
  }

  private secondsSoFar(): number {
    return (performance.now() - this.startedAt) / 1000;
  }
}
