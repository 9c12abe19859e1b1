import { Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Request } from 'express';
import { SESSION_TOKEN_HEADER } from '@chat/contracts';
import { AccessModule } from '../access/access.module';
import { AssistantsModule } from '../assistants/assistants.module';
import { ChatModule } from '../chat/chat.module';
import { ConversationsModule } from '../conversations/conversations.module';
import { LeadsModule } from '../leads/leads.module';
import { apiKeyOf } from '../common/principal';
import {
  MESSAGES_BUDGET,
  READS_BUDGET,
  SESSION_BUDGET,
  sessionClient,
} from '../common/client-rate-limit.guard';
import { appConfig } from '../config/app.config';
import { chatConfig } from '../config/chat.config';
import { DatabaseModule } from '../database/database.module';
import { HealthModule } from '../health/health.module';
import { KnowledgeModule } from '../knowledge/knowledge.module';
import { RuleLeadReader } from '../lead-extraction/rule-lead-reader';
import { MetricsModule } from '../metrics/metrics.module';
import { TurnEventsModule } from '../turn-events/turn-events.module';
import { ModelModule } from '../model/model.module';
import { ProfileModule } from '../profile/profile.module';
import type { RedisConnection } from '../redis/redis-connection';
import { REDIS, RedisModule } from '../redis/redis.module';
import { redisThrottlerStorage } from '../redis/redis-throttler-storage';

/** THROTTLER_SKIP of `@nestjs/throttler` (6.x), which its index does not export: `@SkipThrottle` metadata is this plus the budget's name. */
const THROTTLER_SKIP = 'THROTTLER:SKIP';

/** The session a message names in its body, if any. */
function sessionIdOf(request: Request): string | undefined {
  const id = (request.body as { session_id?: unknown } | undefined)?.session_id;
  return typeof id === 'string' ? id : undefined;
}

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig, chatConfig] }),
    RedisModule,
    ThrottlerModule.forRootAsync({
      inject: [chatConfig.KEY, REDIS],
      useFactory: (chat: ConfigType<typeof chatConfig>, redis: RedisConnection | null) => ({
        throttlers: [
          // First, so that a session past its own budget does not also spend its address's.
          {
            name: SESSION_BUDGET,
            ttl: chat.rateLimitWindowMs,
            limit: chat.rateLimitSessionMessages,
            // Only messages naming a session: routes that skip the messages budget skip it too.
            skipIf: (context) =>
              sessionIdOf(context.switchToHttp().getRequest<Request>()) === undefined ||
              [context.getHandler(), context.getClass()].some(
                (target) =>
                  Reflect.getMetadata(`${THROTTLER_SKIP}${MESSAGES_BUDGET}`, target) === true,
              ),
            getTracker: (request) =>
              sessionClient(
                sessionIdOf(request as Request) ?? '',
                apiKeyOf(request)?.id ?? (request as Request).get(SESSION_TOKEN_HEADER),
              ),
          },
          // Messages are `default`, so that their headers are the standard `X-RateLimit-*`.
          {
            name: MESSAGES_BUDGET,
            ttl: chat.rateLimitWindowMs,
            // An API key has its own, larger budget: it speaks for many visitors.
            limit: (context) =>
              apiKeyOf(context.switchToHttp().getRequest<object>())
                ? chat.rateLimitApiKeyMessages
                : chat.rateLimitMessages,
          },
          { name: READS_BUDGET, ttl: chat.rateLimitWindowMs, limit: chat.rateLimitReads },
        ],
        // With Redis, every instance counts in the same budgets.
        ...(redis && { storage: redisThrottlerStorage(redis) }),
      }),
    }),
    MetricsModule,
    TurnEventsModule,
    ProfileModule,
    DatabaseModule,
    // The model layer is below the lead domain: the lead rules reach the demo model from here.
    ModelModule.forRoot({ demoLeadReader: RuleLeadReader }),
    AccessModule,
    AssistantsModule,
    KnowledgeModule,
    LeadsModule,
    ChatModule,
    ConversationsModule,
    HealthModule,
  ],
})
export class AppModule {}
