import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { ApiError } from '../../common/api-error';
import { chatConfig } from '../../config/chat.config';
import { ownsSession, type SessionCaller } from '../../sessions/session-owner';
import { forbidden } from '../../sessions/session-token';
import { Generation, type GenerationLifecycle } from './generation';

/**
 * Every generation of this instance, running or recently finished. It enforces one generation
 * per session, aborts generations nobody reads, keeps finished streams resumable for a while,
 * and drains running ones on shutdown.
 */
@Injectable()
export class GenerationRegistry
  implements GenerationLifecycle, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(GenerationRegistry.name);
  private readonly generations = new Map<string, Generation>();
  private readonly runningBySession = new Map<string, Generation>();
  private readonly orphanTimers = new Map<Generation, NodeJS.Timeout>();
  private readonly drainWaiters = new Set<() => void>();
  private draining = false;

  constructor(@Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>) {}

  get isDraining(): boolean {
    return this.draining;
  }

  get runningCount(): number {
    return this.runningBySession.size;
  }

  /**
   * Starts a generation for a session, or refuses if one is running there: `forbidden` to a
   * caller who does not own the running one (nothing of it is told), `409` to its owner.
   * Synchronous, so two requests cannot both pass.
   */
  start(sessionId: string, caller: SessionCaller): Generation {
    if (this.draining) {
      throw new ApiError('internal_error', 'The server is restarting. Please retry in a moment.', {
        status: 503,
        retryAfterSeconds: 1,
      });
    }
    const running = this.runningBySession.get(sessionId);
    if (running) {
      if (!ownsSession(caller, running.owner)) throw forbidden();
      throw new ApiError(
        'generation_in_progress',
        'A reply is already being generated for this session. Wait for it or cancel it.',
      );
    }
    const generation = new Generation(randomUUID(), sessionId, randomUUID(), this);
    this.generations.set(generation.streamId, generation);
    this.runningBySession.set(sessionId, generation);
    // Nobody may ever attach (a client that dropped before the first byte): start the clock now.
    this.onOrphaned(generation);
    return generation;
  }

  get(streamId: string): Generation {
    const generation = this.generations.get(streamId);
    if (!generation) {
      throw new ApiError('not_found', 'No such stream: it never existed or has expired.');
    }
    return generation;
  }

  /** The generation `streamId`, to its session's owner only. */
  getOwned(streamId: string, caller: SessionCaller): Generation {
    const generation = this.get(streamId);
    if (!ownsSession(caller, generation.owner)) throw forbidden();
    return generation;
  }

  /** Forgets a generation that never started (its turn was refused): no events, nothing to resume. */
  discard(generation: Generation): void {
    this.generations.delete(generation.streamId);
    this.release(generation);
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
      this.logger.log(
        `Stream ${generation.streamId} has had no client for ${this.config.orphanTimeoutMs} ms: aborting it`,
      );
      generation.abort('orphaned');
    }, this.config.orphanTimeoutMs);
    timer.unref();
    this.orphanTimers.set(generation, timer);
  }

  onFinished(generation: Generation): void {
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

  beforeApplicationShutdown(): Promise<void> {
    return this.drain(this.config.shutdownGraceMs);
  }

  onApplicationShutdown(): void {
    for (const timer of this.orphanTimers.values()) clearTimeout(timer);
    this.orphanTimers.clear();
  }
}
