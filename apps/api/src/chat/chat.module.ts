import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { chatConfig } from '../config/chat.config';
import { LeadExtractionModule } from '../lead-extraction/lead-extraction.module';
import { LeadsModule } from '../leads/leads.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TurnEventsModule } from '../turn-events/turn-events.module';
import { AccessModule } from '../access/access.module';
import { AssistantsModule } from '../assistants/assistants.module';
import { KnowledgeModule } from '../knowledge/knowledge.module';
import { ChatPageOrigins } from './chat-page-origins';
import { ChatController } from './chat.controller';
import { ChatGateway } from './chat.gateway';
import { ChatTurnService } from './chat-turn.service';
import { GenerationRegistry } from './generation/generation-registry';
import { trackSseStream } from './sse/nest-sse-stream';

@Module({
  imports: [
    ConfigModule.forFeature(chatConfig),
    AccessModule,
    AssistantsModule,
    KnowledgeModule,
    LeadExtractionModule,
    LeadsModule,
    NotificationsModule,
    SessionsModule,
    TurnEventsModule,
  ],
  controllers: [ChatController],
  providers: [ChatTurnService, GenerationRegistry, ChatGateway, ChatPageOrigins],
  exports: [GenerationRegistry, ChatPageOrigins],
})
export class ChatModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(trackSseStream)
      .forRoutes(
        { path: 'chat/stream', method: RequestMethod.POST },
        { path: 'chat/streams/:streamId/events', method: RequestMethod.GET },
      );
  }
}
