import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AssistantsModule } from '../assistants/assistants.module';
import { outboundConfig } from '../config/outbound.config';
import { outboxConfig } from '../config/outbox.config';
import { webhookConfig } from '../config/webhook.config';
import { EmailModule } from '../email/email.module';
import { LeadsModule } from '../leads/leads.module';
import { TurnEventsModule } from '../turn-events/turn-events.module';
import { ErasureNoticeDelivery } from './erasure-notice-delivery';
import { ErasureNoticeOutbox } from './erasure-notice-outbox';
import { LeadErasure } from './lead-erasure';
import { LeadWebhook } from './lead-webhook';
import { SessionsModule } from '../sessions/sessions.module';
import { NotificationDelivery } from './notification-delivery';
import { NotificationOutbox } from './notification-outbox';
import { NotificationWorker } from './notification-worker';
import { TurnNotifications } from './turn-notifications';

/** The durable outbox of lead notifications (email, and the webhook when configured) and of `lead.erased` notices, their delivery and this instance's worker. */
@Module({
  imports: [
    AssistantsModule,
    ConfigModule.forFeature(outboxConfig),
    ConfigModule.forFeature(webhookConfig),
    ConfigModule.forFeature(outboundConfig),
    EmailModule,
    LeadsModule,
    SessionsModule,
    TurnEventsModule,
  ],
  providers: [
    NotificationOutbox,
    NotificationDelivery,
    NotificationWorker,
    TurnNotifications,
    LeadWebhook,
    LeadErasure,
    ErasureNoticeOutbox,
    ErasureNoticeDelivery,
  ],
  exports: [NotificationOutbox, TurnNotifications, ConfigModule],
})
export class NotificationsModule {}
