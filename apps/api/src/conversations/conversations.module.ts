import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AccessModule } from '../access/access.module';
import { AssistantsModule } from '../assistants/assistants.module';
import { ChatModule } from '../chat/chat.module';
import { trackSseStream } from '../chat/sse/nest-sse-stream';
import { chatConfig } from '../config/chat.config';
import { handoffConfig } from '../config/handoff.config';
import { outboxConfig } from '../config/outbox.config';
import { EmailModule } from '../email/email.module';
import { LeadsModule } from '../leads/leads.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TurnEventsModule } from '../turn-events/turn-events.module';
import { ConversationEvents } from './conversation-events';
import { ConversationsController } from './conversations.controller';
import { HandoffReminders } from './handoff-reminders';
import { HandoffStore } from './handoff-store';
import { HandoffService } from './handoff.service';
import { SessionChannelModule } from './session-channel.module';
import { SessionLive } from './session-live';
import { SessionLiveController } from './session-live.controller';
import { StaffPresence } from './staff-presence';
import { TurnChannel } from './turn-channel';

/**
 * People in the conversation (PROTOCOL.md v3): each session's live channel, asking for a
 * person, the staff's Conversations view, and the reminder of requests nobody took. The chat
 * turn knows nothing of it beyond the session's handoff state: it hears of turns from their
 * events (`TurnChannel`).
 */
@Module({
  imports: [
    ConfigModule.forFeature(chatConfig),
    ConfigModule.forFeature(handoffConfig),
    ConfigModule.forFeature(outboxConfig),
    AccessModule,
    AssistantsModule,
    ChatModule,
    EmailModule,
    LeadsModule,
    SessionChannelModule,
    SessionsModule,
    TurnEventsModule,
  ],
  controllers: [SessionLiveController, ConversationsController],
  providers: [
    ConversationEvents,
    HandoffReminders,
    HandoffService,
    HandoffStore,
    SessionLive,
    StaffPresence,
    TurnChannel,
  ],
})
export class ConversationsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(trackSseStream)
      .forRoutes({ path: 'chat/sessions/:sessionId/events', method: RequestMethod.GET });
  }
}
