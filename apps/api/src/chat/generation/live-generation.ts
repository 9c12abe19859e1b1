import type { Observable } from 'rxjs';
import type { SessionOwner } from '../../sessions/session-owner';
import type { StreamEvent } from './stream-resume-buffer';

/**
 * A generation as a resume or a cancel reaches it: running on this instance (`Generation`), or
 * on another one, through Redis (`RemoteGeneration`).
 */
export interface LiveGeneration {
  readonly streamId: string;
  readonly owner: SessionOwner;
  readonly isFinished: boolean;
  /** The events after `lastEventId`, then the live ones until the generation finishes. */
  events$(lastEventId?: number): Observable<StreamEvent>;
  abort(reason: string): void;
}
