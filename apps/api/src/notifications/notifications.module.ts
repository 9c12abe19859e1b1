import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { outboxConfig } from '../config/outbox.config';
import { EmailModule } from '../email/email.module';
import { SessionsModule } from '../sessions/sessions.module';
import { NotificationDelivery } from './notification-delivery';
import { NotificationOutbox } from './notification-outbox';
import { NotificationWorker } from './notification-worker';

/** The durable outbox of lead notifications, its delivery and this instance's worker. */
@Module({
  imports: [ConfigModule.forFeature(outboxConfig), EmailModule, SessionsModule],
  providers: [NotificationOutbox, NotificationDelivery, NotificationWorker],
  exports: [NotificationOutbox, NotificationDelivery, ConfigModule],
})
export class NotificationsModule {}
