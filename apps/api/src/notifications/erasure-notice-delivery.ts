import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { outboxConfig } from '../config/outbox.config';
import { type ClaimedErasureNotice, ErasureNoticeOutbox } from './erasure-notice-outbox';
import { LeadWebhook } from './lead-webhook';
import { nextAttemptAt } from './retry-delay';

/**
 * Delivers the due `lead.erased` notices, for the outbox worker: the webhook's receiver was sent
 * the lead (or may hold it) and erases its copy too. Each notice is claimed with a lease, so two
 * instances never send it at once; a failed attempt is retried after the outbox's backoff until
 * its attempts are spent. The `webhook-id` is the notice's id on every attempt, for receivers to
 * de-duplicate. An instance without a webhook configured leaves the notices to one that has it.
 */
@Injectable()
export class ErasureNoticeDelivery {
  private readonly logger = new Logger(ErasureNoticeDelivery.name);

  constructor(
    private readonly notices: ErasureNoticeOutbox,
    private readonly webhook: LeadWebhook,
    @Inject(outboxConfig.KEY) private readonly config: ConfigType<typeof outboxConfig>,
  ) {}

  /** Claims and delivers up to `limit` due notices, one after another; answers how many. */
  async deliverDue(limit: number): Promise<number> {
    if (!this.webhook.enabled) return 0;
    const claims = await this.notices.claim(this.config.leaseMs, limit);
    for (const claim of claims) await this.deliver(claim);
    return claims.length;
  }

  private async deliver(claim: ClaimedErasureNotice): Promise<void> {
    const result = await this.webhook.sendErased(
      claim.id,
      claim.leadId,
      claim.erasedAt,
      claim.targetUrl,
    );
    if (result.status === 'sent') {
      await this.notices.markSent(claim);
      return;
    }
    // The message names a status code or a generic reason, never what the receiver answered.
    const next = nextAttemptAt(this.config, claim.attempt);
    await this.notices.markFailedAttempt(claim, result.message, next);
    this.logger.warn(
      next
        ? `lead.erased for lead ${claim.leadId} (attempt ${claim.attempt}) failed: ${result.message}; next attempt at ${next.toISOString()}`
        : `lead.erased for lead ${claim.leadId} failed after ${claim.attempt} attempts: ${result.message}`,
    );
  }
}
