import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { validateEnv } from './validate-env';

class RedisEnv {
  /** `redis://[user:pass@]host:6379[/db]` or `rediss://…`: live streams, cancel, claims, rate limits and the staff feed go through it. */
  @IsOptional() @IsString() @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' }) REDIS_URL?: string;
  /** Prefix of every key and channel, so that several deployments can share one Redis. */
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9:_-]{0,40}$/) REDIS_KEY_PREFIX?: string;
  /** A running generation's claim on its session lives this long unless its instance renews it (ms). */
  @IsOptional() @IsInt() @Min(1000) @Max(600_000) LIVE_CLAIM_TTL_MS?: number;
}

export interface RedisConfig {
  url: string | undefined;
  keyPrefix: string;
  claimTtlMs: number;
}

export const redisConfig = registerAs('redis', (): RedisConfig => {
  const env = validateEnv(RedisEnv);
  return { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX ?? 'chat:', claimTtlMs: env.LIVE_CLAIM_TTL_MS ?? 6_000 };
});
