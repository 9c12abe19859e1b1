import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit, Optional } from '@nestjs/common';
import {
  defer,
  filter,
  map,
  merge,
  type MonoTypeOperatorFunction,
  type Observable,
  Subject,
  switchMap,
  take,
  takeUntil,
  timer,
} from 'rxjs';
import { hashSecret } from '../common/secret';
import type { Principal } from '../common/principal';
import type { RedisConnection } from '../redis/redis-connection';
import { REDIS } from '../redis/redis.module';

/**
 * A credential that no longer opens anything: a staff session signed out, every session of a
 * staff account (disabled, or its role changed), or an API key. A session is named by the hash
 * its row is stored under, so that no secret goes over Redis.
 */
export type RevokedAccess =
  | { kind: 'staff-session'; sessionHash: string }
  | { kind: 'staff-account'; userId: string }
  | { kind: 'api-key'; keyId: string };

interface SharedRevocation {
  revoked: RevokedAccess;
  from: string;
}

function revokes(revoked: RevokedAccess, principal: Principal): boolean {
  switch (revoked.kind) {
    case 'api-key':
      return principal.kind === 'api-key' && principal.id === revoked.keyId;
    case 'staff-account':
      return principal.kind === 'staff' && principal.id === revoked.userId;
    case 'staff-session':
      return (
        principal.kind === 'staff' && hashSecret(principal.sessionToken) === revoked.sessionHash
      );
  }
}

/**
 * Revoked access, told to everything long-lived that a credential opened (the staff feed, chat
 * streams and sockets opened with an API key), so that it ends at once rather than when the
 * client next calls. Sign-out, account changes and key revocation announce it; with Redis it
 * goes through a channel every instance listens to, so a stream open on any instance ends.
 */
@Injectable()
export class AccessRevocations implements OnModuleInit {
  private readonly logger = new Logger(AccessRevocations.name);
  private readonly revocations = new Subject<RevokedAccess>();
  private readonly instance = randomUUID();

  constructor(@Optional() @Inject(REDIS) private readonly redis: RedisConnection | null = null) {}

  private get channel(): string {
    return this.redis?.key('access-revoked') ?? '';
  }

  async onModuleInit(): Promise<void> {
    const { redis } = this;
    if (!redis) return;
    await redis.subscriber.subscribe(this.channel);
    redis.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const shared = JSON.parse(message) as SharedRevocation;
      // This instance told its own streams when it announced it.
      if (shared.from !== this.instance) this.revocations.next(shared.revoked);
    });
  }

  /** `revoked` ends here now, and on the other instances when the news reaches them. */
  revoke(revoked: RevokedAccess): void {
    this.revocations.next(revoked);
    if (!this.redis) return;
    const shared: SharedRevocation = { revoked, from: this.instance };
    this.redis.client.publish(this.channel, JSON.stringify(shared)).catch((error: unknown) => {
      // The staff feed also checks access before each event; a key is checked on each message.
      this.logger.warn(`Access revocation not shared (${String(error)})`);
    });
  }

  /** Emits once, then completes, when what `principal` proved is revoked. */
  revoked(principal: Principal): Observable<void> {
    return this.revocations.pipe(
      filter((revoked) => revokes(revoked, principal)),
      take(1),
      map(() => undefined),
    );
  }

  /**
   * Ends a long-lived stream when what `principal` proved is revoked, or, for a staff sign-in,
   * when it expires (passes it through without a principal).
   */
  endsWithAccess<T>(principal: Principal | undefined): MonoTypeOperatorFunction<T> {
    if (!principal) return (source) => source;
    const ends =
      principal.kind === 'staff'
        ? merge(this.revoked(principal), at(principal.expiresAt))
        : this.revoked(principal);
    return (source) => source.pipe(takeUntil(ends));
  }
}

/** The longest delay a timer takes (about 24.8 days): a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Emits once at `time`, however far away (a sign-in may last 30 days). */
function at(time: Date): Observable<void> {
  return defer(() => {
    const wait = time.getTime() - Date.now();
    return wait > MAX_TIMER_MS
      ? timer(MAX_TIMER_MS).pipe(switchMap(() => at(time)))
      : timer(Math.max(0, wait)).pipe(map(() => undefined));
  });
}
