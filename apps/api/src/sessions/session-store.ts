import type { ChatSession } from './chat-session';

/**
 * Where sessions live. In memory by default; a shared store (PostgreSQL) replaces it when one
 * machine is no longer enough. Implementations return copies: a caller changes a session only
 * through `save`, so a failed turn leaves no half-written state behind.
 */
export abstract class SessionStore {
  abstract get(id: string): Promise<ChatSession | undefined>;
  abstract save(session: ChatSession): Promise<void>;
  /** Whether the store can serve requests (for `/health/ready`). */
  abstract isReady(): Promise<boolean>;
}
