import { Injectable } from '@angular/core';
import { type ChatRequest, XSRF_COOKIE, XSRF_HEADER } from '@chat/contracts';
import { ChatApi, newSessionId, SessionIdStore } from '@chat/chat-client';

/*
 * The portal's chat client, bent to talk to an assistant's saved draft (PROTOCOL.md, Assistants:
 * the preview): the same store, stream reader and reply components, with three differences
 * provided in the preview's own injector. Nothing in the portal's chat code changes.
 */

/** The chat API with every reply asked of the draft of `assistantId` (`preview: true`). */
@Injectable()
export class PreviewChatApi extends ChatApi {
  /** Set by the preview before its first turn. */
  assistantId = '';

  override openStream(
    request: ChatRequest,
    sessionToken: string | null,
    signal: AbortSignal,
  ): Promise<Response> {
    const preview: ChatRequest = { ...request, assistant_id: this.assistantId, preview: true };
    return super.openStream(preview, sessionToken, signal);
  }
}

/**
 * A preview conversation lives as long as the page: its id and token stay in memory, and the
 * visitor's conversation in localStorage is left alone.
 */
@Injectable()
export class PreviewSessionIds extends SessionIdStore {
  private id = newSessionId();
  private stored: { session_id: string; token: string } | null = null;

  override current(): string {
    return this.id;
  }

  override renew(): string {
    this.id = newSessionId();
    this.stored = null;
    return this.id;
  }

  override token(sessionId: string): string | null {
    return this.stored?.session_id === sessionId ? this.stored.token : null;
  }

  override saveToken(sessionId: string, token: string): void {
    this.stored = { session_id: sessionId, token };
  }
}

/**
 * `fetch` with the staff's XSRF header, as Angular's HttpClient adds it to the staff's other
 * calls: a preview is a staff call (the session cookie goes with it, same origin), and the API
 * refuses a cookie-authenticated POST without the header.
 */
export function withStaffXsrf(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return (input, init = {}) => {
    const token = readCookie(XSRF_COOKIE);
    if (!token) return fetch(input, init);
    const headers = new Headers(init.headers);
    headers.set(XSRF_HEADER, token);
    return fetch(input, { ...init, headers, credentials: 'same-origin' });
  };
}

function readCookie(name: string): string | null {
  const prefix = `${name}=`;
  const cookie = document.cookie.split('; ').find((part) => part.startsWith(prefix));
  return cookie ? decodeURIComponent(cookie.slice(prefix.length)) : null;
}
