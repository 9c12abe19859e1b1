import { HttpException } from '@nestjs/common';
import {
  type ApiErrorBody,
  type ErrorCode,
  ERROR_HTTP_STATUS,
  ERROR_RETRYABLE,
} from '@chat/contracts';

/**
 * An error the user can act on: a contract code, a safe message and whether a retry may succeed.
 * Thrown before a stream starts it becomes the JSON error body; during a stream, an `error` event.
 */
export class ApiError extends HttpException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { status?: number; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(
      { statusCode: options.status ?? ERROR_HTTP_STATUS[code], code, message } satisfies ApiErrorBody,
      options.status ?? ERROR_HTTP_STATUS[code],
      { cause: options.cause },
    );
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  readonly retryAfterSeconds: number | undefined;

  get retryable(): boolean {
    return ERROR_RETRYABLE[this.code];
  }
}

/** The contract code for an HTTP status answered by the framework or a library. */
export function errorCodeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'invalid_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'generation_in_progress';
    case 413:
      return 'payload_too_large';
    case 429:
      return 'rate_limited';
    case 502:
      return 'upstream_unavailable';
    case 504:
      return 'upstream_timeout';
    default:
      return status >= 400 && status < 500 ? 'invalid_request' : 'internal_error';
  }
}
