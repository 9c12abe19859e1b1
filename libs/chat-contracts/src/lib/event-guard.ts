import { isErrorCode } from './errors';
import { HANDOFF_STATES, HANDOFF_UNAVAILABLE_REASONS, type SessionEvent } from './conversations';
import { type ChatEvent, FINISH_REASONS } from './events';
import { TRANSCRIPT_ROLES } from './requests';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every(isString);

function isTokenUsage(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value['prompt_tokens'] === 'number' &&
    typeof value['completion_tokens'] === 'number'
  );
}

function isSourceReference(value: unknown): boolean {
  return (
    isRecord(value) &&
    isString(value['id']) &&
    isString(value['source_id']) &&
    isString(value['title']) &&
    isString(value['snippet']) &&
    (value['url'] === undefined || isString(value['url']))
  );
}

/**
 * Whether a parsed JSON value is an event this version of the protocol knows, with every field
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
        isString(value['model']) &&
        isString(value['assistant_id']) &&
        typeof value['assistant_version'] === 'number' &&
        (value['preview'] === undefined || value['preview'] === true) &&
        (value['session_token'] === undefined || isString(value['session_token']))
      );
    case 'chunk':
      return isString(value['content']);
    case 'done':
      return (
        isString(value['message_id']) &&
        (FINISH_REASONS as readonly unknown[]).includes(value['finish_reason']) &&
        isRecord(value['data_collected']) &&
        Object.values(value['data_collected']).every(isString) &&
        isBoolean(value['is_complete']) &&
        isStringArray(value['missing_fields']) &&
        (value['usage'] === undefined || isTokenUsage(value['usage']))
      );
    case 'error':
      return (
        isString(value['message']) && isErrorCode(value['code']) && isBoolean(value['retryable'])
      );
    case 'email_sent':
      return isString(value['message']);
    case 'sources':
      return Array.isArray(value['sources']) && value['sources'].every(isSourceReference);
    default:
      return false;
  }
}

function isTranscriptMessage(value: unknown): boolean {
  return (
    isRecord(value) &&
    isString(value['id']) &&
    (TRANSCRIPT_ROLES as readonly unknown[]).includes(value['role']) &&
    isString(value['content']) &&
    isString(value['created_at']) &&
    (value['author'] === undefined ||
      (isRecord(value['author']) && isString(value['author']['name'])))
  );
}

/** Whether a parsed JSON value is an event of a session's live channel this version knows. */
export function isSessionEvent(value: unknown): value is SessionEvent {
  if (!isRecord(value)) return false;
  switch (value['type']) {
    case 'message':
      return isTranscriptMessage(value['message']);
    case 'handoff':
      return (
        (HANDOFF_STATES as readonly unknown[]).includes(value['state']) &&
        (value['agent'] === undefined ||
          (isRecord(value['agent']) && isString(value['agent']['name']))) &&
        (value['available'] === undefined || isBoolean(value['available'])) &&
        (value['reason'] === undefined ||
          (HANDOFF_UNAVAILABLE_REASONS as readonly unknown[]).includes(value['reason']))
      );
    case 'typing':
      return value['role'] === 'staff' || value['role'] === 'user';
    default:
      return isChatEvent(value);
  }
}

/** Parses one SSE `data` payload of a session's live channel; `undefined` for malformed JSON or an unknown event. */
export function parseSessionEvent(data: string): SessionEvent | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return isSessionEvent(value) ? value : undefined;
  } catch {
    return undefined;
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
