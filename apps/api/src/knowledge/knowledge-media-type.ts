import type { KnowledgeMediaType } from '@chat/contracts';

const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');
/** How an HTML document begins: a doctype, `<html>`, or one of the tags a fragment starts with. */
const HTML_START =
  /^(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<!--|<(?:meta|title|div|section|article|main|p|h[1-6]|ul|table)[\s>])/i;
const MARKDOWN_HINT = /^(?:#{1,6}\s|[-*+]\s|\d+\.\s|>\s|```)/m;
/** How much of the start of a file the HTML test reads. */
const SNIFF_BYTES = 1024;

/**
 * The media type of a file, judged by its content alone (its name and declared type are the
 * uploader's say, so never trusted): a PDF by its magic number, HTML by how it starts, text if it
 * is valid UTF-8 without NUL characters (Markdown when it has Markdown's marks). Anything else,
 * an executable named `.pdf` for instance, is `undefined`: not a document we read.
 */
export function detectMediaType(bytes: Uint8Array): KnowledgeMediaType | undefined {
  if (bytes.length >= PDF_MAGIC.length && PDF_MAGIC.equals(bytes.subarray(0, PDF_MAGIC.length))) {
    return 'application/pdf';
  }
  const text = decodeText(bytes);
  if (text === undefined) return undefined;
  if (HTML_START.test(text.slice(0, SNIFF_BYTES).trimStart())) return 'text/html';
  return MARKDOWN_HINT.test(text) ? 'text/markdown' : 'text/plain';
}

/** The file as UTF-8 text (without a byte order mark), or `undefined` if it is not text. */
export function decodeText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
  return text.includes('\u0000') ? undefined : text;
}
