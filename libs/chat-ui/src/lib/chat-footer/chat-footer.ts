import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
} from '@angular/core';
import { ChatStore } from '@chat/chat-client';
import { DEFAULT_MESSAGE_MAX_LENGTH } from '@chat/contracts';
import { Composer } from '../composer/composer';

/**
 * Under a conversation, on both surfaces (the portal's page and the widget's panel): the offline
 * notice, the notice that the visitor's details were received, who answers (Talk to a person,
 * and where the request stands), the error with its Retry, and the composer, all over the surface's `ChatStore`. Each surface sets its spacing with the
 * `--chat-footer-*` custom properties.
 */
@Component({
  selector: 'chat-footer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Composer],
  templateUrl: './chat-footer.html',
  styleUrl: './chat-footer.css',
})
export class ChatFooter {
  readonly maxLength = input(DEFAULT_MESSAGE_MAX_LENGTH);

  protected readonly store = inject(ChatStore);
  /** The visitor closed the notice that their details were received (until another conversation). */
  protected readonly noticeDismissed = signal(false);
  /** Where the handoff stands, in the visitor's words; nothing while only the assistant answers. */
  protected readonly handoffNotice = computed(() => {
    const handoff = this.store.handoff();
    switch (handoff.state) {
      case 'requested':
        if (handoff.available !== false) return 'A member of the team will join shortly.';
        return handoff.reason === 'closed'
          ? 'We are outside our opening hours. Leave your email here and we will follow up.'
          : 'Nobody from the team is available right now. Leave your email here and we will follow up.';
      case 'human':
        return `${handoff.agent?.name ?? 'A member of the team'} joined the conversation.`;
      default:
        return this.store.handedBack() ? 'You are chatting with the assistant again.' : null;
    }
  });

  constructor() {
    effect(() => {
      this.store.sessionId();
      this.noticeDismissed.set(false);
    });
  }
}
