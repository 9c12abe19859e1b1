import { Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { AccessModule } from '../access/access.module';
import { ChatModule } from '../chat/chat.module';
import { LeadsModule } from '../leads/leads.module';
import { apiKeyOf } from '../common/principal';
import { MESSAGES_BUDGET, READS_BUDGET } from '../common/client-rate-limit.guard';
import { appConfig } from '../config/app.config';
import { chatConfig } from '../config/chat.config';
import { DatabaseModule } from '../database/database.module';
import { HealthModule } from '../health/health.module';
import { RuleLeadReader } from '../lead/rule-lead-reader';
import { MetricsModule } from '../metrics/metrics.module';
import { ModelModule } from '../model/model.module';
import { ProfileModule } from '../profile/profile.module';
import type { RedisConnection } from '../redis/redis-connection';
import { REDIS, RedisModule } from '../redis/redis.module';
import { redisThrottlerStorage } from '../redis/redis-throttler-storage';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig, chatConfig] }),
    RedisModule,
    ThrottlerModule.forRootAsync({
      inject: [chatConfig.KEY, REDIS],
      useFactory: (chat: ConfigType<typeof chatConfig>, redis: RedisConnection | null) => ({
        throttlers: [
          // Messages are `default`, so that their headers are the standard `X-RateLimit-*`.
          {
            name: MESSAGES_BUDGET,
            ttl: chat.rateLimitWindowMs,
            // An API key has its own, larger budget: it speaks for many visitors.
            limit: (context) =>
              apiKeyOf(context.switchToHttp().getRequest<object>()) ? chat.rateLimitApiKeyMessages : chat.rateLimitMessages,
          },
          { name: READS_BUDGET, ttl: chat.rateLimitWindowMs, limit: chat.rateLimitReads },
        ],
        // With Redis, every instance counts in the same budgets.
        ...(redis && { storage: redisThrottlerStorage(redis) }),
      }),
    }),
    MetricsModule,
    ProfileModule,
    DatabaseModule,
    // The model layer is below the lead domain: the lead rules reach the demo model from here.
    ModelModule.forRoot({ demoLeadReader: RuleLeadReader }),
    AccessModule,
    LeadsModule,
    ChatModule,
    HealthModule,
  ],
})
export class AppModule {}
