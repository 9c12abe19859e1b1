import { Inject, Injectable, Logger, type OnModuleDestroy, Optional } from '@nestjs/common';
import type { RedisConnection } from '../redis/redis-connection';
import { REDIS } from '../redis/redis.module';

/** How often an instance tells Redis who is connected to it, and how long that counts. */
const BEAT_MS = 10_000;
export const PRESENCE_TTL_MS = 30_000;

/**
 * Which staff members are online: connected to the Conversations feed (`GET
 * /conversations/events`). Each instance counts its own connections; with Redis it writes
 * their ids, with the time, to a sorted set every few seconds, so any instance knows who is
 * online anywhere (an instance that dies drops out within `PRESENCE_TTL_MS`).
 */
@Injectable()
export class StaffPresence implements OnModuleDestroy {
  private readonly logger = new Logger(StaffPresence.name);
  private readonly connections = new Map<string, number>();
  private readonly beat: NodeJS.Timeout | undefined;

  constructor(@Optional() @Inject(REDIS) private readonly redis: RedisConnection | null = null) {
    if (redis) {
      this.beat = setInterval(() => void this.share(), BEAT_MS);
      this.beat.unref();
    }
  }

  private get key(): string {
    return this.redis?.key('staff-online') ?? '';
  }

  onModuleDestroy(): void {
    clearInterval(this.beat);
  }

  /** `staffId` connected; call the answer when the connection ends. */
  connected(staffId: string): () => void {
    this.connections.set(staffId, (this.connections.get(staffId) ?? 0) + 1);
    void this.share();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.connections.get(staffId) ?? 1) - 1;
      if (left > 0) {
        this.connections.set(staffId, left);
        return;
      }
      this.connections.delete(staffId);
      // Others may still have the member connected: only this instance's mark goes.
      void this.redis?.client
        .zrem(this.key, this.member(staffId))
        .catch((error: unknown) => this.logger.warn(`Presence not updated (${String(error)})`));
    };
  }

  /** The ids of the staff members online now, on any instance. */
  async online(): Promise<string[]> {
    const here = [...this.connections.keys()];
    if (!this.redis) return here;
    const members = await this.redis.client.zrangebyscore(
      this.key,
      Date.now() - PRESENCE_TTL_MS,
      '+inf',
    );
    return [...new Set([...here, ...members.map((member) => member.split('@')[0])])];
  }

  /** One member per staff member and instance: `id@instance`. */
  private member(staffId: string): string {
    return `${staffId}@${process.pid}-${INSTANCE}`;
  }

  private async share(): Promise<void> {
    const { redis } = this;
    if (!redis || this.connections.size === 0) return;
    const now = Date.now();
    const pipeline = redis.client.pipeline();
    for (const staffId of this.connections.keys())
      pipeline.zadd(this.key, now, this.member(staffId));
    pipeline.zremrangebyscore(this.key, '-inf', now - PRESENCE_TTL_MS);
    await pipeline
      .exec()
      .catch((error: unknown) => this.logger.warn(`Presence not shared (${String(error)})`));
  }
}

const INSTANCE = Math.random().toString(36).slice(2, 10);
