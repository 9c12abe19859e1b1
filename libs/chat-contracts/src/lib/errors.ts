/** Machine-readable error codes of the protocol (PROTOCOL.md, "Errors"). */
export const ERROR_CODES = [
  'invalid_request',
  'payload_too_large',
  'unauthorized',
  'forbidden',
  'not_found',
  'generation_in_progress',
  'conflict',
  'rate_limited',
  'upstream_unavailable',
  'upstream_timeout',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The HTTP status each code is answered with before a stream starts. */
export const ERROR_HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_request: 400,
  payload_too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  generation_in_progress: 409,
  conflict: 409,
  rate_limited: 429,
  upstream_unavailable: 502,
  upstream_timeout: 504,
  internal_error: 500,
};

/** Whether a client may retry the same request after this error. */
export const ERROR_RETRYABLE: Readonly<Record<ErrorCode, boolean>> = {
  invalid_request: false,
  payload_too_large: false,
  unauthorized: false,
  forbidden: false,
  not_found: false,
  generation_in_progress: true,
  conflict: false,
  rate_limited: true,
  upstream_unavailable: true,
  upstream_timeout: true,
  internal_error: true,
};

/** The JSON body of every error answered before a stream starts. */
export interface ApiErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
