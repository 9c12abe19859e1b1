import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { chatConfig } from '../config/chat.config';
import { type ChatSession, copyChatSession } from './chat-session';
import { SessionStore } from './session-store';

const MAX_SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * Keeps sessions in this process: the embedded default for a single machine. Sessions idle for
 * longer than the configured TTL are forgotten, so memory stays bounded by recent traffic.
 */
@Injectable()
export class InMemorySessionStore extends SessionStore implements OnModuleDestroy {
  private readonly sessions = new Map<string, { session: ChatSession; touchedAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(@Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>) {
    super();
    this.sweeper = setInterval(() => this.forgetIdle(), Math.min(config.sessionIdleTtlMs, MAX_SWEEP_INTERVAL_MS));
    this.sweeper.unref();
  }

  async get(id: string): Promise<ChatSession | undefined> {
    const entry = this.sessions.get(id);
    return entry && copyChatSession(entry.session);
  }

  async save(session: ChatSession): Promise<void> {
    this.sessions.set(session.id, { session: copyChatSession(session), touchedAt: Date.now() });
  }

  async isReady(): Promise<boolean> {
    return true;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private forgetIdle(): void {
    const cutoff = Date.now() - this.config.sessionIdleTtlMs;
    for (const [id, entry] of this.sessions) {
      if (entry.touchedAt < cutoff) this.sessions.delete(id);
    }
  }
}
