import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
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

/** How long one document may take to read, and how much heap its parser may use. */
export type ExtractionLimits = Pick<KnowledgeConfig, 'parseTimeoutMs' | 'parseMemoryMb'>;

/** What the extraction worker is given, and what it answers when it does not fail outright. */
export interface ExtractionRequest {
  bytes: Uint8Array;
  mediaType: KnowledgeMediaType;
}
export type ExtractionReply = { sections: DocumentSection[] } | { unreadable: string };

export const TOO_SLOW = 'The document took too long to read.';
export const TOO_LARGE = 'The document needs too much memory to read.';

/**
 * The text of a document by sections, read in a worker thread of its own so that a slow or huge
 * document (a pathological PDF or HTML page) never blocks the event loop: past the time limit
 * the worker is terminated, past the memory limit V8 stops it, and either ends as an
 * {@link UnreadableDocument} naming which. A fresh worker per document (documents are few, and
 * slow to read next to a thread's start) means one that nearly exhausted its heap, or was cut
 * off mid-parse, leaves nothing behind for the next.
 */
export function extractSections(
  bytes: Uint8Array,
  mediaType: KnowledgeMediaType,
  limits: ExtractionLimits,
): Promise<DocumentSection[]> {
  // The worker gets a copy of its own, handed over rather than cloned again.
  const copy = new Uint8Array(bytes);
  const { file, execArgv } = workerEntry();
  const worker = new Worker(file, {
    workerData: { bytes: copy, mediaType } satisfies ExtractionRequest,
    transferList: [copy.buffer],
    resourceLimits: { maxOldGenerationSizeMb: limits.parseMemoryMb },
    ...(execArgv && { execArgv }),
  });
  return new Promise<DocumentSection[]>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => {
      settle(() => reject(new UnreadableDocument(TOO_SLOW)));
      void worker.terminate();
    }, limits.parseTimeoutMs);
    worker.once('message', (reply: ExtractionReply) =>
      settle(() =>
        'sections' in reply
          ? resolve(reply.sections)
          : reject(new UnreadableDocument(reply.unreadable)),
      ),
    );
    worker.once('error', (error: Error & { code?: string }) =>
      settle(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new UnreadableDocument(TOO_LARGE) : error,
        ),
      ),
    );
    worker.once('exit', (code) =>
      settle(() =>
        reject(new Error(`The extraction worker exited (code ${code}) without an answer`)),
      ),
    );
  });
}

/**
 * The worker's entry, beside this module: the compiled `.js` in the build (which inherits the
 * server's flags). Run from the TypeScript sources, as Jest runs the specs and the in-process
 * app, it is the `.ts`, compiled as it loads by `@swc-node/register` (as the bench's sources
 * are); the build never takes that branch.
 */
function workerEntry(): { file: string; execArgv?: string[] } {
  if (!__filename.endsWith('.ts'))
    return { file: join(__dirname, 'knowledge-extraction.worker.js') };
  return {
    file: join(__dirname, 'knowledge-extraction.worker.ts'),
    execArgv: [...process.execArgv, '--require', require.resolve('@swc-node/register')],
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
