import WebSocket from 'ws';
import { openSse, type SseReader } from '@chat/test-support';
import type { StaffClient } from '@chat/test-support';

/** A staff member's open `GET /api/leads/events`: what it received, and when it ended. */
export interface OpenFeed {
  text(): string;
  /** Resolves with the time (`Date.now()`) the server ended the response. */
  ended: Promise<number>;
  close(): void;
}

export async function openLeadFeed(baseUrl: string, staff: StaffClient): Promise<OpenFeed> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/leads/events`, {
    headers: { Cookie: `staff_session=${staff.cookies.get('staff_session')}` },
    signal: controller.signal,
  });
  if (response.status !== 200) throw new Error(`feed refused: ${response.status}`);
  let received = '';
  const ended = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
        received += decoder.decode(chunk, { stream: true });
    } catch {
      // Aborted by the test.
    }
    return Date.now();
  })();
  return { text: () => received, ended, close: () => controller.abort() };
}

/** Resolves with how long `promise` took to settle, or rejects after `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not happen within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** `POST /api/chat/stream` with an API key, parsed as a client would. */
export function keyedChatStream(baseUrl: string, key: string, body: object): Promise<SseReader> {
  return openSse(`${baseUrl}/api/chat/stream`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...bearer(key) },
    body: JSON.stringify(body),
  });
}

/** A resume of `streamId` with an API key. */
export function keyedResume(baseUrl: string, key: string, streamId: string): Promise<SseReader> {
  return openSse(`${baseUrl}/api/chat/streams/${streamId}/events`, {
    headers: { 'Last-Event-ID': '0', ...bearer(key) },
  });
}

/** A socket opened with an API key, and the close code it ends with. */
export async function keyedSocket(
  baseUrl: string,
  key: string,
): Promise<{ socket: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/api/chat/ws`, {
    headers: bearer(key),
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { socket, closed };
}
