import {
  ChangeDetectionStrategy,
  Component,
  effect,
  inject,
  input,
  OnInit,
  untracked,
} from '@angular/core';
import { DEFAULT_MESSAGE_MAX_LENGTH } from '@chat/contracts';
import { ChatApi, ChatStore, FETCH, SessionIdStore } from '@chat/chat-client';
import { Composer, Conversation } from '@chat/chat-ui';
import { PreviewChatApi, PreviewSessionIds, withStaffXsrf } from './preview-chat';

/**
 * A small chat with an assistant's saved draft, streamed as the portal streams: its own store
 * and client (see `preview-chat.ts`), started again whenever the draft is saved (`restart`
 * changes) or with Restart.
 */
@Component({
  selector: 'chat-assistant-preview',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Conversation, Composer],
  providers: [
    { provide: FETCH, useFactory: () => withStaffXsrf(inject(FETCH, { skipSelf: true })) },
    PreviewChatApi,
    { provide: ChatApi, useExisting: PreviewChatApi },
    { provide: SessionIdStore, useClass: PreviewSessionIds },
    ChatStore,
  ],
  templateUrl: './assistant-preview.html',
  styleUrl: './assistant-preview.css',
})
export class AssistantPreview implements OnInit {
  readonly assistantId = input.required<string>();
  /** The saved draft's greeting, shown before the first message as the portal shows its own. */
  readonly greeting = input('');
  /** Changes each time the draft is saved: the conversation starts again with the new draft. */
  readonly restart = input(0);

  protected readonly store = inject(ChatStore);
  private readonly api = inject(PreviewChatApi);
  protected readonly maxLength = DEFAULT_MESSAGE_MAX_LENGTH;
  private lastRestart: number | null = null;

  constructor() {
    effect(() => {
      this.api.assistantId = this.assistantId();
    });
    effect(() => {
      const restart = this.restart();
      if (this.lastRestart !== null && restart !== this.lastRestart)
        untracked(() => this.store.newConversation());
      this.lastRestart = restart;
    });
  }

  ngOnInit(): void {
    // Only the description's demo flag matters here (a fresh session has nothing to restore).
    void this.store.restore();
  }

  protected restartConversation(): void {
    this.store.newConversation();
    document.getElementById('composer-input')?.focus();
  }
}
