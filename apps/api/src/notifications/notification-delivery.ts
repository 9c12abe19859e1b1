import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { outboxConfig } from '../config/outbox.config';
import { leadNotificationOf, type LeadNotificationResult } from '../email/lead-notification';
import { LeadNotifier } from '../email/lead-notifier';
import { ApiMetrics } from '../metrics/api-metrics';
import { PublishedAssistants } from '../assistants/published-assistants';
import { SessionRepository } from '../sessions/session-repository';
import { LeadEvents } from '../leads/lead-events';
import { LeadStore } from '../leads/lead-store';
import { LeadWebhook, type WebhookResult } from './lead-webhook';
import { type ClaimedNotification, NotificationOutbox } from './notification-outbox';
import { nextAttemptAt } from './retry-delay';

/** What one attempt did, on either channel: `status` and a message safe to store. */
export type DeliveryResult = LeadNotificationResult | WebhookResult;

/**
 * Delivers claimed notifications and records each outcome: sent, or queued again after an
 * exponential backoff with jitter, or failed once the attempts are spent. On shutdown it claims
 * nothing more and waits for the deliveries under way (a turn's first attempt goes on after its
 * turn), so that an outcome is recorded before the database closes: a mail sent but not
 * recorded would be sent again once its lease ran out.
 */
@Injectable()
export class NotificationDelivery implements BeforeApplicationShutdown {
  private readonly logger = new Logger(NotificationDelivery.name);
  private readonly underWay = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly outbox: NotificationOutbox,
    private readonly sessions: SessionRepository,
    private readonly notifier: LeadNotifier,
    private readonly webhook: LeadWebhook,
    private readonly leads: LeadStore,
    private readonly leadEvents: LeadEvents,
    private readonly assistants: PublishedAssistants,
    @Inject(outboxConfig.KEY) private readonly config: ConfigType<typeof outboxConfig>,
    private readonly metrics: ApiMetrics,
  ) {
    // The outbox's backlog is read at each scrape, by the instance's own connection.
    metrics.readOutboxAgeWith(() => outbox.oldestUndeliveredAgeSeconds());
  }

  /**
   * Claims the notification `id` if it is due and delivers it; undefined if another holds it, or
   * if this instance is shutting down (it stays queued for the next worker).
   */
  deliverNow(id: string): Promise<DeliveryResult | undefined> {
    return this.track(async () => {
      const [claim] = await this.outbox.claim(this.config.leaseMs, { limit: 1, id });
      return claim && this.deliver(claim);
    });
  }

  /** Claims and delivers up to `limit` due notifications, one after another; answers how many. */
  deliverDue(limit: number): Promise<number> {
    return this.track(async () => {
      const claims = await this.outbox.claim(this.config.leaseMs, { limit });
      for (const claim of claims) await this.deliver(claim);
      return claims.length;
    }).then((count) => count ?? 0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.underWay]);
  }

  /** Runs `work` unless shutting down, and keeps it in view until it settles. */
  private track<T>(work: () => Promise<T>): Promise<T | undefined> {
    if (this.stopping) return Promise.resolve(undefined);
    const running = work();
    this.underWay.add(running);
    void running.finally(() => this.underWay.delete(running)).catch(() => undefined);
    return running;
  }

  private async deliver(claim: ClaimedNotification): Promise<DeliveryResult> {
    const result = await this.attempt(claim);
    try {
      return await this.record(claim, result);
    } finally {
      this.leadEvents.changed(claim.leadId);
    }
  }

  /** One attempt on the notification's channel. */
  private async attempt(claim: ClaimedNotification): Promise<DeliveryResult> {
    // Erased since it was queued: there is nothing to send, and the row went with the lead.
    const erased = { status: 'failed', message: 'The lead was erased.' } as const;
    if (claim.channel === 'webhook') {
      const lead = await this.leads.summary(claim.leadId);
      return lead ? this.webhook.send(claim.id, lead, claim.targetUrl) : erased;
    }
    const lead = await this.sessions.collectedLead(claim.leadId);
    if (!lead) return erased;
    // Listed with the fields of the version the lead was collected by, not the default's.
    const profile = await this.assistants.definition(lead.assistant.id, lead.assistant.version);
    const result = await this.notifier.notify(leadNotificationOf(profile, lead));
    // Erased while its message was being written: the erasure may have looked before the file was there.
    if (
      result.status === 'sent' &&
      result.transport === 'outbox' &&
      !(await this.leads.summary(claim.leadId))
    ) {
      await this.notifier.removeFromOutbox(lead.sessionId);
      return erased;
    }
    return result;
  }

  private async record(
    claim: ClaimedNotification,
    result: DeliveryResult,
  ): Promise<DeliveryResult> {
    if (result.status === 'sent') {
      await this.outbox.markSent(claim);
      this.metrics.notificationSent(claim.channel);
      return result;
    }
    const next = nextAttemptAt(this.config, claim.attempt);
    await this.outbox.markFailedAttempt(claim, result.message, next);
    this.metrics.notificationAttemptFailed(claim.channel, next === undefined);
    this.logger.warn(
      next
        ? `Notification ${claim.id} (${claim.channel}, attempt ${claim.attempt}) failed; next attempt at ${next.toISOString()}`
        : `Notification ${claim.id} (${claim.channel}) failed after ${claim.attempt} attempts; it stays failed until sent again`,
    );
    return result;
  }
}
