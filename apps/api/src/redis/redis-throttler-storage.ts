import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { RedisConnection } from './redis-connection';

/**
 * The throttler's counters in Redis (the maintained `@nest-lab/throttler-storage-redis`, one Lua
 * script per hit), under this deployment's key prefix: every instance counts in the same budgets.
 */
export function redisThrottlerStorage(redis: RedisConnection): ThrottlerStorage {
  const storage = new ThrottlerStorageRedisService(redis.client);
  return {
    increment: (key, ttl, limit, blockDuration, throttlerName) =>
      storage.increment(redis.key(`limits:${key}`), ttl, limit, blockDuration, throttlerName),
  };
}
