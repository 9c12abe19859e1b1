import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { knowledgeConfig } from '../config/knowledge.config';
import { KnowledgeEmbeddings } from './knowledge-embeddings';
import { KnowledgeProcessing } from './knowledge-processing';

/** The wait after the embeddings endpoint failed, doubled each time up to the maximum. */
const EMBED_RETRY_MIN_MS = 5_000;
const EMBED_RETRY_MAX_MS = 300_000;
/**
 * Once every passage is embedded, how long before looking again when this instance processed
 * nothing (another instance embeds what it processes; this catches what one left at its death).
 */
const EMBED_IDLE_MS = 60_000;

/**
 * Each instance's knowledge worker: every `KNOWLEDGE_POLL_MS`, and at once when this instance
 * stores an upload, it processes the sources due (new ones, and those whose instance died), off
 * the request path and across restarts, then (with `EMBEDDINGS_MODEL`) embeds the passages that
 * lack an embedding, waiting longer after each failure of the endpoint. On shutdown it stops
 * claiming and lets the work under way finish.
 */
@Injectable()
export class KnowledgeWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(KnowledgeWorker.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private embedRetryMs = 0;
  private embedAfter = 0;
  private embedIdleUntil = 0;

  constructor(
    private readonly processing: KnowledgeProcessing,
    private readonly embeddings: KnowledgeEmbeddings,
    @Inject(knowledgeConfig.KEY) private readonly config: ConfigType<typeof knowledgeConfig>,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** A source was stored: process it now rather than at the next poll. */
  wake(): void {
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.poll().finally(() => {
        this.running = undefined;
        const again = this.again;
        this.again = false;
        this.schedule(again ? 0 : this.config.pollMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    try {
      let processed = 0;
      for (let claimed; !this.stopped && (claimed = await this.processing.processDue()) > 0;) {
        processed += claimed;
      }
      // New passages to embed: look now rather than when idle ends.
      if (processed > 0) this.embedIdleUntil = 0;
    } catch (error) {
      // The database may be away for a while; the next poll tries again.
      this.logger.warn(
        `Knowledge poll failed: ${error instanceof Error ? error.message : 'unknown error'}`,
      );
      return;
    }
    await this.embed();
  }

  private async embed(): Promise<void> {
    const now = Date.now();
    if (!this.embeddings.enabled || now < this.embedAfter || now < this.embedIdleUntil) return;
    try {
      while (!this.stopped && (await this.embeddings.embedDue()) > 0);
      this.embedRetryMs = 0;
      // Caught up: no search for passages without embeddings at every poll.
      this.embedIdleUntil = Date.now() + EMBED_IDLE_MS;
    } catch (error) {
      this.embedRetryMs = Math.min(
        EMBED_RETRY_MAX_MS,
        Math.max(EMBED_RETRY_MIN_MS, this.embedRetryMs * 2),
      );
      this.embedAfter = Date.now() + this.embedRetryMs;
      this.logger.warn(
        `Embedding passages failed, again in ${this.embedRetryMs / 1000} s: ${error instanceof Error ? error.message : 'unknown error'}`,
      );
    }
  }
}
