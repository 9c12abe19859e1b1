import { loadHighlighter } from './code-highlighter';
import { renderMarkdown } from './markdown-html';
import { closeOpenFence, MAX_CHARACTERS_PER_UPDATE, StreamingMarkdown } from './streaming-markdown';

const REPLY = [
  '# Momentum',
  '',
  'Momentum trading **follows** trends. See [the guide](https://example.com/guide).',
  '',
  '- buy strength',
  '- sell weakness',
  '',
  '```python',
  'def signal(prices):',
  '    return prices[-1] > prices[-20]',
  '```',
  '',
  '| Term | Meaning |',
  '| --- | --- |',
  '| RSI | Relative strength |',
  '',
  'That is all.',
].join('\n');

describe('StreamingMarkdown', () => {
  // The highlighter loads on the first code block; these tests read highlighted HTML at once.
  beforeAll(() => loadHighlighter());

  it('renders the same HTML streamed piece by piece as rendered whole', () => {
    const renderer = new StreamingMarkdown();
    const container = document.createElement('div');
    for (let end = 1; end <= REPLY.length; end += 7) {
      const update = renderer.update(REPLY.slice(0, end));
      container.insertAdjacentHTML('beforeend', update.finishedBlocks.join(''));
    }
    const html = renderer.finish(REPLY);
    expect(html).toBe(renderMarkdown(REPLY));
    expect(html).toContain('<h1>Momentum</h1>');
    expect(html).toContain('<table>');
    expect(html).toContain('class="hljs language-python"');
    expect(html).toContain('<span class="hljs-keyword">def</span>');
  });

  it('re-renders only the unfinished last block', () => {
    const renderer = new StreamingMarkdown();
    const first = renderer.update('First paragraph.\n\nSecond para');
    expect(first.finishedBlocks.join('')).toContain('First paragraph.');
    expect(first.tail).toBe('<p>Second para</p>\n');
    const second = renderer.update('First paragraph.\n\nSecond paragraph grows');
    expect(second.finishedBlocks).toEqual([]);
    expect(second.tail).toBe('<p>Second paragraph grows</p>\n');
  });

  it('shows a half-written code block as code, not as text', () => {
    const renderer = new StreamingMarkdown();
    const { tail } = renderer.update('Here:\n\n```js\nconst a = 1;\nconst b');
    expect(tail).toContain('<pre><code class="hljs language-js">');
    expect(tail).toMatch(/const<\/span> b/);
    expect(tail).not.toContain('```');
  });

  it('makes links open safely in a new tab', () => {
    const html = renderMarkdown('[guide](https://example.com)');
    expect(html).toContain('target="_blank"');
    expect(html).toContain('rel="noopener noreferrer"');
  });

  it('renders hostile HTML and links inert', () => {
    const html = renderMarkdown(
      [
        '<img src=x onerror="window.__pwned=1">',
        '<script>window.__pwned=1</script>',
        '[click](javascript:window.__pwned=1)',
        '<a href="javascript:alert(1)">x</a> <iframe src="https://evil.example"></iframe>',
        '<div onclick="alert(1)" style="position:fixed">y</div>',
      ].join('\n\n'),
    );
    expect(html).not.toMatch(/onerror|onclick|<script|javascript:|<iframe|style=/i);
  });
});

describe('closeOpenFence', () => {
  it('closes an open fence and leaves closed ones alone', () => {
    expect(closeOpenFence('```ts\nconst a')).toBe('```ts\nconst a\n```\n');
    expect(closeOpenFence('~~~~\nx\n')).toBe('~~~~\nx\n~~~~\n');
    expect(closeOpenFence('```\na\n```\ntext')).toBe('```\na\n```\ntext');
    expect(closeOpenFence('inline ```code``` only')).toBe('inline ```code``` only');
  });
});

describe('StreamingMarkdown catching up with a long text', () => {
  const long = Array.from(
    { length: 400 },
    (_, i) => `Paragraph ${i} about **risk** and [sizing](https://example.com/${i}).`,
  ).join('\n\n');

  it('draws it a bounded slice per update, to the same HTML as rendered whole', () => {
    const renderer = new StreamingMarkdown();
    let html = '';
    let updates = 0;
    let update;
    do {
      update = renderer.update(long);
      html += update.finishedBlocks.join('');
      updates++;
    } while (update.behind);
    expect(updates).toBeGreaterThanOrEqual(Math.floor(long.length / MAX_CHARACTERS_PER_UPDATE));
    expect(html + update.tail).toBe(renderMarkdown(long));
  });

  it('draws a single block longer than the budget whole', () => {
    const code = '```\n' + 'x = 1\n'.repeat(3000) + '```\n\nAfter.';
    const renderer = new StreamingMarkdown();
    const first = renderer.update(code);
    expect(first.behind).toBe(false);
    expect(first.finishedBlocks.join('') + first.tail).toBe(renderMarkdown(code));
  });

  it('finishes with the whole reply even when updates were behind', () => {
    const renderer = new StreamingMarkdown();
    expect(renderer.update(long).behind).toBe(true);
    expect(renderer.finish(long)).toBe(renderMarkdown(long));
  });
});
