import { isErrorCode } from './errors';
import type { ChatEvent } from './events';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (value: unknown): value is string => typeof value === 'string';

/**
 * Whether a parsed JSON value is an event this version of the protocol knows, with the fields
 * its type requires. Clients must ignore anything else (unknown types are allowed on the wire).
 */
export function isChatEvent(value: unknown): value is ChatEvent {
  if (!isRecord(value)) return false;
  switch (value['type']) {
    case 'start':
      return (
        isString(value['session_id']) &&
        isString(value['message_id']) &&
        isString(value['stream_id']) &&
        isString(value['model'])
      );
    case 'chunk':
      return isString(value['content']);
    case 'done':
      return isRecord(value['data_collected']) && typeof value['is_complete'] === 'boolean';
    case 'error':
      return isString(value['message']) && (value['code'] === undefined || isErrorCode(value['code']));
    case 'email_sent':
      return isString(value['message']);
    default:
      return false;
  }
}

/** Parses one SSE `data` payload; `undefined` for malformed JSON or an unknown event. */
export function parseChatEvent(data: string): ChatEvent | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return isChatEvent(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
