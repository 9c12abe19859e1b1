import { appendCursor } from './cursor';

describe('appendCursor', () => {
  const withCursor = (html: string) => {
    const container = document.createElement('div');
    container.innerHTML = html;
    appendCursor(container);
    return container.innerHTML;
  };
  const CURSOR = '<span class="cursor" aria-hidden="true"></span>';

  it('goes after the last text, not into an element the text went past', () => {
    expect(withCursor('<p>Use <code>git</code> and then push</p>')).toBe(
      `<p>Use <code>git</code> and then push${CURSOR}</p>`,
    );
    expect(withCursor('<ul><li>one</li><li>two <em>2</em> more</li></ul>\n')).toBe(
      `<ul><li>one</li><li>two <em>2</em> more${CURSOR}</li></ul>\n`,
    );
  });

  it('goes into the element that ends the text', () => {
    expect(withCursor('<p>It <strong>follows</strong></p>')).toBe(
      `<p>It <strong>follows${CURSOR}</strong></p>`,
    );
    expect(withCursor('<pre><code>let a = 1\n</code></pre>')).toBe(
      `<pre><code>let a = 1\n${CURSOR}</code></pre>`,
    );
  });

  it('skips trailing whitespace and elements that hold no text', () => {
    expect(withCursor('<p>Line one<br></p>\n')).toBe(`<p>Line one<br>${CURSOR}</p>\n`);
    expect(withCursor('')).toBe(CURSOR);
  });
});
