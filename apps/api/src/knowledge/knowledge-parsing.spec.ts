import { minimalPdf } from '@chat/test-support';
import { htmlSections, markdownSections, parseSections } from './knowledge-parsing';
import { UnreadableDocument } from './knowledge-text';

describe('extracting a document’s text', () => {
  it('takes Markdown headings from # lines, and joins a paragraph’s lines', () => {
    const sections = markdownSections(
      'Intro line one\nline two\n\n# Plans\n\nPremium costs 49 euros.\n\nBasic is free.\n\n## Refunds ##\nWithin 14 days.\n',
    );
    expect(sections).toEqual([
      { heading: null, paragraphs: ['Intro line one line two'] },
      { heading: 'Plans', paragraphs: ['Premium costs 49 euros.', 'Basic is free.'] },
      { heading: 'Refunds', paragraphs: ['Within 14 days.'] },
    ]);
  });

  it('reads HTML with a real parser, dropping scripts, styles, navigation, header, footer and asides', () => {
    const sections = htmlSections(`<!doctype html><html><head><title>T</title>
      <style>p { color: red }</style><script>track("visitor")</script></head><body>
      <header>Site header</header><nav><a href="/">Home</a> <a href="/c">Courses</a></nav>
      <main><h1>Opening hours</h1><p>Open <b>Monday</b> to Friday,<br>8 to 18.</p>
      <aside>Related links</aside><noscript>Enable JavaScript</noscript>
      <h2>Contact</h2><ul><li>Phone: 555 0100</li><li>Email: desk@example.com</li></ul></main>
      <footer>Copyright</footer></body></html>`);
    expect(sections).toEqual([
      { heading: 'Opening hours', paragraphs: ['Open Monday to Friday, 8 to 18.'] },
      { heading: 'Contact', paragraphs: ['Phone: 555 0100', 'Email: desk@example.com'] },
    ]);
    const text = JSON.stringify(sections);
    for (const junk of [
      'track',
      'color',
      'Courses',
      'Site header',
      'Related',
      'JavaScript',
      'Copyright',
    ])
      expect(text).not.toContain(junk);
  });

  it('reads the text of a real PDF', async () => {
    const pdf = minimalPdf(['Mentoring programme', 'Every student gets a personal mentor.']);
    const sections = await parseSections(pdf, 'application/pdf');
    expect(sections.flatMap((section) => section.paragraphs)).toEqual([
      'Mentoring programme',
      'Every student gets a personal mentor.',
    ]);
  });

  it('says why a damaged PDF cannot be read', async () => {
    await expect(
      parseSections(Buffer.from('%PDF-1.4\nnot really a pdf'), 'application/pdf'),
    ).rejects.toBeInstanceOf(UnreadableDocument);
  });
});
