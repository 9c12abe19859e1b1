import { Logger } from '@nestjs/common';
import type { ChainableCommander, Redis } from 'ioredis';
import { Observable } from 'rxjs';
import { encodeEventData } from '@chat/contracts';
import type { RedisConnection } from '../../redis/redis-connection';
import type { SessionOwner } from '../../sessions/session-owner';
import type { LiveGeneration } from './live-generation';
import type { StreamEvent } from './stream-resume-buffer';

/** What a session's claim holds: the generation running for it, and whose it is. */
export interface SessionClaim {
  streamId: string;
  owner: SessionOwner;
}

/** The stream's last entry: no event, only the news that there will be no more. */
const END_FIELD = 'end';
/** An entry of one event: `e` and its JSON. */
const EVENT_FIELD = 'e';
/** An entry of several consecutive events (the ones a loop turn produced): `n`, their count, `e`, their JSON joined by newlines (JSON has none of its own). */
const COUNT_FIELD = 'n';
/** How long one blocking read waits before it checks that the generation's instance is alive. */
const BLOCK_MS = 1_000;

/** Deletes the claim only if it is still this generation's (another may have taken an expired one). */
const RELEASE_CLAIM = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** Renews the claim only if it is still this generation's. */
const RENEW_CLAIM = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * Live generations shared by every instance through Redis (`REDIS_URL`):
 *
 * - **One generation per session**: a claim key per session (`SET NX PX`), renewed by the
 *   generating instance while it runs and released when it ends; a crashed instance's claim
 *   expires after `LIVE_CLAIM_TTL_MS` and the session is free again.
 * - **Events**: each event goes to a Redis Stream as it is produced, with its SSE id as the entry
 *   id, so any instance replays after `Last-Event-ID` and follows the live ones with blocking
 *   reads, byte for byte; a last entry marks the end. Finished streams expire after
 *   `STREAM_RETENTION_MS`.
 * - **Cancel** is published on a channel every instance listens to; the one generating aborts.
 * - **Watchers**: clients attached on other instances are counted, so that the orphan timeout
 *   only fires when nobody, anywhere, is reading.
 * - **Erasure**: each session's streams are listed under it, so that erasing the session deletes
 *   them all, whichever instance ran them.
 *
 * A stream's keys share a hash tag (`{streamId}`), so a Redis Cluster keeps them on one slot.
 */
export class RedisLiveStreams {
  private readonly logger = new Logger(RedisLiveStreams.name);

  constructor(
    private readonly redis: RedisConnection,
    private readonly settings: { claimTtlMs: number; retentionMs: number },
  ) {}

  private claimKey(sessionId: string): string {
    return this.redis.key(`session:{${sessionId}}:generation`);
  }
  private eventsKey(streamId: string): string {
    return this.redis.key(`stream:{${streamId}}:events`);
  }
  private metaKey(streamId: string): string {
    return this.redis.key(`stream:{${streamId}}:meta`);
  }
  private watchersKey(streamId: string): string {
    return this.redis.key(`stream:{${streamId}}:watchers`);
  }
  /** The streams of a session, so that its erasure finds them all (whichever instance ran them). */
  private sessionStreamsKey(sessionId: string): string {
    return this.redis.key(`session:{${sessionId}}:streams`);
  }
  private get cancelChannel(): string {
    return this.redis.key('cancel');
  }

  /** Claims `sessionId` for a generation; answers the claim already held if there is one. */
  async claim(sessionId: string, claim: SessionClaim): Promise<SessionClaim | undefined> {
    const key = this.claimKey(sessionId);
    // `SET NX … GET` answers the claim held, or takes it: one round trip, nothing in between.
    const held = await this.redis.client.set(
      key,
      JSON.stringify(claim),
      'PX',
      this.settings.claimTtlMs,
      'NX',
      'GET',
    );
    return held === null ? undefined : (JSON.parse(held) as SessionClaim);
  }

