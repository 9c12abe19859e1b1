import { timingSafeEqual } from 'node:crypto';
import { ApiError } from '../common/api-error';
import { hashSecret, newSecret } from '../common/secret';

/** A session's secret, shown once to whoever created the session and stored only as its hash. */
export const newSessionToken = (): string => newSecret();
export const hashSessionToken = hashSecret;

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
