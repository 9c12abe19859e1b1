import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { knowledgeConfig } from '../config/knowledge.config';
import { KnowledgeProcessing } from './knowledge-processing';

/**
 * Each instance's knowledge worker: every `KNOWLEDGE_POLL_MS`, and at once when this instance
 * stores an upload, it processes the sources due (new ones, and those whose instance died), off
 * the request path and across restarts. On shutdown it stops claiming and lets the source under
 * way finish.
 */
@Injectable()
export class KnowledgeWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(KnowledgeWorker.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly processing: KnowledgeProcessing,
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
      while (!this.stopped && (await this.processing.processDue()) > 0);
    } catch (error) {
      // The database may be away for a while; the next poll tries again.
      this.logger.warn(
        `Knowledge poll failed: ${error instanceof Error ? error.message : 'unknown error'}`,
      );
    }
  }
}
