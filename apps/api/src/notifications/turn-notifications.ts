import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { outboxConfig } from '../config/outbox.config';
import { webhookConfig } from '../config/webhook.config';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';
import type { QueuedNotification } from '../sessions/session-repository';
import type { LeadCompletedEvent } from '../turn-events/turn-event';
import { TurnEvents } from '../turn-events/turn-events';
import { NotificationDelivery } from './notification-delivery';

/**
 * A chat turn's notifications. The turn that completes a lead queues them in its own
 * transaction (durable: a turn is all or nothing), with the rows this gives; their first
 * attempts are made here: the webhook's when the turn says the lead is complete, without the
 * turn; the email's awaited by the turn for a while, so that the visitor can be told it went.
 */
@Injectable()
export class TurnNotifications implements OnModuleInit {
  private readonly logger = new Logger(TurnNotifications.name);

  constructor(
    private readonly delivery: NotificationDelivery,
    private readonly events: TurnEvents,
    @Inject(outboxConfig.KEY) private readonly outbox: ConfigType<typeof outboxConfig>,
    @Inject(webhookConfig.KEY) private readonly webhook: ConfigType<typeof webhookConfig>,
  ) {}

  onModuleInit(): void {
    this.events.on('lead_completed', (event) => this.attemptWebhook(event));
  }

  /**
   * What a turn of `profile` that completes its lead queues: the email, and the webhook when the
   * assistant names a receiver of its own (`notifications.webhook_url`, which replaces the
   * deployment's) or the deployment has one (`LEAD_WEBHOOK_URL`).
   */
  toQueue(profile: AssistantProfileDefinition): QueuedNotification[] {
    const targetUrl = profile.notifications?.webhook_url;
    return [
      { id: randomUUID(), channel: 'email' },
      ...(targetUrl || this.webhook.url
        ? [{ id: randomUUID(), channel: 'webhook' as const, ...(targetUrl && { targetUrl }) }]
        : []),
    ];
  }

  /**
   * The first attempt of the queued email `notificationId`, awaited for
   * `NOTIFY_IN_TURN_TIMEOUT_MS` at most: true if the mail server accepted it by then. Otherwise
   * the attempt goes on without the turn, and the outbox worker takes care of the rest.
   */
  async sendEmailWithinTurn(notificationId: string, sessionId: string): Promise<boolean> {
    const attempt = this.delivery.deliverNow(notificationId).catch((error: unknown) => {
      this.logger.error({ err: error, sessionId }, 'Lead notification attempt failed');
      return undefined;
    });
    const timeout = new AbortController();
    const result = await Promise.race([
      attempt,
      delay(this.outbox.inTurnTimeoutMs, undefined, { signal: timeout.signal }).catch(
        () => undefined,
      ),
    ]);
    timeout.abort();
    return result?.status === 'sent';
  }

  /** The webhook's first attempt goes on without the turn: nothing after `done` may fail it. */
  private attemptWebhook({ notifications }: LeadCompletedEvent): void {
    for (const { id } of notifications.filter(({ channel }) => channel === 'webhook')) {
      void this.delivery
        .deliverNow(id)
        .catch((error: unknown) => this.logger.error({ err: error }, 'Webhook attempt failed'));
    }
  }
}
