import { createHash } from 'node:crypto';
import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { normalizeIp, ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { ApiMetrics } from '../metrics/api-metrics';
import { ApiError } from './api-error';
import { apiKeyClient, apiKeyOf } from './principal';

/** The budget for messages (a turn on any transport) and the looser one for reads, resumes and cancels. */
export const MESSAGES_BUDGET = 'default';
export const READS_BUDGET = 'reads';
/**
 * A session's own message budget, spent before its client's (address or key): visitors behind
 * one address each have theirs, and one flooding session is stopped by its own.
 */
export const SESSION_BUDGET = 'session';

/**
 * A session as its budget names it: its id with what its caller proves ownership by (the session
 * token, or the API key), hashed so that no token reaches the storage's keys. A stranger naming
 * someone's session id spends a budget of its own, never the owner's.
 */
export function sessionClient(sessionId: string, proof: string | undefined): string {
  return `session-${createHash('sha256')
    .update(`${sessionId}\n${proof ?? ''}`)
    .digest('base64url')
    .slice(0, 32)}`;
}

/** The storage key of a client's budget: the same whichever route or transport spends it. */
export function budgetKey(budget: string, client: string): string {
  return `${budget}:${client}`;
}

/**
 * A client as the throttler's own tracker names it from an address: the address, with an IPv6
 * /64 counted as one client (the guard does this itself for `req.ip`).
 */
export function clientOf(address: string): string {
  return normalizeIp(address);
}

/** The contract's answer to a client past its budget (or a sign-in past its tries). */
export function rateLimited(
  timeToBlockExpireSeconds: number,
  reason = 'Too many requests.',
): ApiError {
  const retryAfterSeconds = Math.max(1, Math.ceil(timeToBlockExpireSeconds));
  return new ApiError('rate_limited', `${reason} Try again in ${retryAfterSeconds} s.`, {
    retryAfterSeconds,
  });
}

/**
 * Rate limits per client rather than per route: a client's messages over SSE, REST and the
 * WebSocket (which counts with {@link budgetKey} too) come out of one budget. A client is its API
 * key if it sent one (the access guard, which runs first, has verified it), else its address as
 * Express sees it, so `TRUST_PROXY` decides which proxies may name it. Answers the contract's
 * `rate_limited` with `Retry-After`.
 */
@Injectable()
export class ClientRateLimitGuard extends ThrottlerGuard {
  // A property, so that the throttler's own constructor parameters need not be repeated.
  @Inject(ApiMetrics) private readonly metrics!: ApiMetrics;

  /** A caller with an API key is that key, wherever it calls from; any other caller, its address. */
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const key = apiKeyOf(request);
    return key ? Promise.resolve(apiKeyClient(key.id)) : super.getTracker(request);
  }

  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    budget: string,
  ): string {
    return budgetKey(budget, tracker);
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    this.metrics.rateLimited(
      detail.key.startsWith(budgetKey(READS_BUDGET, '')) ? 'reads' : 'messages',
      'http',
    );
    throw rateLimited(detail.timeToBlockExpire);
  }
}
