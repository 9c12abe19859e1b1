import type { KnowledgeMediaType, KnowledgeSourceSummary } from '@chat/contracts';
import { ApiRequestError } from '@chat/chat-client';
import { staffErrorMessage } from '../data/staff-error';

/** How long the list waits before it is read again while a source is processing. */
export const KNOWLEDGE_POLL_MS = 2000;

/** The longest passage content shown whole in "Try a question". */
export const PASSAGE_PREVIEW_CHARS = 400;

const MEDIA_LABELS: Readonly<Record<KnowledgeMediaType, string>> = {
  'text/markdown': 'Markdown',
  'text/plain': 'Text',
  'text/html': 'HTML',
  'application/pdf': 'PDF',
};

/** A media type as staff call it (the type itself for one this page does not know). */
export function mediaLabel(mediaType: string): string {
  return MEDIA_LABELS[mediaType as KnowledgeMediaType] ?? mediaType;
}

const UNITS = ['KB', 'MB', 'GB'] as const;

/** A size in bytes as people read it, in powers of 1024: "900 bytes", "1.5 KB", "10 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${Math.round(bytes)} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // One decimal below 10 ("1.5 KB"), none above ("240 KB"); a trailing ".0" is dropped.
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${shown} ${UNITS[unit]}`;
}

/** Whether the list is to be read again: some source's job has not ended. */
export function needsPolling(sources: readonly Pick<KnowledgeSourceSummary, 'status'>[]): boolean {
  return sources.some((source) => source.status === 'processing');
}

/** A passage's text cut at a word before `max` characters, with "…", for the preview. */
export function truncate(text: string, max = PASSAGE_PREVIEW_CHARS): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Why a file was refused, in words staff can act on: its size past the server's limit, or the server's reason. */
export function uploadErrorMessage(error: unknown): string {
  if (error instanceof ApiRequestError && error.status === 413) {
    const limit = /(\d+) bytes/.exec(error.serverMessage ?? '');
    return limit
      ? `Too large: files may be at most ${formatBytes(Number(limit[1]))}.`
      : "Too large: the file is past the server's size limit (10 MB unless set otherwise).";
  }
  return staffErrorMessage(error);
}
