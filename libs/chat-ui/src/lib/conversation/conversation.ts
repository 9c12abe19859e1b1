import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  ElementRef,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import type { TranscriptMessage } from '@chat/contracts';
import type { ChatStatus, Delivery, LiveReply } from '@chat/chat-client';
import { FinishedMessage } from '../finished-message/finished-message';
import { StreamingReply } from '../streaming-reply/streaming-reply';

/** How close to the bottom (px) still counts as reading the latest. */
const FOLLOW_THRESHOLD = 48;

/** The message list; follows the reply as it grows unless the reader scrolled up. */
@Component({
  selector: 'chat-conversation',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FinishedMessage, StreamingReply],
  templateUrl: './conversation.html',
  styleUrl: './conversation.css',
})
export class Conversation {
  readonly messages = input.required<readonly TranscriptMessage[]>();
  readonly live = input<LiveReply | null>(null);
  readonly status = input<ChatStatus>('idle');
  readonly greeting = input('');
  /** The visitor's message the server has not taken, marked on its bubble. */
  readonly undelivered = input<{ id: string; delivery: Delivery } | null>(null);
  /** The last reply may be written again (nothing is being written). */
  readonly canRegenerate = input(false);
  /** A staff member is writing; `staffName`: who holds the conversation, if known. */
  readonly staffTyping = input(false);
  readonly staffName = input<string | null>(null);
  readonly retry = output<void>();
  readonly regenerate = output<void>();

  protected readonly following = signal(true);
  protected readonly typingLabel = computed(
    () => `${this.staffName() ?? 'A team member'} is typing…`,
  );
  private lastScrollTop = 0;
  private readonly scroller = viewChild.required<ElementRef<HTMLElement>>('scroller');
  private readonly content = viewChild.required<ElementRef<HTMLElement>>('content');

  constructor() {
    effect((onCleanup) => {
      const content = this.content().nativeElement;
      if (typeof ResizeObserver === 'undefined') return;
      // Content grows as tokens arrive; keep the latest in view while the reader follows.
      const observer = new ResizeObserver(() => {
        if (this.following()) this.scrollToEnd();
      });
      observer.observe(content);
      observer.observe(this.scroller().nativeElement);
      onCleanup(() => observer.disconnect());
    });
    effect(() => {
      const list = this.messages();
      // Sending a message means the reader wants to see the answer.
      if (list.at(-1)?.role === 'user') {
        this.following.set(true);
        queueMicrotask(() => this.scrollToEnd());
      }
    });
  }

  protected onScroll(): void {
    const el = this.scroller().nativeElement;
    const distance = el.scrollHeight - el.scrollTop - el.clientHeight;
    // Only scrolling up stops following; a list that shrinks or grows under the reader does not.
    if (distance <= FOLLOW_THRESHOLD) this.following.set(true);
    else if (el.scrollTop < this.lastScrollTop) this.following.set(false);
    this.lastScrollTop = el.scrollTop;
  }

  protected jumpToLatest(): void {
    this.following.set(true);
    this.scrollToEnd();
  }

  private scrollToEnd(): void {
    const el = this.scroller().nativeElement;
    el.scrollTop = el.scrollHeight;
  }
}
