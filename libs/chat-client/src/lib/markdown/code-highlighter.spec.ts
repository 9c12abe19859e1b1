import { renderMarkdown } from './markdown-html';
import { loadHighlighter } from './code-highlighter';

const PYTHON = '```python\ndef signal(prices):\n    return prices[-1] > "<b>"\n```\n';

describe('code highlighting, loaded on the first code block', () => {
  it('draws code escaped until highlight.js arrives, then colours the drawn blocks in place and new ones at once', async () => {
    const before = renderMarkdown(PYTHON);
    expect(before).not.toContain('hljs-keyword');
    expect(before).toContain('&lt;b&gt;');
    document.body.innerHTML = `<div class="markdown">${before}</div>`;

    await loadHighlighter();
    const code = document.querySelector('pre code') as HTMLElement;
    expect(code.querySelector('.hljs-keyword')?.textContent).toBe('def');
    expect(code.classList.contains('hljs-pending')).toBe(false);
    expect(code.querySelector('b')).toBeNull();
    expect(code.textContent).toBe('def signal(prices):\n    return prices[-1] > "<b>"\n');

    expect(renderMarkdown(PYTHON)).toContain('<span class="hljs-keyword">def</span>');
  });

  it('leaves a language it does not know as plain text', async () => {
    await loadHighlighter();
    const html = renderMarkdown('```cobol\nDISPLAY "HI".\n```\n');
    expect(html).toContain('<code class="hljs">DISPLAY "HI".');
  });
});
