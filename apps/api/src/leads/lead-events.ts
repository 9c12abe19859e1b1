import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit, Optional } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import type { ErasedLead } from '../database/erased-lead';
import type { RedisConnection } from '../redis/redis-connection';
import { REDIS } from '../redis/redis.module';

export type { ErasedLead } from '../database/erased-lead';

/** Something happened to a lead: it changed (collected data, completed, a notification's outcome) or was erased. */
export type LeadChange =
  { kind: 'changed'; id: string } | { kind: 'erased'; id: string; sessionId: string };

/**
 * Removes the copies of an erased lead's data that this instance holds beyond the database
 * (outbox files, streams kept for resuming, Redis keys) or tells others of it. `here` is true on
 * the instance that erased it (once per erasure), false on the others. It must be idempotent.
 */
export type ErasureHandler = (lead: ErasedLead, here: boolean) => Promise<void>;

/** What goes on the channel: the change, and the instance it comes from. */
interface SharedChange {
  change: LeadChange;
  from: string;
}

/**
 * Lead changes, for the staff's live feed, and erasures, for the features that keep copies.
 * The turn, the notification delivery, the erasure and the retention sweep announce them; the
 * feed reads each changed lead once for all its listeners. With Redis they go through a channel
 * every instance listens to, so staff connected to any instance see every change and every
 * instance removes its copies of an erased lead; without it, they stay in this process.
 */
@Injectable()
export class LeadEvents implements OnModuleInit {
  private readonly logger = new Logger(LeadEvents.name);
  private readonly changes = new Subject<LeadChange>();
  private readonly erasureHandlers: ErasureHandler[] = [];
  private readonly instance = randomUUID();

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
      if (channel !== this.channel) return;
      const shared = JSON.parse(message) as SharedChange | LeadChange;
      // An instance of the previous version, during a rolling deploy, shares the bare change.
      const { change, from } = 'change' in shared ? shared : { change: shared, from: undefined };
      if (change.kind === 'erased' && from !== this.instance) {
        void this.removeCopies({ id: change.id, sessionId: change.sessionId }, false);
      }
      this.changes.next(change);
    });
  }

  /** Registers what removes a feature's copies of erased leads. */
  onErased(handler: ErasureHandler): void {
    this.erasureHandlers.push(handler);
  }

  changed(id: string): void {
    this.announce({ kind: 'changed', id });
  }

  /**
   * The lead is erased from the database: this instance removes its copies before this resolves;
   * the other instances remove theirs when the news reaches them.
   */
  async erased(lead: ErasedLead): Promise<void> {
    await this.removeCopies(lead, true);
    this.announce({ kind: 'erased', id: lead.id, sessionId: lead.sessionId });
  }

  private async removeCopies(lead: ErasedLead, here: boolean): Promise<void> {
    const outcomes = await Promise.allSettled(
      this.erasureHandlers.map((handler) => handler(lead, here)),
    );
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected')
        this.logger.error(
          `Copies of erased lead ${lead.id} not all removed: ${String(outcome.reason)}`,
        );
    }
  }

  private announce(change: LeadChange): void {
    if (!this.redis) {
      this.changes.next(change);
      return;
    }
    const shared: SharedChange = { change, from: this.instance };
    this.redis.client.publish(this.channel, JSON.stringify(shared)).catch((error: unknown) => {
      // The feed is a convenience; the inbox catches up on its next load.
      this.logger.warn(`Lead change not shared (${String(error)})`);
    });
  }
}
