import { Injectable } from '@angular/core';
import { loadMarkdown, markdownRenderer } from './markdown-loader';
import { appendFinishedBlocks } from './reply-sections';
import type { StreamingMarkdown, StreamingUpdate } from './streaming-markdown';

/**
 * Rendered HTML of replies, shared between the streaming view and the finished one: when a reply
 * ends, its finished view takes the streaming renderer's blocks instead of parsing it all again.
 * The markdown renderer loads lazily (markdown-loader.ts): until it is here, `streamingRenderer`
 * and `finished` answer null (and ask for it), and the views show the text as plain text; both
 * read the renderer as a signal, so an effect or computed that called them runs again on its arrival.
 */
@Injectable({ providedIn: 'root' })
export class ReplyHtml {
  private readonly streaming = new Map<string, StreamingMarkdown>();
  private readonly liveDom = new Map<string, { finished: HTMLElement; tail: HTMLElement }>();

  /** Where the streaming view draws a reply, so that its finished view can adopt the nodes. */
  attachLiveDom(messageId: string, finished: HTMLElement, tail: HTMLElement): void {
    this.liveDom.set(messageId, { finished, tail });
  }

  /**
   * The nodes the streaming view drew, completed with the reply's last words, for the finished
   * view to move in: drawing a long reply again from HTML would be one long task.
   */
  takeFinishedDom(messageId: string, content: string): DocumentFragment | null {
    const live = this.liveDom.get(messageId);
    const renderer = this.streaming.get(messageId);
    this.liveDom.delete(messageId);
    if (!live || !renderer) return null;
    this.streaming.delete(messageId);
    let update: StreamingUpdate;
    do {
      update = renderer.update(content);
      for (const html of update.finishedBlocks) appendFinishedBlocks(live.finished, html);
    } while (update.behind);
    live.tail.innerHTML = update.tail;
    const fragment = document.createDocumentFragment();
    fragment.append(...Array.from(live.finished.childNodes), ...Array.from(live.tail.childNodes));
    return fragment;
  }

  /** The incremental renderer of a reply being written; null until the markdown renderer is here. */
  streamingRenderer(messageId: string): StreamingMarkdown | null {
    const markdown = this.markdown();
    if (!markdown) return null;
    let renderer = this.streaming.get(messageId);
    if (!renderer) {
      renderer = new markdown.StreamingMarkdown();
      this.streaming.set(messageId, renderer);
    }
    return renderer;
  }

  /** HTML of a finished reply, computed once; null until the markdown renderer is here. */
  finished(messageId: string, content: string): string | null {
    const markdown = this.markdown();
    if (!markdown) return null;
    const renderer = this.streaming.get(messageId);
    if (!renderer) return markdown.renderMarkdown(content);
    this.streaming.delete(messageId);
    return renderer.finish(content);
  }

  /** The markdown renderer (read as a signal), asked for when it is not here yet. */
  private markdown() {
    const markdown = markdownRenderer();
    if (!markdown) loadMarkdown().catch(() => undefined);
    return markdown;
  }
}
