import { type ErrorCode, isErrorCode } from '@chat/contracts';
import { ApiRequestError } from '@chat/chat-client';

/** What a staff member is told for each code, where the server's own words are not the ones to show. */
const MESSAGES: Partial<Record<ErrorCode, string>> = {
  unauthorized: 'Your sign-in has ended. Sign in again.',
  forbidden: 'Your role does not allow this. Ask an admin.',
  not_found: 'This no longer exists: it may have been erased or revoked.',
  payload_too_large: 'That is too long to send.',
  internal_error: 'Something went wrong on the server. Please retry.',
};

/**
 * The sentence to show a staff member for a failed call. Rate limits and refused requests keep
 * the server's message, which says what to change or when to try again (a locked sign-in, the
 * last admin that cannot be demoted, a password too short); the rest are worded here.
 */
export function staffErrorMessage(
  error: unknown,
  overrides: Partial<Record<ErrorCode, string>> = {},
): string {
  if (!(error instanceof ApiRequestError))
    return 'Something went wrong in this page. Reload it and retry.';
  const code = error.chatError.code;
  // The portal's own codes: the call never reached the server, or its answer never arrived.
  if (!isErrorCode(code))
    return 'The server could not be reached. Check your connection, then retry.';
  const override = overrides[code];
  if (override) return override;
  if ((code === 'rate_limited' || code === 'invalid_request') && error.serverMessage)
    return error.serverMessage;
  return MESSAGES[code] ?? error.serverMessage ?? error.chatError.message;
}

/** Whether a failed call means the staff session is over (expired, signed out elsewhere, account disabled). */
export function isSessionEnded(error: unknown): boolean {
  return error instanceof ApiRequestError && error.status === 401;
}
