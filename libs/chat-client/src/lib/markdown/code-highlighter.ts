import type { HLJSApi } from 'highlight.js';
import { escapeHtml } from '../escape-html';

/** Set on a code block drawn before the highlighter arrived, to highlight in place when it does. */
const PENDING = 'hljs-pending';

let highlighter: HLJSApi | null = null;
/** Shadow roots that draw replies (the widget's), searched beside the document for pending blocks. */
const roots = new Set<ParentNode>();
let loading: Promise<HLJSApi> | null = null;

/**
 * highlight.js with the few languages the portal colours, in a chunk of its own: a visitor who
 * never sees a code block never downloads it. Loaded once, on the first code block.
 */
export function loadHighlighter(): Promise<HLJSApi> {
  loading ??= import('./highlight-languages').then(({ highlightJs }) => {
    highlighter = highlightJs;
    highlightPendingBlocks(highlightJs);
    return highlightJs;
  });
  return loading;
}

/**
 * The HTML of a fenced code block: highlighted when the highlighter is here and knows the
 * language, else escaped, and, until the highlighter arrives, marked for highlighting in place.
 */
export function codeBlockHtml(text: string, lang: string | undefined): string {
  const language = (lang ?? '').trim().split(/\s+/)[0].toLowerCase();
  if (!highlighter) {
    if (!language) return `<pre><code class="hljs">${escapeHtml(text)}\n</code></pre>\n`;
    void loadHighlighter();
    return `<pre><code class="hljs language-${escapeHtml(language)} ${PENDING}">${escapeHtml(text)}\n</code></pre>\n`;
  }
  const known = language && highlighter.getLanguage(language);
  const body = known
    ? highlighter.highlight(text, { language, ignoreIllegals: true }).value
    : escapeHtml(text);
  const label = known ? ` language-${escapeHtml(language)}` : '';
  return `<pre><code class="hljs${label}">${body}\n</code></pre>\n`;
}

/** Replies are also drawn in `root` (a shadow root, which the document's queries do not reach). */
export function highlightWithin(root: ParentNode): () => void {
  roots.add(root);
  return () => roots.delete(root);
}

/**
 * Colours the blocks drawn while the highlighter loaded. Replies keep their nodes once drawn (a
 * finished reply adopts its streamed DOM), so they are highlighted where they are. highlight.js
 * escapes the text it wraps in its spans.
 */
function highlightPendingBlocks(hljs: HLJSApi): void {
  if (typeof document === 'undefined') return;
  const pending = [document, ...roots].flatMap((root) =>
    Array.from(root.querySelectorAll<HTMLElement>(`code.${PENDING}`)),
  );
  for (const code of pending) {
    code.classList.remove(PENDING);
    const language = Array.from(code.classList)
      .find((name) => name.startsWith('language-'))
      ?.slice('language-'.length);
    if (!language || !hljs.getLanguage(language)) {
      code.classList.remove(`language-${language}`);
      continue;
    }
    const text = (code.textContent ?? '').replace(/\n$/, '');
    code.innerHTML = `${hljs.highlight(text, { language, ignoreIllegals: true }).value}\n`;
  }
}
