import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  ElementRef,
  inject,
  input,
  OnInit,
  viewChild,
} from '@angular/core';
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
export class FinishedMessage implements OnInit {
  readonly message = input.required<TranscriptMessage>();

  private readonly replyHtml = inject(ReplyHtml);
  private readonly sanitizer = inject(DomSanitizer);
  private readonly adoptTarget = viewChild<ElementRef<HTMLElement>>('adopt');
  /** The nodes of a reply that was streamed on this page, moved here rather than drawn again. */
  private adopted: DocumentFragment | null = null;
  protected adoptsDom = false;

  /** Assistant replies are markdown, sanitised by DOMPurify; user messages stay plain text. */
  protected readonly html = computed(() => {
    const message = this.message();
    if (message.role !== 'assistant' || this.adoptsDom) return null;
    return this.sanitizer.bypassSecurityTrustHtml(this.replyHtml.finished(message.id, message.content));
  });

  constructor() {
    afterNextRender(() => {
      if (this.adopted) this.adoptTarget()?.nativeElement.append(this.adopted);
      this.adopted = null;
    });
  }

  ngOnInit(): void {
    const message = this.message();
    if (message.role === 'assistant') this.adopted = this.replyHtml.takeFinishedDom(message.id, message.content);
    this.adoptsDom = this.adopted !== null;
  }

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
