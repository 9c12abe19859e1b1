import { Injectable } from '@angular/core';
import { renderMarkdown } from './markdown-html';
import { StreamingMarkdown } from './streaming-markdown';

/**
 * Rendered HTML of replies, shared between the streaming view and the finished one: when a reply
 * ends, its finished view takes the streaming renderer's blocks instead of parsing it all again.
 */
@Injectable({ providedIn: 'root' })
export class ReplyHtml {
  private readonly streaming = new Map<string, StreamingMarkdown>();

  /** The incremental renderer of a reply being written. */
  streamingRenderer(messageId: string): StreamingMarkdown {
    let renderer = this.streaming.get(messageId);
    if (!renderer) {
      renderer = new StreamingMarkdown();
      this.streaming.set(messageId, renderer);
    }
    return renderer;
  }

  /** HTML of a finished reply, computed once. */
  finished(messageId: string, content: string): string {
    const renderer = this.streaming.get(messageId);
    if (!renderer) return renderMarkdown(content);
    this.streaming.delete(messageId);
    return renderer.finish(content);
  }
}