  /** Renews the claims of this instance's running generations (one round trip for all). */
  async renew(claims: { sessionId: string; claim: SessionClaim }[]): Promise<void> {
    if (claims.length === 0) return;
    const pipeline = this.redis.client.pipeline();
    for (const { sessionId, claim } of claims) {
      pipeline.eval(
        RENEW_CLAIM,
        1,
        this.claimKey(sessionId),
        JSON.stringify(claim),
        this.settings.claimTtlMs,
      );
      pipeline.pexpire(
        this.metaKey(claim.streamId),
        this.settings.claimTtlMs + this.settings.retentionMs,
      );
      pipeline.pexpire(
        this.eventsKey(claim.streamId),
        this.settings.claimTtlMs + this.settings.retentionMs,
      );
      pipeline.pexpire(
        this.sessionStreamsKey(sessionId),
        this.settings.claimTtlMs + this.settings.retentionMs,
      );
    }
    await pipeline.exec();
  }

  /**
   * Records the stream's session and claim for other instances (and, with `replaceClaim`, the
   * claim itself, whose owner changed). Sent on the command connection without waiting: it goes
   * before the stream's first event, which is sent on the same connection.
   */
  describe(sessionId: string, claim: SessionClaim, options: { replaceClaim?: boolean } = {}): void {
    const ttl = this.settings.claimTtlMs + this.settings.retentionMs;
    const value = JSON.stringify(claim);
    const pipeline = this.redis.client
      .pipeline()
      .hset(this.metaKey(claim.streamId), { session: sessionId, claim: value })
      .pexpire(this.metaKey(claim.streamId), ttl)
      .sadd(this.sessionStreamsKey(sessionId), claim.streamId)
      .pexpire(this.sessionStreamsKey(sessionId), ttl);
    if (options.replaceClaim)
      pipeline.set(this.claimKey(sessionId), value, 'PX', this.settings.claimTtlMs, 'XX');
    pipeline
      .exec()
      .catch((error: unknown) =>
        this.logger.warn(`Stream ${claim.streamId} not described (${String(error)})`),
      );
  }

