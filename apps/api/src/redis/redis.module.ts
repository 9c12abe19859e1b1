import { Global, Inject, Logger, Module, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { redisConfig } from '../config/redis.config';
import { RedisConnection } from './redis-connection';

/** The Redis connection when `REDIS_URL` is set, else `null`: everything live then stays in process. */
export const REDIS = Symbol('REDIS');

@Global()
@Module({
  imports: [ConfigModule.forFeature(redisConfig)],
  providers: [
    {
      provide: REDIS,
      inject: [redisConfig.KEY],
      useFactory: async (config: ConfigType<typeof redisConfig>): Promise<RedisConnection | null> => {
        if (!config.url) return null;
        const connection = await RedisConnection.open(config.url, config.keyPrefix);
        new Logger(RedisModule.name).log('Redis (REDIS_URL): live streams, cancel, claims, rate limits and the staff feed are shared');
        return connection;
      },
    },
  ],
  exports: [REDIS, ConfigModule],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Optional() @Inject(REDIS) private readonly redis: RedisConnection | null) {}

  onApplicationShutdown(): void {
    this.redis?.close();
  }
}
