import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import {
  LEADS_PAGE_DEFAULT,
  type LeadStateName,
  type LeadSummary,
  normalizeLeadTag,
} from '@chat/contracts';
import type { Subscription } from 'rxjs';
import { AssistantFields } from '../data/assistant-fields';
import { LeadFeed, type LeadFeedMessage } from '../data/lead-feed';
import {
  applyFeedEvent,
  filtersFrom,
  type LeadFilters,
  leadQuery,
  leadTitle,
} from '../data/lead-list';
import { LeadsApi } from '../data/leads-api';
import { LeadWorkflowOptions } from '../data/lead-workflow-options';
import { StaffAuth } from '../data/staff-auth';
import { UnreadLeads } from '../data/unread-leads';
import { staffErrorMessage } from '../data/staff-error';
import { NOTIFICATION_LABELS, STATE_LABELS, stageLabel } from '../ui/lead-labels';
import { WhenPipe } from '../ui/when-pipe';

/** How long typing in the search box waits before the list follows. */
const SEARCH_DELAY_MS = 300;

/**
 * The leads, newest first, filtered by the page's query parameters (`q`, `status`, `from`, `to`,
 * `assistant`, `stage`, `owner`, `tag`:
 * a link or the back button brings the same list), paged with "Load more", and kept current by
 * the live feed: a lead that arrives or changes shows without a reload.
 */
@Component({
  selector: 'chat-leads-inbox',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, WhenPipe],
  templateUrl: './leads-inbox.html',
  styleUrl: './leads-inbox.css',
})
export class LeadsInbox {
  /** The page's query parameters (bound by the router). */
  readonly q = input<string>();
  readonly status = input<string>();
  readonly from = input<string>();
  readonly to = input<string>();
  readonly assistant = input<string>();
  readonly stage = input<string>();
  readonly owner = input<string>();
  readonly tag = input<string>();

  private readonly api = inject(LeadsApi);
  private readonly feed = inject(LeadFeed);
  private readonly router = inject(Router);
  protected readonly assistants = inject(AssistantFields);
  protected readonly options = inject(LeadWorkflowOptions);
  protected readonly auth = inject(StaffAuth);
  private readonly unread = inject(UnreadLeads);

  protected readonly filters = computed<LeadFilters>(() =>
    filtersFrom({
      q: this.q(),
      status: this.status(),
      from: this.from(),
      to: this.to(),
      assistant: this.assistant(),
      stage: this.stage(),
      owner: this.owner(),
      tag: this.tag(),
    }),
  );
  /** Equal filters are the same query: a navigation that changes nothing loads nothing. */
  private readonly query = computed(() => leadQuery(this.filters()), {
    equal: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  });
  protected readonly exportUrl = computed(() => this.api.exportUrl(this.query()));
  /** The URL's assistant when the list does not name it (not read yet, or archived since): still shown as chosen. */
  protected readonly unlistedAssistant = computed(() => {
    const id = this.filters().assistant;
    return id && !this.assistants.assistants().some((assistant) => assistant.id === id) ? id : null;
  });
  /** The URL's stage or owner when the lists do not hold it: still shown as chosen. */
  protected readonly unlistedStage = computed(() => {
    const stage = this.filters().stage;
    return stage && !this.options.stages().includes(stage) ? stage : null;
  });
  protected readonly unlistedOwner = computed(() => {
    const owner = this.filters().owner;
    return owner && owner !== 'none' && !this.options.owners().includes(owner) ? owner : null;
  });
  /** The owner filter takes an email typed in (an agent may not list the staff accounts). */
  protected readonly otherOwner = signal(false);
  protected readonly filtered = computed(() => Object.values(this.query()).length > 0);

  private readonly _leads = signal<readonly LeadSummary[]>([]);
  protected readonly leads = this._leads.asReadonly();
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal<'first' | 'more' | null>('first');
  protected readonly error = signal<string | null>(null);
  protected readonly feedStatus = this.feed.status;
  /** Said once after an erasure brought the reader back here. */
  protected readonly notice = signal<string | null>(null);

  protected readonly stateLabels = STATE_LABELS;
  protected readonly notificationLabels = NOTIFICATION_LABELS;
  protected readonly title = leadTitle;
  protected readonly stageLabel = stageLabel;
  protected readonly states: LeadStateName[] = ['collecting', 'complete'];

