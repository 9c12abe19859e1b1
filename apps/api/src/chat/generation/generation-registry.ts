import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { encodeEventData, type StartEvent } from '@chat/contracts';
import { ApiError } from '../../common/api-error';
import { chatConfig } from '../../config/chat.config';
import { redisConfig } from '../../config/redis.config';
import { LeadEvents } from '../../leads/lead-events';
import type { RedisConnection } from '../../redis/redis-connection';
import { REDIS } from '../../redis/redis.module';
import { ownsSession, type SessionCaller, type SessionOwner } from '../../sessions/session-owner';
import { forbidden } from '../../sessions/session-token';
import { Generation, type GenerationLifecycle } from './generation';
import type { LiveGeneration } from './live-generation';
import type { StreamEvent } from './stream-resume-buffer';
import { RedisLiveStreams } from './redis-live-streams';

/**
 * The event as other instances may replay it: a `start` that created a session loses its
 * `session_token` (a secret, stored nowhere in clear; whoever resumes already holds it).
 */
export function withoutSessionToken(event: StreamEvent): StreamEvent {
  if (event.id !== 1 || !event.json.includes('"session_token"')) return event;
  const { session_token: _secret, ...start } = JSON.parse(event.json) as StartEvent;
  return { id: event.id, json: encodeEventData(start) };
}

function busy(): ApiError {
  return new ApiError(
    'generation_in_progress',
    'A reply is already being generated for this session. Wait for it or cancel it.',
  );
}

function notFound(): ApiError {
  return new ApiError('not_found', 'No such stream: it never existed or has expired.');
}

/**
 * Every generation of this instance, running or recently finished. It enforces one generation
 * per session, aborts generations nobody reads, keeps finished streams resumable for a while,
 * and drains running ones on shutdown. With Redis (`REDIS_URL`) the claim on a session, the
 * events, cancels and the count of readers are shared with every instance (`RedisLiveStreams`),
 * so a resume or a cancel works wherever it lands; without it, all of it stays in this process.
 */
