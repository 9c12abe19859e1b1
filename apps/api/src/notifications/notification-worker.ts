import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { outboxConfig } from '../config/outbox.config';
import { ErasureNoticeDelivery } from './erasure-notice-delivery';
import { NotificationDelivery } from './notification-delivery';

const BATCH = 20;

/**
 * Each instance's outbox worker: every `OUTBOX_POLL_MS` it delivers the notifications and the
 * `lead.erased` notices that are due (queued ones whose time has come, and claims whose instance
 * died), across restarts. On
 * shutdown it stops claiming and lets the delivery under way finish.
 */
@Injectable()
export class NotificationWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NotificationWorker.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly delivery: NotificationDelivery,
    private readonly erasureNotices: ErasureNoticeDelivery,
    @Inject(outboxConfig.KEY) private readonly config: ConfigType<typeof outboxConfig>,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.poll().finally(() => {
        this.running = undefined;
        this.schedule(this.config.pollMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    try {
      // A full batch means more may be due: go on at once.
      while (!this.stopped && (await this.delivery.deliverDue(BATCH)) === BATCH);
      while (!this.stopped && (await this.erasureNotices.deliverDue(BATCH)) === BATCH);
    } catch (error) {
      // The database may be away for a while; the next poll tries again.
      this.logger.warn(
        `Outbox poll failed: ${error instanceof Error ? error.message : 'unknown error'}`,
      );
    }
  }
}
