import { loadMarkdown, markdownRenderer } from './markdown-loader';

describe('loadMarkdown: the reply renderer, loaded once on demand', () => {
  it('is absent until asked for, then loaded once and published as a signal', async () => {
    expect(markdownRenderer()).toBeNull();
    const first = loadMarkdown();
    expect(loadMarkdown()).toBe(first);
    const renderer = await first;
    expect(markdownRenderer()).toBe(renderer);
    expect(renderer.renderMarkdown('**bold** <img src=x onerror="alert(1)">')).toBe(
      '<p><strong>bold</strong> </p>\n',
    );
  });
});
