import type { KnowledgePassage } from '../model-output';

/** Words too common to tell sentences apart. */
const COMMON = new Set(
  'a an and are as at be by can do does for from has have how i in is it its me my of on or our so that the their this to was we what when where which who why will with you your'.split(
    ' ',
  ),
);
const SENTENCES_QUOTED = 2;

/**
 * How the offline demo model answers from the passages it is given: it quotes the sentences of
 * the best passage (the first, as retrieval ranks them) that share most words with the question
 * (two at most, in their order), and names the document. No passage, no answer (the caller falls back).
 */
export function answerFromPassages(
  passages: readonly KnowledgePassage[],
  question: string,
): string | undefined {
  const best = passages[0];
  if (!best) return undefined;
  const wanted = new Set(wordsOf(question));
  const sentences = best.content.split(/(?<=[.!?])\s+/).filter((sentence) => sentence.trim());
  const ranked = sentences
    .map((sentence, index) => ({
      index,
      sentence,
      score: wordsOf(sentence).filter((word) => wanted.has(word)).length,
    }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
  // The sentences that share a word with the question; without any, the passage's opening.
  const quoted = (ranked[0]?.score ? ranked.filter((item) => item.score > 0) : ranked)
    .slice(0, SENTENCES_QUOTED)
    .sort((a, b) => a.index - b.index);
  const where = best.heading ? `${best.title} (${best.heading})` : best.title;
  return `From ${where}: ${quoted.map((item) => item.sentence.trim()).join(' ')}`;
}

/** Lowercased words without the common ones, crudely singular, so that "refunds" meets "refund". */
function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((word) => !COMMON.has(word))
    .map((word) => (word.length > 3 ? word.replace(/(?:es|s)$/, '') : word));
}