  /**
   * Appends an event. The events of one event-loop turn are sent together, one entry per stream
   * and one write for all streams (a burst of tokens costs one command, not one each), in order
   * on the command connection; nobody waits for them.
   */
  append(streamId: string, event: StreamEvent): void {
    const waiting = this.unsent.get(streamId);
    if (waiting) waiting.push(event);
    else this.unsent.set(streamId, [event]);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  private readonly unsent = new Map<string, StreamEvent[]>();
  private flushing = false;

  private flush(): void {
    this.flushing = false;
    if (this.unsent.size === 0) return;
    const pipeline = this.redis.client.pipeline();
    for (const [streamId, events] of this.unsent) this.addEntry(pipeline, streamId, events);
    this.unsent.clear();
    pipeline
      .exec()
      .catch((error: unknown) => this.logger.warn(`Events not shared (${String(error)})`));
  }

  /** Sends a stream's unsent events now (before its end mark). */
  private flushStream(streamId: string): void {
    const events = this.unsent.get(streamId);
    if (!events) return;
    this.unsent.delete(streamId);
    const pipeline = this.redis.client.pipeline();
    this.addEntry(pipeline, streamId, events);
    pipeline
      .exec()
      .catch((error: unknown) =>
        this.logger.warn(`Stream ${streamId}: events not shared (${String(error)})`),
      );
  }

  private addEntry(pipeline: ChainableCommander, streamId: string, events: StreamEvent[]): void {
    const last = events[events.length - 1];
    if (events.length === 1)
      pipeline.xadd(this.eventsKey(streamId), `${last.id}-1`, EVENT_FIELD, last.json);
    else {
      const joined = events.map((event) => event.json).join('\n');
      pipeline.xadd(
        this.eventsKey(streamId),
        `${last.id}-1`,
        COUNT_FIELD,
        String(events.length),
        EVENT_FIELD,
        joined,
      );
    }
  }

  /** The stream has ended: its end mark, its expiry, and its session is free. */
  async finish(sessionId: string, claim: SessionClaim, lastId: number): Promise<void> {
    this.flushStream(claim.streamId);
    await this.redis.client
      .multi()
      .xadd(this.eventsKey(claim.streamId), `${lastId + 1}-1`, END_FIELD, '1')
      .pexpire(this.eventsKey(claim.streamId), this.settings.retentionMs)
      .pexpire(this.metaKey(claim.streamId), this.settings.retentionMs)
      .eval(RELEASE_CLAIM, 1, this.claimKey(sessionId), JSON.stringify(claim))
      .exec();
  }

  /**
   * Deletes every key of the session and of its streams (those recorded for it, and `streamIds`
   * known here), and drops their events not yet sent. Each `DEL` names the keys of one hash tag.
   */
  async forgetSession(sessionId: string, streamIds: string[]): Promise<void> {
    const recorded = await this.redis.client.smembers(this.sessionStreamsKey(sessionId));
    const pipeline = this.redis.client
      .pipeline()
      .del(this.claimKey(sessionId), this.sessionStreamsKey(sessionId));
    for (const streamId of new Set([...recorded, ...streamIds])) {
      this.unsent.delete(streamId);
      pipeline.del(this.eventsKey(streamId), this.metaKey(streamId), this.watchersKey(streamId));
    }
    const replies = await pipeline.exec();
    const failed = replies?.find(([error]) => error)?.[0];
    if (failed) throw failed;
  }

  /** Frees a session whose generation never started (its turn was refused). */
  async release(sessionId: string, claim: SessionClaim): Promise<void> {
    await this.redis.client.eval(RELEASE_CLAIM, 1, this.claimKey(sessionId), JSON.stringify(claim));
  }

  /** The claim on `sessionId`, if a generation runs for it on any instance. */
  async claimOf(sessionId: string): Promise<SessionClaim | undefined> {
    const held = await this.redis.client.get(this.claimKey(sessionId));
    return held === null ? undefined : (JSON.parse(held) as SessionClaim);
  }

  /** Of `sessionIds`, those a generation runs for on any instance (one round trip). */
  async claimed(sessionIds: readonly string[]): Promise<string[]> {
    if (sessionIds.length === 0) return [];
    const pipeline = this.redis.client.pipeline();
    for (const sessionId of sessionIds) pipeline.exists(this.claimKey(sessionId));
    const replies = (await pipeline.exec()) ?? [];
    return sessionIds.filter((_sessionId, index) => replies[index]?.[1] === 1);
  }

  cancel(streamId: string): void {
    this.redis.client
      .publish(this.cancelChannel, streamId)
      .catch((error: unknown) =>
        this.logger.warn(`Cancel of ${streamId} not sent (${String(error)})`),
      );
  }

  /** Calls `onCancel` with each stream id any instance cancels. */
  async listenForCancels(onCancel: (streamId: string) => void): Promise<void> {
    await this.redis.subscriber.subscribe(this.cancelChannel);
    this.redis.subscriber.on('message', (channel: string, streamId: string) => {
      if (channel === this.cancelChannel) onCancel(streamId);
    });
  }

  /** Clients attached on other instances. */
  async remoteWatchers(streamId: string): Promise<number> {
    return Number((await this.redis.client.get(this.watchersKey(streamId))) ?? 0);
  }

  /**
   * The stream `streamId` as another instance runs (or ran) it; undefined if unknown or expired.
   * One round trip: whether it still runs is asked only by those who need to know (a cancel).
   */
  async find(streamId: string): Promise<RemoteGeneration | undefined> {
    const meta = await this.redis.client.hgetall(this.metaKey(streamId));
    if (!meta['claim'] || !meta['session']) return undefined;
    return new RemoteGeneration(
      this,
      streamId,
      meta['session'],
      JSON.parse(meta['claim']) as SessionClaim,
    );
  }

  /** Whether the generation still holds its session's claim (its instance is alive and it runs). */
  async isRunning(sessionId: string, claim: SessionClaim): Promise<boolean> {
    return (await this.redis.client.get(this.claimKey(sessionId))) === JSON.stringify(claim);
  }

  /**
   * The events after `lastEventId`, then the live ones. What the stream holds already is read on
   * the shared connection in the same round trip as the watcher count, so a resume's first
   * events wait for nothing else (and a finished stream's replay needs no connection of its
   * own); the live ones then come by blocking reads on a connection of the reader's own. If the
   * generating instance dies (its claim expires with no end mark), the reader gets a retryable
   * `error` event rather than waiting forever.
   */
  follow(
    streamId: string,
    sessionId: string,
    claim: SessionClaim,
    lastEventId: number,
  ): Observable<StreamEvent> {
    return new Observable<StreamEvent>((subscriber) => {
      let reader: Redis | undefined;
      let closed = false;
      let lastId = lastEventId;
      const watchers = this.watchersKey(streamId);
      const events = this.eventsKey(streamId);
      /** Emits the events of `entries` after `lastId`; true once the end mark is read. */
      const deliver = (answer: XReadAnswer): boolean => {
        for (const [entryId, fields] of answer?.[0][1] ?? []) {
          if (fields[0] === END_FIELD) return true;
          const entryLast = Number(entryId.split('-')[0]);
          const jsons = fields[0] === COUNT_FIELD ? fields[3].split('\n') : [fields[1]];
          for (const [index, json] of jsons.entries()) {
            const id = entryLast - jsons.length + 1 + index;
            // A resume inside an entry: its events up to Last-Event-ID were received already.
            if (id > lastId) subscriber.next({ id, json });
          }
          lastId = entryLast;
        }
        return false;
      };
      void (async () => {
        const replies = await this.redis.client
          .pipeline()
          .incr(watchers)
          .pexpire(watchers, this.settings.claimTtlMs + this.settings.retentionMs)
          .xread('COUNT', 500, 'STREAMS', events, `${lastId}-1`)
          .exec();
        const failed = replies?.find(([error]) => error)?.[0];
        if (failed) throw failed;
        if (closed) return;
        if (deliver(replies?.[2][1] as XReadAnswer)) return subscriber.complete();
        reader = this.redis.blocking();
        while (!closed) {
          const answer = (await reader.xread(
            'COUNT',
            500,
            'BLOCK',
            BLOCK_MS,
            'STREAMS',
            events,
            `${lastId}-1`,
          )) as XReadAnswer;
          if (closed) return;
          if (answer) {
            if (deliver(answer)) return subscriber.complete();
            continue;
          }
          if (await this.isRunning(sessionId, claim)) continue;
          // No end mark and no claim: the instance generating it is gone (or the stream expired).
          const stillEnded = await this.redis.client.xrevrange(events, '+', '-', 'COUNT', 1);
          if (stillEnded[0]?.[1]?.[0] === END_FIELD) continue;
          subscriber.next({
            id: lastId + 1,
            json: encodeEventData({
              type: 'error',
              code: 'internal_error',
              message: 'The reply was interrupted. Please send your message again.',
              retryable: true,
            }),
          });
          return subscriber.complete();
        }
      })().catch((error: unknown) => {
        if (!closed) subscriber.error(error);
      });
      return () => {
        closed = true;
        reader?.disconnect();
        void this.redis.client.decr(watchers).catch(() => undefined);
      };
    });
  }
}

/** What `XREAD` answers for one stream: its entries, each an id and its fields; null when none came. */
type XReadAnswer = [string, [string, string[]][]][] | null;

/** A generation another instance runs (or ran), reached through Redis. */
export class RemoteGeneration implements LiveGeneration {
  constructor(
    private readonly streams: RedisLiveStreams,
    readonly streamId: string,
    readonly sessionId: string,
    private readonly claim: SessionClaim,
  ) {}

  get owner(): SessionOwner {
    return this.claim.owner;
  }

  /** Whether it still holds its session's claim: its instance is alive and it runs. */
  isRunning(): Promise<boolean> {
    return this.streams.isRunning(this.sessionId, this.claim);
  }

  events$(lastEventId = 0): Observable<StreamEvent> {
    return this.streams.follow(this.streamId, this.sessionId, this.claim, Math.max(0, lastEventId));
  }

  abort(): void {
    this.streams.cancel(this.streamId);
  }
}
