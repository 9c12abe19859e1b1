import { signal } from '@angular/core';
import type * as Renderer from './markdown-renderer';

/** The markdown renderer of replies: marked and DOMPurify with the renderers built on them. */
export type MarkdownRenderer = typeof Renderer;

const loaded = signal<MarkdownRenderer | null>(null);
let loading: Promise<MarkdownRenderer> | null = null;

/**
 * The renderer once it is here, else null: until then a reply is shown as plain text
 * (interpolated, never as HTML), and drawn as markdown when this changes.
 */
export const markdownRenderer = loaded.asReadonly();

/**
 * Loads the renderer, in a chunk of its own: the website widget's first download stays small,
 * and a visitor who opens no chat never downloads it. Asked for when a reply is coming (a message
 * sent, a reply to draw) or when the widget opens; loaded once. A failed load is tried again at
 * the next ask (replies stay plain text meanwhile).
 */
export function loadMarkdown(): Promise<MarkdownRenderer> {
  loading ??= import('./markdown-renderer').then(
    (renderer) => {
      loaded.set(renderer);
      return renderer;
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}
