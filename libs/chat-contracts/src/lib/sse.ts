import type { ChatEvent } from './events';

/** Comment line sent while a stream is open so that proxies keep it (clients ignore it). */
export const SSE_HEARTBEAT = ': ping\n\n';

/** Encodes one event as the protocol frames it: `id: <n>\ndata: <one-line JSON>\n\n`. */
export function encodeSseFrame(id: number, event: ChatEvent): string {
  // JSON.stringify escapes line breaks inside strings, so the payload is always one line.
  return `id: ${id}\ndata: ${JSON.stringify(event)}\n\n`;
}
