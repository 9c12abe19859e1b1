import { Redis } from 'ioredis';

/**
 * This instance's connections to Redis (`REDIS_URL`): one for commands, one for subscriptions,
 * and one more per blocking read (a blocked connection serves nobody else). While Redis is away
 * a command fails after one reconnection attempt (2 s at most), so a turn fails with a
 * retryable error instead of waiting; the connections reconnect by themselves when it returns.
 */
export class RedisConnection {
  readonly client: Redis;
  readonly subscriber: Redis;

  private constructor(
    private readonly url: string,
    readonly keyPrefix: string,
  ) {
    this.client = this.connect();
    this.subscriber = this.connect();
  }

  /** Connects and checks the server answers; throws (naming no secret) if it does not. */
  static async open(url: string, keyPrefix: string): Promise<RedisConnection> {
    const connection = new RedisConnection(url, keyPrefix);
    try {
      await Promise.all([connection.client.ping(), connection.subscriber.ping()]);
    } catch (error) {
      connection.close();
      throw new Error(
        `Redis (REDIS_URL) did not answer: ${error instanceof Error ? error.message : 'unknown error'}`,
        {
          cause: error,
        },
      );
    }
    return connection;
  }

  /** A connection of its own, for blocking reads; the caller closes it. */
  blocking(): Redis {
    return this.connect();
  }

  /** A key or channel name under this deployment's prefix. */
  key(name: string): string {
    return `${this.keyPrefix}${name}`;
  }

  async isReady(): Promise<boolean> {
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  close(): void {
    this.client.disconnect();
    this.subscriber.disconnect();
  }

  private connect(): Redis {
    const redis = new Redis(this.url, {
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    // Errors are reported by the commands that fail; a listener keeps ioredis from printing them.
    redis.on('error', () => undefined);
    return redis;
  }
}
