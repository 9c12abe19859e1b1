import { ChangeDetectionStrategy, Component, effect, inject, input, signal } from '@angular/core';
import { ChatStore } from '@chat/chat-client';
import { DEFAULT_MESSAGE_MAX_LENGTH } from '@chat/contracts';
import { Composer } from '../composer/composer';

/**
 * Under a conversation, on both surfaces (the portal's page and the widget's panel): the offline
 * notice, the notice that the visitor's details were received, the error with its Retry, and
 * the composer, all over the surface's `ChatStore`. Each surface sets its spacing with the
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

  constructor() {
    effect(() => {
      this.store.sessionId();
      this.noticeDismissed.set(false);
    });
  }
}
