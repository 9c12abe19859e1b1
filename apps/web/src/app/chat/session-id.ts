import { Injectable } from '@angular/core';
import { SESSION_ID_PATTERN } from '@chat/contracts';

const STORAGE_KEY = 'chat.session_id';
const TOKEN_KEY = 'chat.session_token';

/**
 * The conversation's session id and its token (the proof that this browser owns it, which the
 * session's first reply gave), kept in localStorage so that a reload restores the conversation.
 */
@Injectable({ providedIn: 'root' })
export class SessionIdStore {
  /** The stored id, or a new one (stored) when there is none or it is not valid. */
  current(): string {
    const stored = this.read();
    return stored && SESSION_ID_PATTERN.test(stored) ? stored : this.renew();
  }

  renew(): string {
    const id = newSessionId();
    this.memoryToken = null;
    try {
      localStorage.setItem(STORAGE_KEY, id);
      localStorage.removeItem(TOKEN_KEY);
    } catch {
      // Storage can be disabled (private mode): the conversation then lasts as long as the page.
    }
    return id;
  }

  /** The token of session `sessionId`, if this browser has it. */
  token(sessionId: string): string | null {
    const stored = this.memoryToken ?? this.readToken();
    return stored?.session_id === sessionId ? stored.token : null;
  }

  saveToken(sessionId: string, token: string): void {
    this.memoryToken = { session_id: sessionId, token };
    try {
      localStorage.setItem(TOKEN_KEY, JSON.stringify(this.memoryToken));
    } catch {
      // Kept in memory only: the conversation lasts as long as the page.
    }
  }

  /** The token as held in memory, for when storage is disabled. */
  private memoryToken: { session_id: string; token: string } | null = null;

  private readToken(): { session_id: string; token: string } | null {
    try {
      const value: unknown = JSON.parse(localStorage.getItem(TOKEN_KEY) ?? 'null');
      const record = value as { session_id?: unknown; token?: unknown } | null;
      return typeof record?.session_id === 'string' && typeof record.token === 'string'
        ? { session_id: record.session_id, token: record.token }
        : null;
    } catch {
      return null;
    }
  }

  private read(): string | null {
    try {
      return localStorage.getItem(STORAGE_KEY);
    } catch {
      return null;
    }
  }
}

/** A random id matching the protocol's `^[A-Za-z0-9_-]{1,128}$`. */
export function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return 'web-' + btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
