import { Injectable } from '@angular/core';
import { SESSION_ID_PATTERN } from '@chat/contracts';

/** The default assistant's keys are the ones from before assistants: its visitors keep their conversation. */
const DEFAULT_KEYS = { id: 'chat.session_id', token: 'chat.session_token' } as const;

/** Where a conversation with `assistantId` (null: the default assistant) is kept. */
export function sessionStorageKeys(assistantId: string | null): { id: string; token: string } {
  return assistantId === null
    ? DEFAULT_KEYS
    : { id: `${DEFAULT_KEYS.id}.${assistantId}`, token: `${DEFAULT_KEYS.token}.${assistantId}` };
}

interface StoredToken {
  session_id: string;
  token: string;
}

/**
 * The conversation's session id and its token (the proof that this browser owns it, which the
 * session's first reply gave), kept in localStorage so that a reload restores the conversation.
 * Each assistant has its own conversation, under its own keys (`forAssistant`).
 */
@Injectable({ providedIn: 'root' })
export class SessionIdStore {
  private keys = DEFAULT_KEYS as { id: string; token: string };
  /** Tokens as held in memory, by token key, for when storage is disabled. */
  private readonly memoryTokens = new Map<string, StoredToken>();

  /** Keeps the conversation with `assistantId` (null: the default assistant) from now on. */
  forAssistant(assistantId: string | null): void {
    this.keys = sessionStorageKeys(assistantId);
  }

  /** The stored id, or a new one (stored) when there is none or it is not valid. */
  current(): string {
    const stored = this.read();
    return stored && SESSION_ID_PATTERN.test(stored) ? stored : this.renew();
  }

  renew(): string {
    const id = newSessionId();
    this.memoryTokens.delete(this.keys.token);
    try {
      localStorage.setItem(this.keys.id, id);
      localStorage.removeItem(this.keys.token);
    } catch {
      // Storage can be disabled (private mode): the conversation then lasts as long as the page.
    }
    return id;
  }

  /** The token of session `sessionId`, if this browser has it. */
  token(sessionId: string): string | null {
    const stored = this.memoryTokens.get(this.keys.token) ?? this.readToken();
    return stored?.session_id === sessionId ? stored.token : null;
  }

  saveToken(sessionId: string, token: string): void {
    const stored = { session_id: sessionId, token };
    this.memoryTokens.set(this.keys.token, stored);
    try {
      localStorage.setItem(this.keys.token, JSON.stringify(stored));
    } catch {
      // Kept in memory only: the conversation lasts as long as the page.
    }
  }

  private readToken(): StoredToken | null {
    try {
      const value: unknown = JSON.parse(localStorage.getItem(this.keys.token) ?? 'null');
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
      return localStorage.getItem(this.keys.id);
    } catch {
      return null;
    }
  }
}

/** A random id matching the protocol's `^[A-Za-z0-9_-]{1,128}$`. */
export function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return (
    'web-' +
    btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '')
  );
}
