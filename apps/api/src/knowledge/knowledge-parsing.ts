import { parse, type HTMLElement } from 'node-html-parser';
import type { KnowledgeMediaType } from '@chat/contracts';
import { decodeText } from './knowledge-media-type';
import { type DocumentSection, UnreadableDocument } from './knowledge-text';

// The parsers themselves, run in the extraction process (knowledge-extraction.main.ts): the
// main thread reaches them only through `extractSections`, with its time and memory limits.

/** Elements whose text is not the document's: scripts, styles and the page's furniture. */
const DROPPED = 'script, style, noscript, template, nav, header, footer, aside, iframe, svg, form';
const HEADINGS = new Set(['H1', 'H2', 'H3', 'H4', 'H5', 'H6']);
/** Elements inside a paragraph's text; every other element ends the paragraph before it. */
const INLINE = new Set([
  'A',
  'ABBR',
  'B',
  'BR',
  'CITE',
  'CODE',
  'DATA',
  'EM',
  'I',
  'KBD',
  'MARK',
  'Q',
  'S',
  'SMALL',
  'SPAN',
  'STRONG',
  'SUB',
  'SUP',
  'TIME',
  'U',
  'VAR',
]);

/** The text of a document by sections, with the parser its media type needs, on this thread. */
export async function parseSections(
  bytes: Uint8Array,
  mediaType: KnowledgeMediaType,
): Promise<DocumentSection[]> {
  switch (mediaType) {
    case 'application/pdf':
      return pdfSections(bytes);
    case 'text/html':
      return htmlSections(textOf(bytes));
    default:
      return markdownSections(textOf(bytes));
  }
}

function textOf(bytes: Uint8Array): string {
  const text = decodeText(bytes);
  if (text === undefined) throw new UnreadableDocument('The file is not valid UTF-8 text.');
  return text;
}

/** Markdown and plain text: `#` lines are headings, blank lines end paragraphs. */
export function markdownSections(text: string): DocumentSection[] {
  const sections: DocumentSection[] = [{ heading: null, paragraphs: [] }];
  let paragraph: string[] = [];
  const endParagraph = () => {
    const joined = paragraph.join(' ').replace(/\s+/g, ' ').trim();
    if (joined) sections[sections.length - 1].paragraphs.push(joined);
    paragraph = [];
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      endParagraph();
      sections.push({ heading: heading[1], paragraphs: [] });
    } else if (line.trim() === '') {
      endParagraph();
    } else {
      paragraph.push(line.trim());
    }
  }
  endParagraph();
  return nonEmpty(sections);
}

/**
 * HTML through a real parser: scripts, styles and navigation dropped, `h1`-`h6` as headings, and
 * each block's text (inline elements included) one paragraph.
 */
export function htmlSections(html: string): DocumentSection[] {
  const root = parse(html, { comment: false, blockTextElements: { pre: true } });
  for (const element of root.querySelectorAll(DROPPED)) element.remove();
  const body = root.querySelector('main') ?? root.querySelector('body') ?? root;
  const sections: DocumentSection[] = [{ heading: null, paragraphs: [] }];
  let run = '';
  const flush = () => {
    addText(sections, run);
    run = '';
  };
  const visit = (element: HTMLElement) => {
    for (const child of element.childNodes) {
      if (child.nodeType !== 1) {
        run += child.textContent;
        continue;
      }
      const node = child as HTMLElement;
      if (INLINE.has(node.tagName)) {
        run += node.tagName === 'BR' ? ' ' : node.textContent;
      } else if (HEADINGS.has(node.tagName)) {
        flush();
        sections.push({ heading: clean(node.textContent), paragraphs: [] });
      } else {
        flush();
        visit(node);
        flush();
      }
    }
  };
  visit(body);
  flush();
  return nonEmpty(sections);
}

/** A PDF's text with `unpdf` (pdf.js): each page's lines, blank lines ending paragraphs. */
async function pdfSections(bytes: Uint8Array): Promise<DocumentSection[]> {
  let pages: string[];
  try {
    // Loaded when the first PDF comes: pdf.js is large, and an instance may never see a PDF.
    const { extractText } = await import('unpdf');
    // pdf.js takes the buffer over: it is given a copy.
    ({ text: pages } = await extractText(new Uint8Array(bytes), { mergePages: false }));
  } catch {
    throw new UnreadableDocument(
      'The PDF could not be read (damaged, or protected by a password).',
    );
  }
  const sections = markdownSections(pages.map((page) => page.replace(/\n/g, '\n\n')).join('\n\n'));
  if (sections.length === 0) {
    throw new UnreadableDocument('The PDF has no text (a scan needs text recognition first).');
  }
  return sections;
}

function addText(sections: DocumentSection[], text: string): void {
  const cleaned = clean(text);
  if (cleaned) sections[sections.length - 1].paragraphs.push(cleaned);
}

function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function nonEmpty(sections: DocumentSection[]): DocumentSection[] {
  return sections.filter((section) => section.paragraphs.length > 0 || section.heading);
}
