import { Inject, Injectable, Logger, type OnModuleDestroy, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Observable, Subject } from 'rxjs';
import { chatConfig } from '../config/chat.config';
import type { RedisConnection } from '../redis/redis-connection';
import { REDIS } from '../redis/redis.module';

/**
 * What a session's channel records: an event of its own (a `message`, a `handoff`), already
 * encoded, or the news that a turn started, whose events the readers then follow from its
 * stream (they are not copied here).
 */
export type ChannelEntry = { event: string } | { turn: string };

/** An entry as read: with its id (none for what is not kept, such as `typing`). */
export interface ChannelItem {
  id?: string;
  entry: ChannelEntry;
}

/** The entries a session's channel keeps, and the sessions this instance keeps in memory. */
export const CHANNEL_MAX_ENTRIES = 500;
const LOCAL_MAX_SESSIONS = 10_000;

/** `ms-seq`, as Redis Streams number their entries: compared as two numbers. */
const ID_PATTERN = /^(\d{1,15})-(\d{1,9})$/;

/** Whether `id` is a channel id at all (a malformed `Last-Event-ID` replays nothing). */
export function isChannelId(id: string): boolean {
  return ID_PATTERN.test(id);
}

function compareIds(a: string, b: string): number {
  const [, aMs, aSeq] = ID_PATTERN.exec(a) ?? ['', '0', '0'];
  const [, bMs, bSeq] = ID_PATTERN.exec(b) ?? ['', '0', '0'];
  return Number(aMs) - Number(bMs) || Number(aSeq) - Number(bSeq);
}

/**
 * Each session's live channel (PROTOCOL.md, People in the conversation): what happens in it
 * between and around its turns, in order, with ids a reader resumes after. It keeps the last
 * `CHANNEL_MAX_ENTRIES` entries for `STREAM_RETENTION_MS` after the last one. With Redis
 * (`REDIS_URL`) the entries are a Redis Stream per session and the live ones come by a
 * channel per session, which an instance subscribes to only while it has readers of the
 * session, so the visitor on one instance hears the staff member on another; without it, they
 * stay in this process.
 */
@Injectable()
export class SessionChannel implements OnModuleDestroy {
  private readonly logger = new Logger(SessionChannel.name);
  private readonly local = new Map<string, LocalLog>();
  /** With Redis: this instance's readers of each session, and its subscription's handler. */
  private readonly listeners = new Map<string, Set<(item: ChannelItem) => void>>();
  private readonly sweeper: NodeJS.Timeout;
  private onMessage: ((channel: string, message: string) => void) | undefined;

  constructor(
    @Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>,
    @Optional() @Inject(REDIS) private readonly redis: RedisConnection | null = null,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
    if (this.onMessage) this.redis?.subscriber.off('message', this.onMessage);
  }

  private logKey(sessionId: string): string {
    return this.redis?.key(`session:{${sessionId}}:live`) ?? '';
  }

  private liveChannel(sessionId: string): string {
    return this.redis?.key(`live:${sessionId}`) ?? '';
  }

  /**
   * Records `entries`, in order, in the session's channel; resolves once every reader can read
   * them. With Redis: one round trip to add them, one to keep the log and tell the readers.
   */
  async append(sessionId: string, ...entries: ChannelEntry[]): Promise<void> {
    const { redis } = this;
    if (!redis) {
      const log = this.localLog(sessionId);
      for (const entry of entries) {
        const item = { id: log.nextId(), entry };
        log.entries.push(item);
        if (log.entries.length > CHANNEL_MAX_ENTRIES) log.entries.shift();
        log.live.next(item);
      }
      return;
    }
    const key = this.logKey(sessionId);
    const adding = redis.client.pipeline();
    for (const entry of entries) {
      const [field, value] = 'event' in entry ? ['e', entry.event] : ['t', entry.turn];
      adding.xadd(key, 'MAXLEN', '~', CHANNEL_MAX_ENTRIES, '*', field, value);
    }
    const added = (await adding.exec()) ?? [];
    const telling = redis.client.multi().pexpire(key, this.config.streamRetentionMs);
    entries.forEach((entry, index) => {
      const [error, id] = added[index] ?? [new Error('no reply')];
      if (error || typeof id !== 'string')
        throw error ?? new Error('Redis refused the channel entry');
      telling.publish(
        this.liveChannel(sessionId),
        JSON.stringify({ id, entry } satisfies ChannelItem),
      );
    });
    await telling.exec();
  }

  /** Tells the session's current readers of `entry`, which is not kept (a `typing`). */
  announce(sessionId: string, entry: ChannelEntry): void {
    const { redis } = this;
    if (!redis) {
      this.local.get(sessionId)?.live.next({ entry });
      return;
    }
    redis.client
      .publish(this.liveChannel(sessionId), JSON.stringify({ entry } satisfies ChannelItem))
      .catch((error: unknown) => this.logger.warn(`Channel note not shared (${String(error)})`));
  }

  /**
   * The entries after `after` (none kept are replayed without it: a new reader starts now),
   * then the live ones, until unsubscribed. An id the channel no longer holds replays what it
   * holds after it.
   */
  items$(sessionId: string, after?: string): Observable<ChannelItem> {
    return this.redis
      ? this.redisItems$(this.redis, sessionId, after)
      : this.localItems$(sessionId, after);
  }

