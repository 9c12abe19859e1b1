import { Inject, Injectable, Logger, type OnModuleInit, Optional } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import type { RedisConnection } from '../redis/redis-connection';
import { REDIS } from '../redis/redis.module';

/** Something happened to a lead: it changed (collected data, completed, a notification's outcome) or was erased. */
export type LeadChange = { kind: 'changed'; id: string } | { kind: 'erased'; id: string };

/**
 * Lead changes, for the staff's live feed. The turn, the notification delivery and the erasure
 * announce them; the feed reads each changed lead once for all its listeners. With Redis they go
 * through a channel every instance listens to, so staff connected to any instance see every
 * change; without it, they stay in this process.
 */
@Injectable()
export class LeadEvents implements OnModuleInit {
  private readonly logger = new Logger(LeadEvents.name);
  private readonly changes = new Subject<LeadChange>();

  constructor(@Optional() @Inject(REDIS) private readonly redis: RedisConnection | null = null) {}

  get changes$(): Observable<LeadChange> {
    return this.changes.asObservable();
  }

  private get channel(): string {
    return this.redis?.key('leads') ?? '';
  }

  async onModuleInit(): Promise<void> {
    const { redis } = this;
    if (!redis) return;
    await redis.subscriber.subscribe(this.channel);
    redis.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.changes.next(JSON.parse(message) as LeadChange);
    });
  }

  changed(id: string): void {
    this.announce({ kind: 'changed', id });
  }

  erased(id: string): void {
    this.announce({ kind: 'erased', id });
  }

  private announce(change: LeadChange): void {
    if (!this.redis) {
      this.changes.next(change);
      return;
    }
    this.redis.client.publish(this.channel, JSON.stringify(change)).catch((error: unknown) => {
      // The feed is a convenience; the inbox catches up on its next load.
      this.logger.warn(`Lead change not shared (${String(error)})`);
    });
  }
}