@Injectable()
export class GenerationRegistry
  implements GenerationLifecycle, OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(GenerationRegistry.name);
  private readonly generations = new Map<string, Generation>();
  private readonly runningBySession = new Map<string, Generation>();
  private readonly orphanTimers = new Map<Generation, NodeJS.Timeout>();
  private readonly drainWaiters = new Set<() => void>();
  private draining = false;
  private readonly live: RedisLiveStreams | undefined;
  private renewer: NodeJS.Timeout | undefined;
  /** End marks on their way to Redis. */
  private readonly endings = new Set<Promise<void>>();

  constructor(
    @Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>,
    @Inject(redisConfig.KEY) private readonly redisSettings: ConfigType<typeof redisConfig>,
    @Optional() @Inject(REDIS) redis: RedisConnection | null = null,
    @Optional() @Inject(LeadEvents) leadEvents: LeadEvents | null = null,
  ) {
    this.live = redis
      ? new RedisLiveStreams(redis, {
          claimTtlMs: redisSettings.claimTtlMs,
          retentionMs: config.streamRetentionMs,
        })
      : undefined;
    leadEvents?.onErased((lead) => this.forgetSession(lead.sessionId));
  }

  /**
   * The session is erased: its streams can no longer be resumed, here or (with Redis) anywhere,
   * and hold nothing of it any more; a generation still running for it is aborted, and what it
   * emits from now on is shared with no one.
   */
  async forgetSession(sessionId: string): Promise<void> {
    const streamIds: string[] = [];
    for (const generation of [...this.generations.values()]) {
      if (generation.sessionId !== sessionId) continue;
      streamIds.push(generation.streamId);
      this.generations.delete(generation.streamId);
      generation.relay = undefined;
      // Its claim goes with the session's keys; no end mark is written for it.
      generation.claim = undefined;
      generation.abort('erased');
    }
    await this.live?.forgetSession(sessionId, streamIds);
  }

  async onModuleInit(): Promise<void> {
    const { live } = this;
    if (!live) return;
    await live.listenForCancels((streamId) => this.generations.get(streamId)?.abort('cancelled'));
    // Claims are renewed well before they expire; a dead instance's expire on their own.
    this.renewer = setInterval(
      () => {
        const claims = [...this.runningBySession.values()].flatMap((generation) =>
          generation.claim ? [{ sessionId: generation.sessionId, claim: generation.claim }] : [],
        );
        live
          .renew(claims)
          .catch((error: unknown) => this.logger.warn(`Claims not renewed: ${String(error)}`));
      },
      Math.floor(this.redisSettings.claimTtlMs / 3),
    );
    this.renewer.unref();
  }

  get isDraining(): boolean {
    return this.draining;
  }

  get runningCount(): number {
    return this.runningBySession.size;
  }

  /**
   * Starts a generation for a session, owned (until the session's store says otherwise) by
   * `owner`, or refuses if one is running there: `forbidden` to a caller who does not own the
   * running one (nothing of it is told), `409` to its owner. The check on this instance is
   * synchronous, so two requests cannot both pass; with Redis, the session's claim is then taken
   * (one round trip), so that no other instance runs one either.
   */
  async start(sessionId: string, caller: SessionCaller, owner: SessionOwner): Promise<Generation> {
    if (this.draining) {
      throw new ApiError('internal_error', 'The server is restarting. Please retry in a moment.', {
        status: 503,
        retryAfterSeconds: 1,
      });
    }
    const running = this.runningBySession.get(sessionId);
    if (running) {
      if (!ownsSession(caller, running.owner)) throw forbidden();
      throw busy();
    }
    const generation = new Generation(randomUUID(), sessionId, randomUUID(), this);
    generation.owner = owner;
    this.generations.set(generation.streamId, generation);
    this.runningBySession.set(sessionId, generation);
    if (this.live) await this.claim(this.live, generation, caller);
    // Nobody may ever attach (a client that dropped before the first byte): start the clock now.
    this.onOrphaned(generation);
    return generation;
  }

  private async claim(
    live: RedisLiveStreams,
    generation: Generation,
    caller: SessionCaller,
  ): Promise<void> {
    const claim = { streamId: generation.streamId, owner: generation.owner };
    let held;
    try {
      held = await live.claim(generation.sessionId, claim);
    } catch (error) {
      this.discard(generation);
      throw new ApiError(
        'internal_error',
        'The service is briefly unavailable. Please retry in a moment.',
        {
          status: 503,
          retryAfterSeconds: 1,
          cause: error,
        },
      );
    }
    if (held) {
      this.discard(generation);
      if (!ownsSession(caller, held.owner)) throw forbidden();
      throw busy();
    }
    generation.claim = claim;
    live.describe(generation.sessionId, claim);
    generation.relay = (event) => live.append(generation.streamId, withoutSessionToken(event));
  }

  /** The session's store has said who owns it: so will the generation (and its shared claim). */
  confirmOwner(generation: Generation, owner: SessionOwner): void {
    const changed = JSON.stringify(owner) !== JSON.stringify(generation.owner);
    generation.owner = owner;
    if (changed && this.live && generation.claim) {
      generation.claim = { streamId: generation.streamId, owner };
      this.live.describe(generation.sessionId, generation.claim, { replaceClaim: true });
    }
  }

  /** A generation of this instance; throws `not_found` if there is none. */
  get(streamId: string): Generation {
    const generation = this.generations.get(streamId);
    if (!generation) throw notFound();
    return generation;
  }

  /** The generation `streamId`, here or (with Redis) on any instance, if there is one (to anyone: check its owner). */
  async find(streamId: string): Promise<LiveGeneration | undefined> {
    return this.generations.get(streamId) ?? (await this.live?.find(streamId));
  }

  /** The generation `streamId`, here or (with Redis) on any instance, to its session's owner only. */
  async getOwned(streamId: string, caller: SessionCaller): Promise<LiveGeneration> {
    const generation = await this.find(streamId);
    if (!generation) throw notFound();
    if (!ownsSession(caller, generation.owner)) throw forbidden();
    return generation;
  }

  /** Forgets a generation that never started (its turn was refused): no events, nothing to resume. */
  discard(generation: Generation): void {
    this.generations.delete(generation.streamId);
    this.release(generation);
    if (this.live && generation.claim) {
      this.live
        .release(generation.sessionId, generation.claim)
        .catch((error: unknown) => this.logger.warn(`Claim not released: ${String(error)}`));
      generation.claim = undefined;
    }
  }

  /**
   * Aborts the generation running for `sessionId`, on this instance or (with Redis) any other:
   * a staff member took the conversation over. Its stream ends with `done` (`cancelled`).
   */
  async abortSession(sessionId: string, reason: string): Promise<void> {
    const running = this.runningBySession.get(sessionId);
    if (running) {
      running.abort(reason);
      return;
    }
    const claim = await this.live?.claimOf(sessionId);
    if (claim) this.live?.cancel(claim.streamId);
  }

  /** Of `sessionIds`, those a generation runs for now, here or (with Redis) on any instance. */
  async replying(sessionIds: readonly string[]): Promise<Set<string>> {
    const here = sessionIds.filter((id) => this.runningBySession.has(id));
    const elsewhere = this.live
      ? await this.live.claimed(sessionIds.filter((id) => !this.runningBySession.has(id)))
      : [];
    return new Set([...here, ...elsewhere]);
  }

  runningForSession(sessionId: string): Generation | undefined {
    return this.runningBySession.get(sessionId);
  }

  onAdopted(generation: Generation): void {
    clearTimeout(this.orphanTimers.get(generation));
    this.orphanTimers.delete(generation);
  }

  onOrphaned(generation: Generation): void {
    clearTimeout(this.orphanTimers.get(generation));
    const timer = setTimeout(() => {
      this.orphanTimers.delete(generation);
      void this.abortIfUnread(generation);
    }, this.config.orphanTimeoutMs);
    timer.unref();
    this.orphanTimers.set(generation, timer);
  }

  /** The orphan timeout has passed: abort, unless clients read it on other instances. */
  private async abortIfUnread(generation: Generation): Promise<void> {
    if (this.live && !generation.isFinished) {
      const elsewhere = await this.live.remoteWatchers(generation.streamId).catch(() => 0);
      if (elsewhere > 0) {
        this.onOrphaned(generation);
        return;
      }
    }
    this.logger.log(
      `Stream ${generation.streamId} has had no client for ${this.config.orphanTimeoutMs} ms: aborting it`,
    );
    generation.abort('orphaned');
  }

  onFinished(generation: Generation): void {
    if (this.live && generation.claim) {
      // Kept in view until written, so that a shutdown closes Redis only after the end mark.
      const ending = this.live
        .finish(generation.sessionId, generation.claim, generation.lastEventId)
        .catch((error: unknown) =>
          this.logger.warn(`Stream ${generation.streamId}: end not shared (${String(error)})`),
        );
      this.endings.add(ending);
      void ending.finally(() => this.endings.delete(ending));
    }
    setTimeout(
      () => this.generations.delete(generation.streamId),
      this.config.streamRetentionMs,
    ).unref();
    this.release(generation);
  }

  /** The session is free again: no orphan clock, and a drain may be over. */
  private release(generation: Generation): void {
    this.onAdopted(generation);
    if (this.runningBySession.get(generation.sessionId) === generation) {
      this.runningBySession.delete(generation.sessionId);
    }
    if (this.runningBySession.size === 0) {
      for (const done of [...this.drainWaiters]) done();
    }
  }

  /** Stops new generations and waits (bounded) for running ones, then aborts what is left. */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    if (this.runningBySession.size > 0) {
      this.logger.log(
        `Waiting up to ${graceMs} ms for ${this.runningBySession.size} running generation(s)`,
      );
    }
    await this.waitUntilIdle(graceMs);
    if (this.runningBySession.size > 0) {
      for (const generation of this.runningBySession.values()) generation.abort('shutdown');
      // Aborted generations still end their streams and save what they produced.
      await this.waitUntilIdle(2_000);
    }
  }

  private waitUntilIdle(timeoutMs: number): Promise<void> {
    if (this.runningBySession.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.drainWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.drainWaiters.add(done);
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.drain(this.config.shutdownGraceMs);
    // Readers on other instances learn that the streams ended, not that this instance died.
    await Promise.allSettled([...this.endings]);
  }

  onApplicationShutdown(): void {
    clearInterval(this.renewer);
    for (const timer of this.orphanTimers.values()) clearTimeout(timer);
    this.orphanTimers.clear();
  }
}
