import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { ApiError } from '../common/api-error';
import type { RedisConnection } from './redis-connection';

/**
 * The throttler's counters in Redis (the maintained `@nest-lab/throttler-storage-redis`, one Lua
 * script per hit), under this deployment's key prefix: every instance counts in the same budgets.
 * While Redis is away, a call that would count answers a retryable 503.
 */
export function redisThrottlerStorage(redis: RedisConnection): ThrottlerStorage {
  const storage = new ThrottlerStorageRedisService(redis.client);
  return {
    increment: (key, ttl, limit, blockDuration, throttlerName) =>
      storage.increment(redis.key(`limits:${key}`), ttl, limit, blockDuration, throttlerName).catch((error: unknown) => {
        // Redis is away: the call is refused as retryable, and nothing of Redis is told.
        throw new ApiError('internal_error', 'The service is briefly unavailable. Please retry in a moment.', {
          status: 503,
          retryAfterSeconds: 1,
          cause: error,
        });
      }),
  };
}
