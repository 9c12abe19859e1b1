import DOMPurify from 'dompurify';
import { Marked, type Token, type TokensList } from 'marked';
import { codeBlockHtml } from './code-highlighter';
import { escapeHtml } from '../escape-html';

const marked = new Marked({
  gfm: true,
  renderer: {
    // A reply's images are not loaded (a remote image tells its server who reads the reply, and
    // its URL can carry what the conversation said): their description is shown instead.
    image({ text }) {
      return text ? `<span class="image-alt">[${escapeHtml(text)}]</span>` : '';
    },
    code({ text, lang }) {
      return codeBlockHtml(text, lang);
    },
  },
});

let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // Links in a reply open outside the chat and cannot reach back into it.
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if ((node.tagName === 'A' || node.tagName === 'AREA') && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });
}

/**
 * Links may go to https, mailto and relative URLs only; anything else (`javascript:`, `data:`,
 * plain http) loses its `href`.
 */
const ALLOWED_URI = /^(?:(?:https|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

/**
 * Sanitises HTML produced from a reply: no script, handlers, forms or styles, nothing that loads
 * from elsewhere (images, media, frames, backgrounds), and links to safe schemes only. The CSP
 * stops these too where the API serves the portal; this holds wherever it is hosted.
 */
export function sanitize(html: string): string {
  installHooks();
  return DOMPurify.sanitize(html, {
    ADD_ATTR: ['target'],
    ALLOWED_URI_REGEXP: ALLOWED_URI,
    FORBID_TAGS: [
      'style',
      'form',
      'input',
      'button',
      'textarea',
      'select',
      'iframe',
      'object',
      'embed',
      'img',
      'picture',
      'source',
      'video',
      'audio',
      'track',
      'svg',
      'image',
      'link',
      'meta',
      'base',
    ],
    FORBID_ATTR: [
      'style',
      'src',
      'srcset',
      'poster',
      'background',
      'ping',
      'action',
      'formaction',
      'xlink:href',
    ],
  });
}

/** Splits markdown into top-level blocks (their `raw` texts add up to the source). */
export function lexBlocks(markdown: string): TokensList {
  return marked.lexer(markdown);
}

/** Renders top-level blocks (with the source's link definitions) to sanitised HTML. */
export function renderBlocks(tokens: Token[], links: TokensList['links']): string {
  const list = Object.assign([...tokens], { links }) as TokensList;
  return sanitize(marked.parser(list));
}

/** Renders a whole finished reply to sanitised HTML. */
export function renderMarkdown(markdown: string): string {
  return sanitize(marked.parse(markdown, { async: false }));
}

/**
 * What a screen reader hears of a reply: the text of its sanitised rendering (never its markup
 * or the source of its tags), whitespace collapsed, cut at `maxCharacters`. Only the start is
 * rendered, as only the start is read out. A template's content is inert: nothing in it loads.
 */
export function renderedText(markdown: string, maxCharacters: number): string {
  const template = document.createElement('template');
  template.innerHTML = renderMarkdown(markdown.slice(0, maxCharacters * 2));
  const text = (template.content.textContent ?? '').replace(/\s+/g, ' ').trim();
  return text.length > maxCharacters || markdown.length > maxCharacters * 2
    ? `${text.slice(0, maxCharacters)}…`
    : text;
}
