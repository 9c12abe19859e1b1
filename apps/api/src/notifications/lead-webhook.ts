import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Webhook } from 'standardwebhooks';
import type { LeadErasedWebhookPayload, LeadSummary, LeadWebhookPayload } from '@chat/contracts';
import { webhookConfig } from '../config/webhook.config';

/** What one delivery did: `message` is safe to store and show (no secret, no URL credentials). */
export type WebhookResult = { status: 'sent'; message: string } | { status: 'failed'; message: string };

/** The longest response body read back, for the error message only. */
const ERROR_BODY_CHARS = 200;

/**
 * POSTs a completed lead to `LEAD_WEBHOOK_URL` the Standard Webhooks way, signed by the
 * reference library (`standardwebhooks`): `webhook-id` is the notification's id, so it is the
 * same on every retry and receivers can de-duplicate; `webhook-timestamp` is the attempt's time;
 * `webhook-signature` is `v1,` and the HMAC-SHA256 of `id.timestamp.body`. A 2xx is delivered;
 * anything else (a redirect included, which is not followed) is a failed attempt for the outbox
 * to retry.
 */
@Injectable()
export class LeadWebhook {
  private readonly signer: Webhook | undefined;

  constructor(@Inject(webhookConfig.KEY) private readonly config: ConfigType<typeof webhookConfig>) {
    this.signer = config.target && new Webhook(config.target.secret);
  }

  get enabled(): boolean {
    return this.signer !== undefined;
  }

  /** `lead.completed`: the lead as the leads API lists it. */
  send(webhookId: string, lead: LeadSummary): Promise<WebhookResult> {
    const payload: LeadWebhookPayload = {
      type: 'lead.completed',
      id: webhookId,
      occurred_at: lead.completed_at ?? lead.updated_at,
      data: lead,
    };
    return this.post(payload);
  }

  /** `lead.erased`: the lead's id and the time of its erasure, nothing else. */
  sendErased(webhookId: string, leadId: string, erasedAt: Date): Promise<WebhookResult> {
    const payload: LeadErasedWebhookPayload = { type: 'lead.erased', id: webhookId, occurred_at: erasedAt.toISOString(), data: { id: leadId } };
    return this.post(payload);
  }

  private async post(payload: LeadWebhookPayload | LeadErasedWebhookPayload): Promise<WebhookResult> {
    const { target } = this.config;
    const webhookId = payload.id;
    if (!this.signer || !target) return { status: 'failed', message: 'No webhook is configured (LEAD_WEBHOOK_URL).' };
    const body = JSON.stringify(payload);
    const timestamp = new Date();
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.timeoutMs),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'chat-platform-webhooks/1',
          'webhook-id': webhookId,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': this.signer.sign(webhookId, timestamp, body),
        },
        body,
      });
      const text = await response.text().catch(() => '');
      if (response.ok) return { status: 'sent', message: `HTTP ${response.status}` };
      const excerpt = text.slice(0, ERROR_BODY_CHARS).replace(/\s+/g, ' ').trim();
      return { status: 'failed', message: `The webhook answered HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}` };
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return {
        status: 'failed',
        message: timedOut
          ? `The webhook did not answer within ${this.config.timeoutMs} ms`
          : `The webhook could not be reached${cause ? ` (${cause})` : ''}`,
      };
    }
  }
}
