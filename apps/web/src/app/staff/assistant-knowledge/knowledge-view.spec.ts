import { ApiRequestError } from '@chat/chat-client';
import {
  formatBytes,
  mediaLabel,
  needsPolling,
  truncate,
  uploadErrorMessage,
} from './knowledge-view';

describe('formatBytes', () => {
  it('writes bytes, then KB, MB and GB in powers of 1024, one decimal below ten', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(245_000)).toBe('239 KB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MB');
    expect(formatBytes(3.25 * 1024 ** 3)).toBe('3.3 GB');
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('needsPolling', () => {
  it('reads the list again only while some source is processing', () => {
    expect(needsPolling([])).toBe(false);
    expect(needsPolling([{ status: 'ready' }, { status: 'failed' }])).toBe(false);
    expect(needsPolling([{ status: 'ready' }, { status: 'processing' }])).toBe(true);
  });
});

describe('truncate', () => {
  it('keeps a short text whole and cuts a long one at a word, with an ellipsis', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('one two three four five', 15)).toBe('one two three…');
    // No word break near the end: cut at the limit.
    expect(truncate('x'.repeat(30), 10)).toBe(`${'x'.repeat(10)}…`);
  });
});

describe('mediaLabel', () => {
  it('names the media types as staff call them', () => {
    expect(mediaLabel('text/markdown')).toBe('Markdown');
    expect(mediaLabel('application/pdf')).toBe('PDF');
    expect(mediaLabel('image/png')).toBe('image/png');
  });
});

describe('uploadErrorMessage', () => {
  it("says a file is too large with the server's limit, and keeps the server's reason for a refused one", () => {
    const limit = ApiRequestError.fromBody(
      413,
      { code: 'payload_too_large', message: 'The file is larger than 10485760 bytes.' },
      null,
    );
    expect(uploadErrorMessage(limit)).toBe('Too large: files may be at most 10 MB.');
    const multer = ApiRequestError.fromBody(
      413,
      { code: 'payload_too_large', message: 'File too large' },
      null,
    );
    expect(uploadErrorMessage(multer)).toBe(
      "Too large: the file is past the server's size limit (10 MB unless set otherwise).",
    );
    const refused = ApiRequestError.fromBody(
      400,
      {
        code: 'invalid_request',
        message: 'This is an unsupported file: upload Markdown, plain text (UTF-8), HTML or PDF.',
      },
      null,
    );
    expect(uploadErrorMessage(refused)).toContain('This is an unsupported file');
  });
});
