import OpenAI from 'openai';
import { ApiError } from '../common/api-error';

/** Why our own timers aborted an upstream call. */
export class UpstreamTimeout extends Error {
  constructor(readonly phase: 'first_token' | 'stall') {
    super(phase === 'first_token' ? 'no first token in time' : 'stream stalled');
  }
}

/** The provider's stream broke off or sent something unreadable after it started. */
export class UpstreamStreamBroken extends Error {
  constructor(cause: unknown) {
    super('the model stream broke off', { cause });
  }
}

/** Whether a failure before the first token is worth another attempt (429, 5xx, network). */
export function isRetryableUpstreamError(error: unknown): boolean {
  if (error instanceof UpstreamStreamBroken) return true;
  if (error instanceof OpenAI.APIConnectionTimeoutError) return false;
  if (error instanceof OpenAI.APIConnectionError) return true;
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    return status === 429 || status >= 500 || status === 0;
  }
  return false;
}

/** Seconds a 429 asked us to wait, if it said. */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (!(error instanceof OpenAI.APIError)) return undefined;
  const value = error.headers?.get('retry-after');
  const seconds = value ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/**
 * The contract error for an upstream failure; the provider's own text (which may echo keys)
 * stays out. Anything else is not the provider's doing and is answered as it is, for the general
 * mapping of `common/` (`toApiErrorBody`) to make it an `internal_error`.
 */
export function toUpstreamApiError(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  if (error instanceof UpstreamTimeout || error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ApiError(
      'upstream_timeout',
      error instanceof UpstreamTimeout && error.phase === 'stall'
        ? 'The model stopped answering mid-reply. Please try again.'
        : 'The model did not start answering in time. Please try again.',
      { cause: error },
    );
  }
  if (error instanceof OpenAI.APIConnectionError || error instanceof UpstreamStreamBroken) {
    return new ApiError(
      'upstream_unavailable',
      'The model provider could not be reached. Please try again.',
      {
        cause: error,
      },
    );
  }
  if (error instanceof OpenAI.APIError) {
    const message =
      error.status === 429
        ? 'The model provider is busy (rate limited). Please try again shortly.'
        : 'The model provider failed to answer. Please try again.';
    return new ApiError('upstream_unavailable', message, { cause: error });
  }
  return error;
}
