import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
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
})
export class ChatPage implements OnInit {
  protected readonly store = inject(ChatStore);
  protected readonly maxLength = DEFAULT_MESSAGE_MAX_LENGTH;
  /** On narrow screens the details panel folds away behind a toggle. */
  protected readonly panelOpen = signal(false);
  protected readonly title = computed(() => this.store.profile()?.name ?? 'Assistant');
  protected readonly collectedCount = computed(() => Object.keys(this.store.dataCollected()).length);

  ngOnInit(): void {
    void this.store.restore();
  }

  protected newConversation(): void {
    this.store.newConversation();
    document.getElementById('composer-input')?.focus();
  }
}