  /** The entry `id` of the session's channel, if it still holds it. */
  async entry(sessionId: string, id: string): Promise<ChannelEntry | undefined> {
    if (!this.redis)
      return this.local.get(sessionId)?.entries.find((item) => item.id === id)?.entry;
    const [found] = await this.redis.client.xrange(this.logKey(sessionId), id, id);
    return found ? entryOf(found[1]) : undefined;
  }

  /** The session is erased: its channel goes, here and (with Redis) everywhere. */
  async forget(sessionId: string): Promise<void> {
    const log = this.local.get(sessionId);
    if (log) {
      log.live.complete();
      this.local.delete(sessionId);
    }
    await this.redis?.client.del(this.logKey(sessionId));
  }

  private localItems$(sessionId: string, after: string | undefined): Observable<ChannelItem> {
    return new Observable<ChannelItem>((subscriber) => {
      const log = this.localLog(sessionId);
      if (after !== undefined) {
        for (const item of log.entries) {
          if (compareIds(item.id ?? '', after) > 0) subscriber.next(item);
        }
      }
      const subscription = log.live.subscribe(subscriber);
      return () => subscription.unsubscribe();
    });
  }

  private redisItems$(
    redis: RedisConnection,
    sessionId: string,
    after: string | undefined,
  ): Observable<ChannelItem> {
    return new Observable<ChannelItem>((subscriber) => {
      // Live entries are heard from before the replay is read, and held back until it is out:
      // nothing falls between the two, nothing comes twice.
      let replaying = true;
      let last = after;
      const held: ChannelItem[] = [];
      const deliver = (item: ChannelItem) => {
        if (item.id !== undefined) {
          if (last !== undefined && compareIds(item.id, last) <= 0) return;
          last = item.id;
        }
        subscriber.next(item);
      };
      const listener = (item: ChannelItem) => (replaying ? held.push(item) : deliver(item));
      let stopped = false;
      void this.listen(redis, sessionId, listener)
        .then(async () => {
          if (after !== undefined) {
            const entries = await redis.client.xrange(this.logKey(sessionId), `(${after}`, '+');
            for (const [id, fields] of entries) {
              const entry = entryOf(fields);
              if (entry) deliver({ id, entry });
            }
          }
          replaying = false;
          for (const item of held.splice(0)) deliver(item);
        })
        .catch((error: unknown) => {
          if (!stopped) subscriber.error(error);
        });
      return () => {
        stopped = true;
        void this.unlisten(redis, sessionId, listener);
      };
    });
  }

  private async listen(
    redis: RedisConnection,
    sessionId: string,
    listener: (item: ChannelItem) => void,
  ): Promise<void> {
    if (!this.onMessage) {
      const prefix = redis.key('live:');
      this.onMessage = (channel, message) => {
        if (!channel.startsWith(prefix)) return;
        const readers = this.listeners.get(channel.slice(prefix.length));
        if (!readers) return;
        const item = JSON.parse(message) as ChannelItem;
        for (const reader of readers) reader(item);
      };
      redis.subscriber.on('message', this.onMessage);
    }
    let readers = this.listeners.get(sessionId);
    if (!readers) {
      readers = new Set();
      this.listeners.set(sessionId, readers);
      readers.add(listener);
      await redis.subscriber.subscribe(this.liveChannel(sessionId));
      return;
    }
    readers.add(listener);
  }

  private async unlisten(
    redis: RedisConnection,
    sessionId: string,
    listener: (item: ChannelItem) => void,
  ): Promise<void> {
    const readers = this.listeners.get(sessionId);
    if (!readers?.delete(listener) || readers.size > 0) return;
    this.listeners.delete(sessionId);
    await redis.subscriber
      .unsubscribe(this.liveChannel(sessionId))
      .catch((error: unknown) => this.logger.warn(`Channel not left (${String(error)})`));
  }

  private localLog(sessionId: string): LocalLog {
    let log = this.local.get(sessionId);
    if (!log) {
      if (this.local.size >= LOCAL_MAX_SESSIONS) this.evictOldest();
      log = new LocalLog();
      this.local.set(sessionId, log);
    }
    log.touchedAt = Date.now();
    return log;
  }

  /** Forgets logs idle past the retention that nobody reads. */
  private sweep(): void {
    const before = Date.now() - this.config.streamRetentionMs;
    for (const [sessionId, log] of this.local) {
      if (log.touchedAt < before && !log.live.observed) this.local.delete(sessionId);
    }
  }

  private evictOldest(): void {
    const [oldest] = this.local.keys();
    if (oldest !== undefined) this.local.delete(oldest);
  }
}

function entryOf(fields: string[]): ChannelEntry | undefined {
  const [field, value] = fields;
  if (field === 'e' && value !== undefined) return { event: value };
  if (field === 't' && value !== undefined) return { turn: value };
  return undefined;
}

/** A session's channel in this process. */
class LocalLog {
  readonly entries: ChannelItem[] = [];
  readonly live = new Subject<ChannelItem>();
  touchedAt = Date.now();
  private lastMs = 0;
  private seq = 0;

  nextId(): string {
    const now = Date.now();
    if (now > this.lastMs) {
      this.lastMs = now;
      this.seq = 0;
    } else {
      this.seq += 1;
    }
    return `${this.lastMs}-${this.seq}`;
  }
}
