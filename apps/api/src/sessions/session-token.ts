import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../common/api-error';

/**
 * A session's secret: 256 random bits, shown once to whoever created the session and stored
 * only as its SHA-256 (a fast hash is right for a random secret of this size: there is no
 * dictionary to try, unlike a password).
 */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether `token` hashes to `hash`, compared in constant time. */
export function sessionTokenMatches(token: string | undefined, hash: string | undefined): boolean {
  if (!token || !hash) return false;
  const given = Buffer.from(hashSessionToken(token), 'hex');
  const expected = Buffer.from(hash, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The one answer to a caller without a session's token: nothing of the session in it. */
export function forbidden(): ApiError {
  return new ApiError('forbidden', 'This conversation needs its session token (X-Session-Token).');
}
