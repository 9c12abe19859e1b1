import { fork } from 'node:child_process';
import { join } from 'node:path';
import { parse } from 'node-html-parser';
import type { KnowledgeMediaType } from '@chat/contracts';
import type { KnowledgeConfig } from '../config/knowledge.config';
import { decodeText } from './knowledge-media-type';

/** A part of a document under one heading (none before the first), its paragraphs in order. */
export interface DocumentSection {
  heading: string | null;
  paragraphs: string[];
}

/** Why a document gave no text, in words staff can act on. */
export class UnreadableDocument extends Error {}

/** How long one document may take to read, and how much heap its parser's process may use. */
export type ExtractionLimits = Pick<KnowledgeConfig, 'parseTimeoutMs' | 'parseMemoryMb'>;

/** What the extraction process is sent, and what it answers when it does not fail outright. */
export interface ExtractionRequest {
  bytes: Uint8Array;
  mediaType: KnowledgeMediaType;
}
export type ExtractionReply = { sections: DocumentSection[] } | { unreadable: string };

export const TOO_SLOW = 'The document took too long to read.';
export const TOO_LARGE = 'The document needs too much memory to read.';

/**
 * The text of a document by sections, read in a process of its own so that a slow or huge
 * document (a pathological PDF or HTML page) never blocks the event loop: past the time limit the
 * process is killed, past the heap limit V8 aborts it, and either ends as an
 * {@link UnreadableDocument} naming which.
 *
 * A process rather than a worker thread: a worker's `resourceLimits` do not always hold, and a
 * fast-allocating parse can abort the whole server with V8's fatal out-of-memory error
 * (nodejs/node#47224; the memory specs reproduce it at 64 MiB). A fresh one per document
 * (documents are few, and slow to read next to a process's start) leaves nothing from one
 * document for the next.
 */
export function extractSections(
  bytes: Uint8Array,
  mediaType: KnowledgeMediaType,
  limits: ExtractionLimits,
): Promise<DocumentSection[]> {
  const { file, execArgv } = extractionEntry();
  const child = fork(file, {
    execArgv: [...execArgv, `--max-old-space-size=${limits.parseMemoryMb}`],
    // Structured clone: the bytes go as bytes, not as JSON.
    serialization: 'advanced',
    // A parser reads hostile documents: none of the server's secrets (keys, database URL).
    env: { PATH: process.env['PATH'] ?? '' },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4096);
  });
  return new Promise<DocumentSection[]>((resolve, reject) => {
    let reply: ExtractionReply | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limits.parseTimeoutMs);
    child.once('message', (message: ExtractionReply) => (reply = message));
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (reply && 'sections' in reply) resolve(reply.sections);
      else if (reply) reject(new UnreadableDocument(reply.unreadable));
      else if (timedOut) reject(new UnreadableDocument(TOO_SLOW));
      else if (/heap out of memory/.test(stderr)) reject(new UnreadableDocument(TOO_LARGE));
      else {
        reject(
          new Error(`The extraction process ended (${code ?? signal}) without an answer`, {
            cause: stderr.trim(),
          }),
        );
      }
    });
    child.send({ bytes, mediaType } satisfies ExtractionRequest);
  });
}

/**
 * The extraction process's entry, beside this module: the compiled `.js` in the build, run with
 * the server's own flags. Run from the TypeScript sources, as Jest runs the specs and the
 * in-process app, it is the `.ts`, compiled as it loads by `@swc-node/register` (as the bench's
 * sources are); the build never takes that branch.
 */
function extractionEntry(): { file: string; execArgv: string[] } {
  // Not the inspector's flags: the child would contend for the server's debugging port.
  const execArgv = process.execArgv.filter((flag) => !/^--(inspect|debug)/.test(flag));
  if (!__filename.endsWith('.ts')) {
    return { file: join(__dirname, 'knowledge-extraction.main.js'), execArgv };
  }
  return {
    file: join(__dirname, 'knowledge-extraction.main.ts'),
    execArgv: [...execArgv, '--require', require.resolve('@swc-node/register')],
  };
}

/**
 * An HTML document's `<title>`, if it has one (a web page source's title). Only the document up
 * to the first `</title>` is parsed: this runs on the event loop, where a whole page must not.
 */
export function htmlTitle(bytes: Uint8Array): string | undefined {
  const text = decodeText(bytes) ?? '';
  const end = /<\/title\s*>/i.exec(text);
  const head = end ? text.slice(0, end.index + end[0].length) : '';
  const title = clean(parse(head).querySelector('title')?.textContent ?? '');
  return title ? title.slice(0, 200) : undefined;
}

function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
