import { type ApiErrorBody, ERROR_RETRYABLE, type ErrorCode, isErrorCode } from '@chat/contracts';

/** Failures the portal detects itself, beside the protocol's codes. */
export type ClientErrorCode = 'network_error' | 'connection_lost' | 'reply_interrupted';

/** An error as the reader sees it: what happened, whether retrying may help, and when. */
export interface ChatError {
  code: ErrorCode | ClientErrorCode;
  message: string;
  retryable: boolean;
  /** Seconds to wait before retrying, from `Retry-After` (rate limiting). */
  retryAfterSeconds?: number;
}

const MESSAGES: Record<ErrorCode | ClientErrorCode, string> = {
  invalid_request: 'That message could not be sent. Check that it is not empty or too long.',
  payload_too_large: 'That message is too long to send. Please shorten it.',
  unauthorized: 'This needs a sign-in.',
  forbidden: 'This conversation belongs to another browser. Start a new conversation.',
  not_found: 'This conversation is no longer available. Start a new conversation.',
  generation_in_progress:
    'A reply is still being written for this conversation. Wait a moment, then retry.',
  conflict: 'Someone else changed this conversation meanwhile. Please retry.',
  rate_limited: "We're receiving many messages right now. Please try again in a moment.",
  upstream_unavailable: 'The assistant is unavailable right now. Please retry in a moment.',
  upstream_timeout: 'The assistant took too long to answer. Please retry.',
  internal_error: 'Something went wrong on our side. Please retry.',
  network_error: 'The server could not be reached. Check your connection, then retry.',
  connection_lost: 'The connection was lost and could not be restored. Please retry.',
  reply_interrupted:
    'The reply was interrupted. Your conversation is kept: regenerate the reply to go on.',
};

/** What the rate limit's notice says while the message waits to be sent by itself. */
export function rateLimitedNotice(secondsLeft: number): string {
  return `We're receiving many messages; yours will be sent in ${secondsLeft} s.`;
}

/** The text shown for an error; the server's own message is not shown, it may be technical. */
export function describeError(
  code: ErrorCode | ClientErrorCode,
  retryAfterSeconds?: number,
): string {
  if (code === 'rate_limited' && retryAfterSeconds !== undefined)
    return rateLimitedNotice(retryAfterSeconds);
  return MESSAGES[code];
}

export function chatError(
  code: ErrorCode | ClientErrorCode,
  retryAfterSeconds?: number,
): ChatError {
  const retryable =
    code === 'network_error' ||
    code === 'connection_lost' ||
    code === 'reply_interrupted' ||
    ERROR_RETRYABLE[code];
  return { code, message: describeError(code, retryAfterSeconds), retryable, retryAfterSeconds };
}

/** An error answered as plain HTTP before a stream started (PROTOCOL.md, "Errors"). */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly chatError: ChatError,
    /**
     * The server's own message. The chat never shows it (it may be technical); the staff area
     * does where it is the one to act on (when a locked sign-in may be tried again).
     */
    readonly serverMessage?: string,
  ) {
    super(chatError.message);
    this.name = 'ApiRequestError';
  }

  /** The error of a fetch response (the streaming calls). */
  static async from(response: Response): Promise<ApiRequestError> {
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      // Not JSON (a proxy page, say): the status alone decides.
    }
    return ApiRequestError.fromBody(response.status, body, response.headers.get('Retry-After'));
  }

  /** The error of a status, an error body (`ApiErrorBody` when it is ours) and `Retry-After`. */
  static fromBody(status: number, body: unknown, retryAfter: string | null): ApiRequestError {
    if (status === 0) return new ApiRequestError(0, chatError('network_error'));
    const { code: bodyCode, message } = (body ?? {}) as Partial<ApiErrorBody>;
    const code: ErrorCode = isErrorCode(bodyCode)
      ? bodyCode
      : status === 404
        ? 'not_found'
        : status === 429
          ? 'rate_limited'
          : 'internal_error';
    return new ApiRequestError(
      status,
      chatError(code, parseRetryAfter(retryAfter)),
      typeof message === 'string' ? message : undefined,
    );
  }
}

/** `Retry-After` is seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
