import { Injectable, InjectionToken, inject, signal } from '@angular/core';
import type { LeadFeedEvent } from '@chat/contracts';
import { Observable, share, timer } from 'rxjs';
import { parseFeedEvent } from './lead-list';

/** Opens a server-sent events connection (a test gives its own). */
export const EVENT_SOURCE = new InjectionToken<(url: string) => EventSource>('EVENT_SOURCE', {
  providedIn: 'root',
  factory: () => (url) => new EventSource(url),
});

/** `EventSource.CLOSED`, which the browser does not try to reconnect from (the global is absent in tests). */
const CLOSED = 2;

/** Where the live feed stands: opening, receiving, reconnecting after a drop, or given up (an error answer). */
export type LeadFeedStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped';

/** A feed event, or word that some may have been missed (after a reconnection or a stop): read the list again. */
export type LeadFeedMessage = LeadFeedEvent | { type: 'resync' };

/**
 * The leads' live feed, `GET /api/leads/events`, over `EventSource` (same origin: the staff
 * cookie goes with it; it reconnects by itself after a drop). One connection serves every page
 * listening, and outlives a page by a moment so that going from the inbox to a lead keeps it.
 */
@Injectable()
export class LeadFeed {
  private readonly openSource = inject(EVENT_SOURCE);
  private readonly _status = signal<LeadFeedStatus>('connecting');
  readonly status = this._status.asReadonly();

  readonly events$: Observable<LeadFeedMessage> = new Observable<LeadFeedMessage>((subscriber) => {
    const source = this.openSource('/api/leads/events');
    let dropped = false;
    this._status.set('connecting');
    source.onopen = () => {
      this._status.set('live');
      if (dropped) subscriber.next({ type: 'resync' });
      dropped = false;
    };
    source.onmessage = (message: MessageEvent<string>) => {
      const event = parseFeedEvent(message.data);
      if (event) subscriber.next(event);
    };
    source.onerror = () => {
      dropped = true;
      if (source.readyState !== CLOSED) {
        this._status.set('reconnecting');
        return;
      }
      // Refused (signed out, say): reading the list again tells the page why. Completing lets
      // a page subscribe again to reconnect.
      this._status.set('stopped');
      subscriber.next({ type: 'resync' });
      subscriber.complete();
    };
    return () => source.close();
  }).pipe(share({ resetOnRefCountZero: () => timer(3000) }));
}
