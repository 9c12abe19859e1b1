import { sessionTokenMatches } from './session-token';

/** Who calls about a session: a visitor with (perhaps) its token, or an integration's API key. */
export interface SessionCaller {
  sessionToken?: string;
  /** The verified API key the call came with, if any. */
  apiKeyId?: string;
  /** The admin whose staff session a preview call came with (checked with its CSRF token), if any. */
  previewer?: string;
}

/** Who owns a session: the API key that created it, or else the holder of its token. */
export interface SessionOwner {
  tokenHash: string | null;
  apiKeyId: string | null;
}

/** Whether `caller` owns a session owned by `owner`: its key, or else its token (in constant time). */
export function ownsSession(caller: SessionCaller, owner: SessionOwner): boolean {
  if (owner.apiKeyId) return caller.apiKeyId === owner.apiKeyId;
  return sessionTokenMatches(caller.sessionToken, owner.tokenHash ?? undefined);
}
