import type { MessageEvent } from '@nestjs/common';
import { SSE_HEARTBEAT, SSE_HEARTBEAT_COMMENT, sseFrame } from '@chat/contracts';

const LINE_BREAK = /\r\n|\r|\n/;

/** Each line of `value` as a field line, as the SSE format wants multi-line values. */
function fieldLines(prefix: string, value: string): string {
  if (value.indexOf('\n') === -1 && value.indexOf('\r') === -1) return `${prefix}${value}\n`;
  return value
    .split(LINE_BREAK)
    .map((line) => `${prefix}${line}\n`)
    .join('');
}

/** `value` with its line breaks removed; the usual value (an event id) has none, and skips the regex. */
function oneLine(value: unknown): string {
  const text = String(value);
  return text.indexOf('\n') === -1 && text.indexOf('\r') === -1 ? text : text.replace(/[\r\n]/g, '');
}

/**
 * A `MessageEvent` as the bytes of one SSE frame, field for field as Nest's own writer frames it
 * (`event`, `id`, `retry`, comment, `data`, blank line), so that taking over the writing changes
 * no byte. The protocol's events and heartbeats take the first branches, the contracts' frames;
 * the rest is for any other `@Sse()` route.
 */
export function frameMessageEvent(message: MessageEvent): string {
  const { id, data, type, retry, comment } = message;
  if (type === undefined && retry === undefined) {
    if (comment === undefined && typeof data === 'string' && id !== undefined) {
      if (data.indexOf('\n') === -1 && data.indexOf('\r') === -1) return sseFrame(oneLine(id), data);
    } else if (comment === SSE_HEARTBEAT_COMMENT && data === undefined && id === undefined) {
      return SSE_HEARTBEAT;
    }
  }
  let frame = type ? `event: ${oneLine(type)}\n` : '';
  if (id !== undefined && id !== null) frame += `id: ${oneLine(id)}\n`;
  if (retry !== undefined && retry !== null) frame += `retry: ${oneLine(retry)}\n`;
  if (comment !== undefined && comment !== null) frame += fieldLines(': ', comment);
  if (data !== undefined && data !== null) {
    frame += fieldLines('data: ', typeof data === 'object' ? JSON.stringify(data) : String(data));
  }
  return `${frame}\n`;
}
