import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { Title } from '@angular/platform-browser';
import { ASSISTANT_ID_PATTERN } from '@chat/contracts';
import { ChatStore, loadMarkdown } from '@chat/chat-client';
import { ChatFooter, Conversation } from '@chat/chat-ui';
import { LeadPanel } from '../lead-panel/lead-panel';

/**
 * The chat: conversation, message input and the details the assistant collects. At `/` the
 * default assistant; at `/chat/:assistantId` the one named.
 */
@Component({
  selector: 'chat-chat-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ChatFooter, Conversation, LeadPanel],
  templateUrl: './chat-page.html',
  styleUrl: './chat-page.css',
  // Esc stops a reply wherever the focus is, as Stop does.
  host: { '(document:keydown.escape)': 'store.stop()' },
})
export class ChatPage {
  /** The route's `:assistantId`; none at `/`, the default assistant. */
  readonly assistantId = input<string>();
  protected readonly store = inject(ChatStore);
  private readonly pageTitle = inject(Title);
  /** An id no assistant can have is not asked about: it is simply not available. */
  private readonly validId = computed(() => {
    const id = this.assistantId();
    return id === undefined || ASSISTANT_ID_PATTERN.test(id);
  });
  protected readonly unavailable = computed(
    () => !this.validId() || this.store.assistantUnavailable(),
  );
  /** On narrow screens the details panel folds away behind a toggle. */
  protected readonly panelOpen = signal(false);
  protected readonly title = computed(() => this.store.profile()?.name ?? 'Assistant');
  private readonly requiredFields = computed(() =>
    (this.store.profile()?.fields ?? []).filter((f) => f.required),
  );
  private readonly collectedRequired = computed(
    () => this.requiredFields().filter((f) => Boolean(this.store.dataCollected()[f.name])).length,
  );
  /**
   * The details button tells required progress, since the optional fields never have to be
   * given: "2 of 3 required", then "complete" once the server says the lead is.
   */
  protected readonly detailsProgress = computed(() =>
    this.store.isComplete()
      ? null
      : `${this.collectedRequired()} of ${this.requiredFields().length} required`,
  );

  constructor() {
    // The page draws replies: their markdown renderer (a chunk of its own) loads beside the
    // conversation's restore, so that restored replies are drawn as markdown from the start.
    loadMarkdown().catch(() => undefined);
    effect(() => {
      const id = this.assistantId();
      if (!this.validId()) return;
      untracked(() => {
        this.store.forAssistant(id ?? null);
        void this.store.restore();
      });
    });
    effect(() => {
      const name = this.unavailable() ? 'Assistant not available' : this.store.profile()?.name;
      if (name) this.pageTitle.setTitle(name);
    });
  }

  protected newConversation(): void {
    this.store.newConversation();
    document.getElementById('composer-input')?.focus();
  }
}
