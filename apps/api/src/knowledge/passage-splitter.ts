import type { DocumentSection } from './knowledge-text';

/** A piece of a document small enough to give the model, with the heading it sits under. */
export interface Passage {
  position: number;
  heading: string | null;
  content: string;
}

export interface SplitOptions {
  /** The passage size aimed at (characters); a passage is never longer. */
  targetChars: number;
  /** How much of the end of a passage the next one repeats, so that a fact cut in two is whole in one of them. */
  overlapChars: number;
}

export const DEFAULT_SPLIT: SplitOptions = { targetChars: 800, overlapChars: 100 };

/**
 * Splits sections into passages: a passage never crosses a heading, gathers whole paragraphs up
 * to `targetChars`, and cuts a longer paragraph at sentence (else word) ends. Each passage after
 * the first of a section begins with the end of the one before (`overlapChars`, from a word
 * start). Stops after `maxPassages` and says so (`truncated`), so that a huge file costs no more.
 */
export function splitIntoPassages(
  sections: readonly DocumentSection[],
  maxPassages: number,
  options: SplitOptions = DEFAULT_SPLIT,
): { passages: Passage[]; truncated: boolean } {
  const passages: Passage[] = [];
  // Room for the overlap and the space that joins it.
  const pieceChars = Math.max(1, options.targetChars - options.overlapChars - 1);
  for (const { heading, paragraphs } of sections) {
    let current = '';
    /** Whether `current` holds text no passage has yet (beyond the overlap it starts with). */
    let unsaid = false;
    const emit = (): boolean => {
      if (passages.length === maxPassages) return false;
      passages.push({ position: passages.length, heading, content: current });
      return true;
    };
    for (const piece of paragraphs.flatMap((paragraph) => piecesOf(paragraph, pieceChars))) {
      const joined = current ? `${current}\n\n${piece}` : piece;
      if (joined.length > options.targetChars && unsaid) {
        if (!emit()) return { passages, truncated: true };
        const overlap = overlapOf(current, options.overlapChars);
        current = overlap ? `${overlap} ${piece}` : piece;
      } else {
        current = joined;
      }
      unsaid = true;
    }
    if (unsaid && !emit()) return { passages, truncated: true };
  }
  return { passages, truncated: false };
}

/** A paragraph in pieces of at most `maxChars`, cut after a sentence when one ends in time, else after a word. */
function piecesOf(paragraph: string, maxChars: number): string[] {
  const pieces: string[] = [];
  let rest = paragraph;
  while (rest.length > maxChars) {
    const window = rest.slice(0, maxChars + 1);
    const sentence = Math.max(
      window.lastIndexOf('. '),
      window.lastIndexOf('? '),
      window.lastIndexOf('! '),
    );
    const word = window.lastIndexOf(' ');
    const cut = sentence > maxChars / 2 ? sentence + 1 : word > 0 ? word : maxChars;
    pieces.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** The last `chars` characters of `text`, from the start of a word. */
function overlapOf(text: string, chars: number): string {
  if (chars <= 0) return '';
  const tail = text.slice(-chars);
  const space = tail.search(/\s/);
  return (space >= 0 ? tail.slice(space) : tail).trim();
}
