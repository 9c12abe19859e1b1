import type { Observable } from 'rxjs';
import type { SessionOwner } from '../../sessions/session-owner';
import type { StreamEvent } from './stream-resume-buffer';

/**
 * A generation as a resume or a cancel reaches it: running on this instance (`Generation`), or
 * on another one, through Redis (`RemoteGeneration`).
 */
export interface LiveGeneration {
  readonly streamId: string;
  /** The session it answers in (its stored id). */
  readonly sessionId: string;
  readonly owner: SessionOwner;
  /** Whether it still runs (a remote one: asked of Redis, for those who need to know). */
  isRunning(): Promise<boolean>;
  /** The events after `lastEventId`, then the live ones until the generation finishes. */
  events$(lastEventId?: number): Observable<StreamEvent>;
  abort(reason: string): void;
}
