import {
  ChangeDetectionStrategy,
  Component,
  effect,
  ElementRef,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { appendCursor, appendFinishedBlocks, ReplyHtml } from '@chat/chat-client';

/**
 * The reply being written. Finished markdown blocks are appended to the DOM once; only the
 * last, unfinished block is replaced on each frame, so the cost per update stays flat. Until the
 * markdown renderer has loaded (the first reply of a visit, for a few milliseconds) the text is
 * shown plain.
 */
@Component({
  selector: 'chat-streaming-reply',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="markdown" #finished></div>
    <div class="markdown tail" #tail></div>`,
  // Contained: the tail redrawn every frame is laid out and painted within this box.
  styles: ':host { display: block; contain: content; }',
  host: { class: 'streaming-reply', 'aria-busy': 'true', dir: 'auto' },
})
export class StreamingReply {
  readonly messageId = input.required<string>();
  readonly text = input.required<string>();

  private readonly replyHtml = inject(ReplyHtml);
  private readonly finishedEl = viewChild.required<ElementRef<HTMLElement>>('finished');
  private readonly tailEl = viewChild.required<ElementRef<HTMLElement>>('tail');
  private attachedTo: string | null = null;
  /** Bumped to draw the next slice of text an update left behind (a long text drawn over frames). */
  private readonly catchUp = signal(0);

  constructor() {
    effect((onCleanup) => {
      this.catchUp();
      const renderer = this.replyHtml.streamingRenderer(this.messageId());
      const finished = this.finishedEl().nativeElement;
      const tail = this.tailEl().nativeElement;
      if (!renderer) {
        // The markdown renderer is still on its way (it loads lazily): the text so far as plain
        // text, never as HTML; this runs again, as markdown, when it arrives.
        tail.textContent = this.text();
        appendCursor(tail);
        return;
      }
      if (this.attachedTo !== this.messageId()) {
        // A view created mid-reply starts from the blocks already rendered.
        this.attachedTo = this.messageId();
        finished.replaceChildren();
        for (const html of renderer.finishedSoFar()) appendFinishedBlocks(finished, html);
        this.replyHtml.attachLiveDom(this.messageId(), finished, tail);
      }
      const update = renderer.update(this.text());
      for (const html of update.finishedBlocks) appendFinishedBlocks(finished, html);
      // Sanitised by DOMPurify in the renderer.
      tail.innerHTML = update.tail;
      appendCursor(tail);
      if (update.behind) {
        const frame = requestAnimationFrame(() => this.catchUp.update((n) => n + 1));
        onCleanup(() => cancelAnimationFrame(frame));
      }
    });
  }
}
