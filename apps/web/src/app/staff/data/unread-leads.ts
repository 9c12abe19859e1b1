import { DestroyRef, inject, Injectable, signal } from '@angular/core';
import type { Subscription } from 'rxjs';
import { LeadFeed, type LeadFeedMessage } from './lead-feed';
import { LeadsApi } from './leads-api';

/** How long the count waits after a feed event before it is read again (a burst reads it once). */
const RECOUNT_DELAY_MS = 200;

/**
 * Whether a feed message may change the unread count, given each lead's `unread` as last heard
 * (updated here): a lead newly heard of, one whose mark changed, an erasure or a resync. The
 * many events of a conversation going on (same lead, same mark) ask for nothing.
 */
export function unreadMayChange(known: Map<string, boolean>, message: LeadFeedMessage): boolean {
  if (message.type === 'resync') {
    known.clear();
    return true;
  }
  if (message.type === 'lead_erased') {
    known.delete(message.id);
    return true;
  }
  const before = known.get(message.lead.id);
  known.set(message.lead.id, message.lead.unread);
  return before !== message.lead.unread;
}

/** A page title with the unread count in front, `(3) Leads · Staff`; none when there are none. */
export function titleWithUnread(title: string, unread: number | null): string {
  const bare = title.replace(/^\(\d+\) /, '');
  return unread ? `(${unread}) ${bare}` : bare;
}

/**
 * How many leads no staff member has opened: read from `GET /api/leads/unread`, and read again
 * when the live feed tells of a change to a lead's unread mark. The count stays the server's
 * (a reader cannot know, from one event, whether a lead it had never heard of was counted).
 */
@Injectable()
export class UnreadLeads {
  private readonly api = inject(LeadsApi);
  private readonly feed = inject(LeadFeed);
  private readonly _count = signal<number | null>(null);
  /** Null until first read, or when it cannot be read. */
  readonly count = this._count.asReadonly();

  private readonly known = new Map<string, boolean>();
  private subscription: Subscription | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  /** Reads the count and follows the feed (again, after a stop). */
  start(): void {
    this.subscription?.unsubscribe();
    this.known.clear();
    this.subscription = this.feed.events$.subscribe({
      next: (message) => {
        if (unreadMayChange(this.known, message)) this.recountSoon();
      },
    });
    void this.recount();
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    clearTimeout(this.timer);
    this.generation++;
    this._count.set(null);
  }

  private recountSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.recount(), RECOUNT_DELAY_MS);
  }

  private async recount(): Promise<void> {
    const generation = ++this.generation;
    try {
      const { unread } = await this.api.unreadCount();
      if (generation === this.generation) this._count.set(unread);
    } catch {
      // The pages say what went wrong; the badge just stays as it was.
    }
  }
}
