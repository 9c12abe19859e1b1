import { appendFinishedBlocks, BLOCKS_PER_SECTION } from './reply-sections';

describe('appendFinishedBlocks', () => {
  it('groups blocks in sections of a bounded size, in order', () => {
    const container = document.createElement('div');
    const total = BLOCKS_PER_SECTION * 3 + 3;
    for (let i = 0; i < total; i += 3) {
      appendFinishedBlocks(container, `<p>${i}</p><p>${i + 1}</p><p>${i + 2}</p>`);
    }
    const sections = Array.from(container.children);
    expect(sections.every((s) => s.classList.contains('reply-section'))).toBe(true);
    expect(sections.length).toBe(4);
    expect(sections.every((s) => s.childElementCount <= BLOCKS_PER_SECTION + 2)).toBe(true);
    expect(sections.map((s) => s.classList.contains('settled'))).toEqual([true, true, false, false]);
    const texts = Array.from(container.querySelectorAll('p'), (p) => Number(p.textContent));
    expect(texts).toEqual(Array.from({ length: total }, (_, i) => i));
  });

  it('adds nothing for an empty batch', () => {
    const container = document.createElement('div');
    appendFinishedBlocks(container, '');
    expect(container.childElementCount).toBe(0);
  });
});
