/**
 * Sessions an API key creates live in that key's own namespace: the id a client chooses is
 * stored behind the key's id, so a session of the same id claimed first by anyone else (a
 * visitor, another key) never blocks the integration that meant to use it. The separator is
 * outside the ids a client may send (`SESSION_ID_PATTERN`), so no chosen id collides with a
 * stored one.
 */
const SEPARATOR = '.';

/** The id a session is stored under: the client's id, behind the key's when a key creates it. */
export function storedSessionId(sessionId: string, apiKeyId: string | undefined): string {
  return apiKeyId ? `${apiKeyId}${SEPARATOR}${sessionId}` : sessionId;
}

/** The id the client knows a stored session by. */
export function publicSessionId(storedId: string): string {
  return storedId.slice(storedId.indexOf(SEPARATOR) + 1);
}