  /** Bumped by each load of the first page: an older answer arriving late is dropped. */
  private generation = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  /** Filters asked for and not yet in the URL. */
  private requested: LeadFilters | null = null;
  private feedSubscription: Subscription | undefined;

  constructor() {
    const state = this.router.currentNavigation()?.extras.state as { notice?: unknown } | undefined;
    if (typeof state?.notice === 'string') this.notice.set(state.notice);
    this.options.load();
    effect(() => {
      const query = this.query();
      this.requested = null;
      untracked(() => void this.load(query));
    });
    // Each listed lead's details are labelled with its own assistant's fields.
    effect(() => {
      const ids = new Set(this._leads().map((lead) => lead.assistant_id));
      untracked(() => ids.forEach((id) => this.assistants.load(id)));
    });
    this.listen();
    inject(DestroyRef).onDestroy(() => {
      clearTimeout(this.searchTimer);
      this.feedSubscription?.unsubscribe();
    });
  }

  protected search(text: string): void {
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.setFilter({ q: text.trim() }), SEARCH_DELAY_MS);
  }

  protected submitSearch(event: Event, text: string): void {
    event.preventDefault();
    clearTimeout(this.searchTimer);
    this.setFilter({ q: text.trim() });
  }

  protected setFilter(change: Partial<LeadFilters>): void {
    // Two changes in a row build on each other, even before the first one reached the URL.
    const next = { ...(this.requested ?? this.filters()), ...change };
    this.requested = next;
    void this.router.navigate([], {
      queryParams: {
        q: next.q || null,
        status: next.status || null,
        from: next.from || null,
        to: next.to || null,
        assistant: next.assistant || null,
        stage: next.stage || null,
        owner: next.owner || null,
        tag: next.tag || null,
      },
      replaceUrl: true,
    });
  }

  protected chooseOwner(value: string): void {
    this.otherOwner.set(value === 'other');
    if (value !== 'other') this.setFilter({ owner: value });
  }

  /** Tags are filtered by as the API stores them (trimmed, lower case). */
  protected filterTag(text: string): void {
    this.setFilter({ tag: normalizeLeadTag(text) });
  }

  protected clearFilters(search: HTMLInputElement): void {
    this.otherOwner.set(false);
    search.value = '';
    clearTimeout(this.searchTimer);
    this.requested = null;
    void this.router.navigate([], { queryParams: {}, replaceUrl: true });
  }

  protected async loadMore(): Promise<void> {
    const cursor = this.nextCursor();
    if (!cursor || this.loading()) return;
    const generation = this.generation;
    this.loading.set('more');
    this.error.set(null);
    try {
      const page = await this.api.list({ ...this.query(), cursor, limit: LEADS_PAGE_DEFAULT });
      if (generation !== this.generation) return;
      const known = new Set(this._leads().map((lead) => lead.id));
      this._leads.update((leads) => [
        ...leads,
        ...page.leads.filter((lead) => !known.has(lead.id)),
      ]);
      this.nextCursor.set(page.next_cursor);
    } catch (error) {
      if (generation === this.generation) this.error.set(staffErrorMessage(error));
    } finally {
      if (generation === this.generation) this.loading.set(null);
    }
  }

  /** Opens the live feed again after it stopped. */
  protected reconnect(): void {
    this.listen();
    this.unread.start();
    void this.load(this.query());
  }

  private async load(query: ReturnType<typeof leadQuery>): Promise<void> {
    const generation = ++this.generation;
    this.loading.set('first');
    this.error.set(null);
    try {
      const page = await this.api.list({ ...query, limit: LEADS_PAGE_DEFAULT });
      if (generation !== this.generation) return;
      this._leads.set(page.leads);
      this.nextCursor.set(page.next_cursor);
    } catch (error) {
      if (generation === this.generation) this.error.set(staffErrorMessage(error));
    } finally {
      if (generation === this.generation) this.loading.set(null);
    }
  }

  private listen(): void {
    this.feedSubscription?.unsubscribe();
    this.feedSubscription = this.feed.events$.subscribe((message) => this.apply(message));
  }

  private apply(message: LeadFeedMessage): void {
    if (message.type === 'resync') {
      void this.load(this.query());
      return;
    }
    this._leads.update((leads) =>
      applyFeedEvent(leads, message, this.query(), this.nextCursor() === null),
    );
  }
}
