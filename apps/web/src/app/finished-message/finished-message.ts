import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { DomSanitizer } from '@angular/platform-browser';
import type { TranscriptMessage } from '@chat/contracts';
import { ReplyHtml } from '../markdown/reply-html';

/** A message that will not change again: its HTML is computed once. */
@Component({
  selector: 'chat-finished-message',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './finished-message.html',
  styleUrl: './finished-message.css',
})
export class FinishedMessage {
  readonly message = input.required<TranscriptMessage>();

  private readonly replyHtml = inject(ReplyHtml);
  private readonly sanitizer = inject(DomSanitizer);

  /** Assistant replies are markdown, sanitised by DOMPurify; user messages stay plain text. */
  protected readonly html = computed(() => {
    const message = this.message();
    if (message.role !== 'assistant') return null;
    return this.sanitizer.bypassSecurityTrustHtml(this.replyHtml.finished(message.id, message.content));
  });

  protected readonly note = computed(() => {
    switch (this.message().finish_reason) {
      case 'cancelled':
        return 'Stopped';
      case 'length':
        return 'Cut short: the reply reached its length limit';
      case 'error':
        return 'Interrupted';
      default:
        return null;
    }
  });
}
