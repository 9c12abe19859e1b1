import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  OnInit,
  signal,
} from '@angular/core';
import { DEFAULT_MESSAGE_MAX_LENGTH } from '@chat/contracts';
import { ChatStore } from '../chat/chat-store';
import { Composer } from '../composer/composer';
import { Conversation } from '../conversation/conversation';
import { LeadPanel } from '../lead-panel/lead-panel';

/** The chat: conversation, message input and the details the assistant collects. */
@Component({
  selector: 'chat-chat-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Composer, Conversation, LeadPanel],
  templateUrl: './chat-page.html',
  styleUrl: './chat-page.css',
  // Esc stops a reply wherever the focus is, as Stop does.
  host: { '(document:keydown.escape)': 'store.stop()' },
})
export class ChatPage implements OnInit {
  protected readonly store = inject(ChatStore);
  protected readonly maxLength = DEFAULT_MESSAGE_MAX_LENGTH;
  /** On narrow screens the details panel folds away behind a toggle. */
  protected readonly panelOpen = signal(false);
  protected readonly title = computed(() => this.store.profile()?.name ?? 'Assistant');
  /** The visitor closed the notice that their details were received (until a new conversation). */
  protected readonly noticeDismissed = signal(false);
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

  ngOnInit(): void {
    void this.store.restore();
  }

  protected newConversation(): void {
    this.store.newConversation();
    this.noticeDismissed.set(false);
    document.getElementById('composer-input')?.focus();
  }
}
