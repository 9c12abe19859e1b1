import { Injectable } from '@angular/core';
import { SESSION_ID_PATTERN } from '@chat/contracts';

const STORAGE_KEY = 'chat.session_id';

/** The conversation's session id, kept in localStorage so that a reload restores the conversation. */
@Injectable({ providedIn: 'root' })
export class SessionIdStore {
  /** The stored id, or a new one (stored) when there is none or it is not valid. */
  current(): string {
    const stored = this.read();
    return stored && SESSION_ID_PATTERN.test(stored) ? stored : this.renew();
  }

  renew(): string {
    const id = newSessionId();
    try {
      localStorage.setItem(STORAGE_KEY, id);
    } catch {
      // Storage can be disabled (private mode): the conversation then lasts as long as the page.
    }
    return id;
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
