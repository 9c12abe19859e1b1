import type { SessionEvent } from './conversations';
import type { ChatEvent } from './events';

/** The comment a server sends while a stream is open so that proxies keep it (clients ignore it). */
export const SSE_HEARTBEAT_COMMENT = 'ping';

/** The heartbeat as framed on the wire. */
export const SSE_HEARTBEAT = `: ${SSE_HEARTBEAT_COMMENT}\n\n`;

/**
 * An event's `data` payload: its JSON, always one line (`JSON.stringify` escapes the line breaks
 * inside strings). Encoded once per event, however many clients receive or replay it.
 */
export function encodeEventData(event: ChatEvent | SessionEvent): string {
  return JSON.stringify(event);
}

/** One protocol frame from an event's id and its encoded data: `id: <n>\ndata: <json>\n\n`. */
export function sseFrame(id: number | string, data: string): string {
  return `id: ${id}\ndata: ${data}\n\n`;
}

/** Encodes one event as the protocol frames it. */
export function encodeSseFrame(id: number, event: ChatEvent): string {
  return sseFrame(id, encodeEventData(event));
}
