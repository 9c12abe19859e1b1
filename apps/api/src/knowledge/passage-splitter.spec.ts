import { splitIntoPassages } from './passage-splitter';

const sentence = (n: number) => `Sentence number ${n} says something about the plan.`;

describe('splitIntoPassages', () => {
  it('keeps short sections whole, one passage each, under their heading', () => {
    const { passages, truncated } = splitIntoPassages(
      [
        { heading: null, paragraphs: ['Welcome.'] },
        { heading: 'Plans', paragraphs: ['Premium costs 49 euros.', 'Basic is free.'] },
      ],
      10,
    );
    expect(truncated).toBe(false);
    expect(passages).toEqual([
      { position: 0, heading: null, content: 'Welcome.' },
      { position: 1, heading: 'Plans', content: 'Premium costs 49 euros.\n\nBasic is free.' },
    ]);
  });

  it('cuts long text into passages of at most the target, each starting with the end of the one before', () => {
    const paragraphs = Array.from({ length: 8 }, (_, p) =>
      Array.from({ length: 5 }, (_, s) => sentence(p * 5 + s)).join(' '),
    );
    const { passages } = splitIntoPassages([{ heading: 'Long', paragraphs }], 100);
    expect(passages.length).toBeGreaterThan(2);
    for (const passage of passages) {
      expect(passage.content.length).toBeLessThanOrEqual(800);
      expect(passage.heading).toBe('Long');
    }
    for (let i = 1; i < passages.length; i++) {
      const overlap = passages[i].content.slice(0, 60);
      expect(passages[i - 1].content).toContain(overlap.slice(0, overlap.lastIndexOf(' ')));
    }
    // Nothing is lost: every sentence is in some passage.
    const all = passages.map((passage) => passage.content).join(' ');
    for (let n = 0; n < 40; n++) expect(all).toContain(sentence(n));
  });

  it('cuts a paragraph longer than a passage at sentence ends, or at words', () => {
    const long = Array.from({ length: 40 }, (_, n) => sentence(n)).join(' ');
    const { passages } = splitIntoPassages([{ heading: null, paragraphs: [long] }], 100, {
      targetChars: 300,
      overlapChars: 50,
    });
    expect(passages.every((passage) => passage.content.length <= 300)).toBe(true);
    const words = splitIntoPassages([{ heading: null, paragraphs: ['word '.repeat(200)] }], 100, {
      targetChars: 100,
      overlapChars: 0,
    }).passages;
    expect(words.every((passage) => /^(word ?)+$/.test(passage.content))).toBe(true);
  });

  it('stops at the bound and says the document was cut', () => {
    const paragraphs = Array.from({ length: 100 }, (_, n) => `${sentence(n)} `.repeat(10));
    const { passages, truncated } = splitIntoPassages([{ heading: null, paragraphs }], 5);
    expect(passages).toHaveLength(5);
    expect(truncated).toBe(true);
  });
});
