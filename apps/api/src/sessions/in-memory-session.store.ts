import { Injectable } from '@nestjs/common';
import type { ChatSession } from './chat-session';
import { SessionStore } from './session-store';

/** Keeps sessions in this process; the embedded default for a single machine. */
@Injectable()
export class InMemorySessionStore extends SessionStore {
  private readonly sessions = new Map<string, ChatSession>();

  async get(id: string): Promise<ChatSession | undefined> {
    const session = this.sessions.get(id);
    return session && structuredClone(session);
  }

  async save(session: ChatSession): Promise<void> {
    this.sessions.set(session.id, structuredClone(session));
  }

  async isReady(): Promise<boolean> {
    return true;
  }
}
