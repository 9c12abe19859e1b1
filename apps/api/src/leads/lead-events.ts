import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';

/** Something happened to a lead: it changed (collected data, completed, a notification's outcome) or was erased. */
export type LeadChange = { kind: 'changed'; id: string } | { kind: 'erased'; id: string };

/**
 * This instance's lead changes, for the staff's live feed. The turn, the notification delivery
 * and the erasure announce them; the feed reads each changed lead once for all its listeners.
 * In process only: with several instances, staff see the changes of the instance they are
 * connected to (sharing them through Redis is the scale-out issue's).
 */
@Injectable()
export class LeadEvents {
  private readonly changes = new Subject<LeadChange>();

  get changes$(): Observable<LeadChange> {
    return this.changes.asObservable();
  }

  changed(id: string): void {
    this.changes.next({ kind: 'changed', id });
  }

  erased(id: string): void {
    this.changes.next({ kind: 'erased', id });
  }
}
