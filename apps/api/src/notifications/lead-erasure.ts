import { randomUUID } from 'node:crypto';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { outboxConfig } from '../config/outbox.config';
import { LeadNotifier } from '../email/lead-notifier';
import { type ErasedLead, LeadEvents } from '../leads/lead-events';
import { SessionRetention } from '../sessions/session-retention';
import { LeadWebhook } from './lead-webhook';
import { retryDelayMs } from './retry-delay';

/**
 * The notifications' part of an erasure: the lead's message leaves this instance's mail outbox
 * folder, and a webhook that was sent the lead receives `lead.erased` (from the instance that
 * erased it), so that its receiver can erase its copy too. The notice cannot go through the
 * durable outbox, whose rows go with the lead: it is retried in this process, with the outbox's
 * attempts and backoff, and a restart before it is delivered loses it (the log says so).
 */
@Injectable()
export class LeadErasure implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LeadErasure.name);
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private readonly underWay = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    leadEvents: LeadEvents,
    private readonly notifier: LeadNotifier,
    private readonly webhook: LeadWebhook,
    @Inject(outboxConfig.KEY) private readonly config: ConfigType<typeof outboxConfig>,
    retention: SessionRetention,
  ) {
    leadEvents.onErased((lead, here) => this.erase(lead, here));
    // A lead the retention sweep erases is erased like one a staff member erases: every copy goes.
    retention.onErased((lead) => leadEvents.erased(lead));
  }

  private async erase(lead: ErasedLead, here: boolean): Promise<void> {
    if (here && lead.webhookTold && this.webhook.enabled)
      this.tell(randomUUID(), lead.id, new Date(), 1);
    await this.notifier.removeFromOutbox(lead.sessionId);
  }

  /** One attempt at the notice; another after the backoff if it failed, until the attempts are spent. */
  private tell(webhookId: string, leadId: string, erasedAt: Date, attempt: number): void {
    if (this.stopping) return;
    const sending = this.webhook.sendErased(webhookId, leadId, erasedAt).then((result) => {
      if (result.status === 'sent') return;
      if (attempt >= this.config.maxAttempts || this.stopping) {
        this.logger.warn(
          `lead.erased for lead ${leadId} not delivered after ${attempt} attempt(s): ${result.message}`,
        );
        return;
      }
      const timer = setTimeout(
        () => {
          this.retries.delete(webhookId);
          this.tell(webhookId, leadId, erasedAt, attempt + 1);
        },
        retryDelayMs(this.config, attempt),
      );
      timer.unref();
      this.retries.set(webhookId, timer);
    });
    this.underWay.add(sending);
    void sending.finally(() => this.underWay.delete(sending));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const timer of this.retries.values()) clearTimeout(timer);
    if (this.retries.size > 0)
      this.logger.warn(`${this.retries.size} lead.erased notice(s) not delivered before shutdown`);
    this.retries.clear();
    await Promise.allSettled([...this.underWay]);
  }
}
