import { minimalPdf } from '@chat/test-support';
import {
  extractSections,
  htmlTitle,
  TOO_LARGE,
  TOO_SLOW,
  UnreadableDocument,
} from './knowledge-text';

const LIMITS = { parseTimeoutMs: 30_000, parseMemoryMb: 256 };

/** Each `<nav>` is removed from one long list of siblings: quadratic in node-html-parser. */
const SLOW_HTML = `<body>${'<nav></nav>'.repeat(40_000)}<p>Finally some text.</p></body>`;
/** Half a million elements: far more heap than a small limit allows. */
const LARGE_HTML = `<body>${'<p>x y z</p>'.repeat(500_000)}</body>`;

describe('extracting a document’s text in a process of its own, within limits', () => {
  it('answers the sections of HTML, Markdown and PDF as the parsers do', async () => {
    expect(
      await extractSections(
        Buffer.from('<main><h1>Hours</h1><p>Open <b>daily</b>.</p></main>'),
        'text/html',
        LIMITS,
      ),
    ).toEqual([{ heading: 'Hours', paragraphs: ['Open daily.'] }]);
    expect(
      await extractSections(Buffer.from('# Plans\n\nBasic is free.'), 'text/markdown', LIMITS),
    ).toEqual([{ heading: 'Plans', paragraphs: ['Basic is free.'] }]);
    const pdf = minimalPdf(['Mentoring programme', 'Every student gets a mentor.']);
    expect(
      (await extractSections(pdf, 'application/pdf', LIMITS)).flatMap((s) => s.paragraphs),
    ).toEqual(['Mentoring programme', 'Every student gets a mentor.']);
  });

  it('passes on why a document is unreadable, from inside its process', async () => {
    await expect(
      extractSections(Buffer.from('%PDF-1.4\nnot really a pdf'), 'application/pdf', LIMITS),
    ).rejects.toEqual(
      new UnreadableDocument('The PDF could not be read (damaged, or protected by a password).'),
    );
    await expect(
      extractSections(Buffer.from([0xff, 0xfe, 0x00]), 'text/plain', LIMITS),
    ).rejects.toBeInstanceOf(UnreadableDocument);
  });

  it('stops a document past the time limit, the event loop ticking all the while', async () => {
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 10);
    const started = Date.now();
    try {
      const outcome = extractSections(Buffer.from(SLOW_HTML), 'text/html', {
        ...LIMITS,
        parseTimeoutMs: 1_000,
      });
      await expect(outcome).rejects.toEqual(new UnreadableDocument(TOO_SLOW));
    } finally {
      clearInterval(ticking);
    }
    const elapsed = Date.now() - started;
    // The parse alone takes many seconds; its process is stopped at the limit.
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(5_000);
    // Parsing on this thread would have let no tick through until it ended.
    expect(ticks).toBeGreaterThan(elapsed / 10 / 3);
  });

  it('stops a document past the memory limit, while a small one reads within it', async () => {
    // At 64 MiB a worker thread's resourceLimits let this parse abort the whole process.
    for (const parseMemoryMb of [32, 64]) {
      await expect(
        extractSections(Buffer.from(LARGE_HTML), 'text/html', { ...LIMITS, parseMemoryMb }),
      ).rejects.toEqual(new UnreadableDocument(TOO_LARGE));
    }
    const tight = { ...LIMITS, parseMemoryMb: 32 };
    expect(await extractSections(Buffer.from('<p>Small.</p>'), 'text/html', tight)).toEqual([
      { heading: null, paragraphs: ['Small.'] },
    ]);
  });

  it('reads a page’s title from its head alone', () => {
    expect(htmlTitle(Buffer.from('<html><head><title> Opening\n hours </title></head>'))).toBe(
      'Opening hours',
    );
    expect(htmlTitle(Buffer.from('<p>No title here</p>'))).toBeUndefined();
  });
});
