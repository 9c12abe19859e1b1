import { ERROR_RETRYABLE, type ErrorEvent } from '@chat/contracts';
import { toApiErrorBody } from './api-exception.filter';

/**
 * Any error as the protocol's `error` event: the one formatter of the errors that travel inside
 * a stream, on SSE and on the WebSocket alike, with the same code and message as the JSON body
 * the same error gets before a stream starts.
 */
export function toErrorEvent(error: unknown): ErrorEvent {
  const { code, message } = toApiErrorBody(error);
  return { type: 'error', code, message, retryable: ERROR_RETRYABLE[code] };
}
