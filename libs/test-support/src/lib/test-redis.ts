import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis server the scale-out tests use: `TEST_REDIS_URL`, by default the local one. */
export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** Set by {@link probeTestRedis} for the test files: the server's URL, or empty when unreachable. */
const AVAILABLE_ENV = 'TEST_REDIS_AVAILABLE_URL';

/**
 * For a Jest `globalSetup`: checks once that Redis answers. Under `CI=true` an unreachable
 * server fails the run; elsewhere the Redis suites are skipped and the run says so loudly.
 */
export async function probeTestRedis(): Promise<void> {
  const url = process.env['TEST_REDIS_URL'] ?? DEFAULT_TEST_REDIS_URL;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    process.env[AVAILABLE_ENV] = url;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (process.env['CI'] === 'true') {
      throw new Error(
        `Redis for the tests is unreachable at ${url} (${why}); under CI=true its suites must run.`,
        {
          cause: error,
        },
      );
    }
    process.env[AVAILABLE_ENV] = '';
    const line = '!'.repeat(100);
    console.warn(
      `\n${line}\n!! Redis is unreachable at ${url} (${why}).\n!! The Redis (scale-out) suites are SKIPPED. Start Redis or set TEST_REDIS_URL.\n${line}\n`,
    );
  } finally {
    redis.disconnect();
  }
}

/** The test Redis's URL, or undefined when {@link probeTestRedis} did not find it. */
export function testRedisUrl(): string | undefined {
  return process.env[AVAILABLE_ENV] || undefined;
}

/** A key prefix of its own for one test run, so that runs never see each other's keys. */
export function testRedisPrefix(): string {
  return `test-${randomBytes(4).toString('hex')}:`;
}
