import { renderedText, renderMarkdown } from './markdown-html';

/** The elements of rendered HTML, parsed as the browser would. */
function render(markdown: string): HTMLElement {
  const root = document.createElement('div');
  root.innerHTML = renderMarkdown(markdown);
  return root;
}

describe('renderMarkdown: nothing in a reply loads from elsewhere or reaches back', () => {
  it('shows an image as its description, never loads it', () => {
    const root = render('A pixel: ![tracking pixel](https://leak.example/p.png?leak=secret) and <img src="https://leak.example/i.png">');
    expect(root.querySelector('img')).toBeNull();
    expect(root.textContent).toContain('[tracking pixel]');
    expect(root.innerHTML).not.toContain('leak.example');
  });

  it('drops media, pictures, vector images and remote backgrounds', () => {
    const root = render(
      [
        '<video poster="https://leak.example/poster.png" src="https://leak.example/v.mp4"></video>',
        '<audio src="https://leak.example/a.mp3" autoplay></audio>',
        '<picture><source srcset="https://leak.example/s.png"></picture>',
        '<svg><image href="https://leak.example/svg.png"></image></svg>',
        '<table background="https://leak.example/bg.png"><tr><td background="https://leak.example/td.png">cell</td></tr></table>',
        '<link rel="stylesheet" href="https://leak.example/s.css"><base href="https://leak.example/">',
      ].join('\n\n'),
    );
    expect(root.innerHTML).not.toContain('leak.example');
    expect(root.querySelector('video, audio, picture, source, svg, image, link, base')).toBeNull();
    expect(root.textContent).toContain('cell');
  });

  it('keeps https, mailto and relative links, each opening apart from the chat; drops the others', () => {
    const root = render(
      '[safe](https://example.com/guide) [mail](mailto:team@example.com) [here](/pricing) ' +
        '[plain](http://insecure.example/) [script](javascript:alert(1)) [data](data:text/html,hi)',
    );
    const links = Array.from(root.querySelectorAll('a')).map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('rel')]);
    expect(links).toEqual([
      ['safe', 'https://example.com/guide', 'noopener noreferrer'],
      ['mail', 'mailto:team@example.com', 'noopener noreferrer'],
      ['here', '/pricing', 'noopener noreferrer'],
      ['plain', null, null],
      ['script', null, null],
      ['data', null, null],
    ]);
  });

  it('gives an image map area the rel of a link', () => {
    const root = render('<map name="m"><area shape="rect" coords="0,0,9,9" href="https://example.com/" target="_self"></map>');
    const area = root.querySelector('area');
    expect(area?.getAttribute('target')).toBe('_blank');
    expect(area?.getAttribute('rel')).toBe('noopener noreferrer');
  });
});

describe('renderedText: what a screen reader hears of a reply', () => {
  it('is the text of the sanitised rendering: no markup, no source of tags', () => {
    const text = renderedText(
      '## Title\n\nSome **bold** text <img src=x onerror="alert(1)"> and <script>alert(2)</script>[a link](https://example.com).\n\n- one\n- two',
      600,
    );
    expect(text).toBe('Title Some bold text and a link. one two');
  });

  it('shows an image by its description and cuts a long reply', () => {
    expect(renderedText('See ![the chart](https://leak.example/c.png)', 600)).toBe('See [the chart]');
    const long = renderedText(`${'word '.repeat(400)}`, 50);
    expect(long).toHaveLength(51);
    expect(long.endsWith('…')).toBe(true);
  });
});
