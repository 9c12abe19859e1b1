import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Webhook } from 'standardwebhooks';
import type { LeadErasedWebhookPayload, LeadSummary, LeadWebhookPayload } from '@chat/contracts';
import { OutboundError, outboundRequest } from '../common/outbound/outbound-request';
import { outboundConfig } from '../config/outbound.config';
import { webhookConfig } from '../config/webhook.config';

/** What one delivery did: `message` is safe to store and show (no secret, no URL credentials). */
export type WebhookResult =
  { status: 'sent'; message: string } | { status: 'failed'; message: string };

/** The longest answer read (and dropped: a receiver's body is never stored nor shown). */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs a completed lead to `LEAD_WEBHOOK_URL` the Standard Webhooks way, signed by the
 * reference library (`standardwebhooks`): `webhook-id` is the notification's id, so it is the
 * same on every retry and receivers can de-duplicate; `webhook-timestamp` is the attempt's time;
 * `webhook-signature` is `v1,` and the HMAC-SHA256 of `id.timestamp.body`. A 2xx is delivered;
 * anything else (a redirect included, which is not followed) is a failed attempt for the outbox
 * to retry. It goes through the outbound guard (`common/outbound`): an internal address is
 * refused unless `OUTBOUND_ALLOW_PRIVATE`. A failure is told by its status code or a generic
 * reason only: what a receiver answers may hold anything, and staff read the message.
 */
@Injectable()
export class LeadWebhook {
  private readonly signer: Webhook | undefined;

  constructor(
    @Inject(webhookConfig.KEY) private readonly config: ConfigType<typeof webhookConfig>,
    @Inject(outboundConfig.KEY) private readonly outbound: ConfigType<typeof outboundConfig>,
  ) {
    this.signer = config.secret ? new Webhook(config.secret) : undefined;
  }

  /** Whether this instance can sign a delivery (`LEAD_WEBHOOK_SECRET`). */
  get enabled(): boolean {
    return this.signer !== undefined;
  }

  /**
   * `lead.completed`: the lead as the leads API lists it, to `targetUrl` (an assistant's own
   * receiver) or else the deployment's.
   */
  send(webhookId: string, lead: LeadSummary, targetUrl?: string): Promise<WebhookResult> {
    // The staff's workflow (stage, owner's email, tags, unread) stays in the product.
    const { stage: _stage, owner: _owner, tags: _tags, unread: _unread, ...data } = lead;
    const payload: LeadWebhookPayload = {
      type: 'lead.completed',
      id: webhookId,
      occurred_at: lead.completed_at ?? lead.updated_at,
      data,
    };
    return this.post(payload, targetUrl);
  }

  /** `lead.erased`: the lead's id and the time of its erasure, nothing else, to where the lead went. */
  sendErased(
    webhookId: string,
    leadId: string,
    erasedAt: Date,
    targetUrl?: string,
  ): Promise<WebhookResult> {
    const payload: LeadErasedWebhookPayload = {
      type: 'lead.erased',
      id: webhookId,
      occurred_at: erasedAt.toISOString(),
      data: { id: leadId },
    };
    return this.post(payload, targetUrl);
  }

  private async post(
    payload: LeadWebhookPayload | LeadErasedWebhookPayload,
    targetUrl = this.config.url,
  ): Promise<WebhookResult> {
    const webhookId = payload.id;
    if (!this.signer)
      return {
        status: 'failed',
        message: 'No webhook signing secret is configured (LEAD_WEBHOOK_SECRET).',
      };
    if (!targetUrl)
      return { status: 'failed', message: 'No webhook is configured (LEAD_WEBHOOK_URL).' };
    const body = JSON.stringify(payload);
    const timestamp = new Date();
    try {
      const response = await outboundRequest(
        targetUrl,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'chat-platform-webhooks/1',
            'webhook-id': webhookId,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': this.signer.sign(webhookId, timestamp, body),
          },
          body,
        },
        {
          allowPrivate: this.outbound.allowPrivate,
          timeoutMs: this.config.timeoutMs,
          maxResponseBytes: MAX_RESPONSE_BYTES,
        },
      );
      if (response.status >= 200 && response.status < 300)
        return { status: 'sent', message: `HTTP ${response.status}` };
      return { status: 'failed', message: `The webhook answered HTTP ${response.status}` };
    } catch (error) {
      return { status: 'failed', message: failureMessage(error, this.config.timeoutMs) };
    }
  }
}

/** What staff read of a delivery that got no answer: a generic reason, and a system error code at most. */
function failureMessage(error: unknown, timeoutMs: number): string {
  const reason = error instanceof OutboundError ? error.reason : 'unreachable';
  switch (reason) {
    case 'address_refused':
      return 'The webhook address is refused: it is an internal address (set OUTBOUND_ALLOW_PRIVATE=true for a receiver on your own network)';
    case 'timeout':
      return `The webhook did not answer within ${timeoutMs} ms`;
    case 'too_large':
      return `The webhook's answer was longer than ${MAX_RESPONSE_BYTES} bytes`;
    case 'invalid_url':
      return 'The webhook URL is not an http or https URL';
    case 'unreachable': {
      const code = error instanceof OutboundError ? error.code : undefined;
      return `The webhook could not be reached${code && /^E[A-Z_]+$/.test(code) ? ` (${code})` : ''}`;
    }
  }
}
