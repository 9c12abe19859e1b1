import { Inject, Injectable, Logger, type OnModuleInit, Optional } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import type { RedisConnection } from '../redis/redis-connection';
import { REDIS } from '../redis/redis.module';

/** A conversation changed (a turn, a handoff, a staff message) or was erased. */
export type ConversationChange =
  { kind: 'changed'; sessionId: string } | { kind: 'erased'; sessionId: string };

/**
 * Conversation changes, for the staff's Conversations feed. With Redis they go through a
 * channel every instance listens to, so staff connected anywhere see every change; without it
 * they stay in this process.
 */
@Injectable()
export class ConversationEvents implements OnModuleInit {
  private readonly logger = new Logger(ConversationEvents.name);
  private readonly changes = new Subject<ConversationChange>();

  constructor(@Optional() @Inject(REDIS) private readonly redis: RedisConnection | null = null) {}

  get changes$(): Observable<ConversationChange> {
    return this.changes.asObservable();
  }

  private get channel(): string {
    return this.redis?.key('conversations') ?? '';
  }

  async onModuleInit(): Promise<void> {
    const { redis } = this;
    if (!redis) return;
    await redis.subscriber.subscribe(this.channel);
    redis.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.changes.next(JSON.parse(message) as ConversationChange);
    });
  }

  changed(sessionId: string): void {
    this.announce({ kind: 'changed', sessionId });
  }

  erased(sessionId: string): void {
    this.announce({ kind: 'erased', sessionId });
  }

  private announce(change: ConversationChange): void {
    if (!this.redis) {
      this.changes.next(change);
      return;
    }
    this.redis.client.publish(this.channel, JSON.stringify(change)).catch((error: unknown) => {
      // The feed is a convenience; the view catches up on its next load.
      this.logger.warn(`Conversation change not shared (${String(error)})`);
    });
  }
}
