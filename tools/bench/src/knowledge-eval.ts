/**
 * The knowledge evaluation set (`tools/bench/knowledge-eval`): a small business's documents and
 * visitors' questions, each with a phrase of the one passage that answers it; the ranking
 * figures of a run over it; and the synthetic documents that fill an assistant to its limit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface EvalDocument {
  name: string;
  bytes: Buffer;
}

export interface EvalQuestion {
  question: string;
  /** A phrase found in exactly one passage: the one that answers the question. */
  expect: string;
}

export interface EvalSet {
  documents: EvalDocument[];
  questions: EvalQuestion[];
}

export const EVAL_DIR = path.resolve(__dirname, '../knowledge-eval');

/**
 * Reads the set and refuses one whose phrases do not each name one document (the API's spec
 * `knowledge-eval-set.spec.ts` also checks one passage, with the job's own splitter).
 */
export function loadEvalSet(dir = EVAL_DIR): EvalSet {
  const documentsDir = path.join(dir, 'documents');
  const documents = readdirSync(documentsDir)
    .sort()
    .map((name) => ({ name, bytes: readFileSync(path.join(documentsDir, name)) }));
  const { questions } = JSON.parse(readFileSync(path.join(dir, 'questions.json'), 'utf8')) as {
    questions: EvalQuestion[];
  };
  const problems = questions.flatMap(({ expect }) => {
    const found = documents.filter((d) => d.bytes.toString('utf8').includes(expect)).length;
    return found === 1 ? [] : [`"${expect}" is in ${found} documents`];
  });
  if (problems.length > 0)
    throw new Error(`The evaluation set is ambiguous: ${problems.join('; ')}`);
  return { documents, questions };
}

/** How well a ranking found the expected passages over a set of questions. */
export interface RankingFigures {
  questions: number;
  /** Share of questions whose passage is first. */
  recallAt1: number;
  /** Share whose passage is among the top 4 (what a turn gives the model). */
  recallAt4: number;
  /** Mean of 1 / rank (0 when not returned). */
  mrr: number;
  /** The questions whose passage was not in the top 4. */
  missed: string[];
}

/** Figures from each question's returned passages (best first), judged by its phrase. */
export function rankingFigures(
  questions: readonly EvalQuestion[],
  returned: readonly (readonly string[])[],
): RankingFigures {
  const ranks = questions.map(
    ({ expect }, i) => returned[i].findIndex((content) => content.includes(expect)) + 1,
  );
  const share = (ok: (rank: number) => boolean) => ranks.filter(ok).length / questions.length;
  return {
    questions: questions.length,
    recallAt1: share((rank) => rank === 1),
    recallAt4: share((rank) => rank >= 1 && rank <= 4),
    mrr: ranks.reduce((sum, rank) => sum + (rank ? 1 / rank : 0), 0) / questions.length,
    missed: questions.filter((_, i) => !(ranks[i] >= 1 && ranks[i] <= 4)).map((q) => q.question),
  };
}

/** A deterministic pseudo-random source (mulberry32), so every run indexes the same text. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Words drawn with Zipf-like frequencies (the word of rank r with weight 1 / r): the evaluation
 * documents' own words first, most frequent first, then made-up ones, so that the visitors'
 * questions match many synthetic passages, as they would in a large real knowledge base.
 */
function zipfWords(set: EvalSet, extra: number, next: () => number): () => string {
  const counts = new Map<string, number>();
  for (const { bytes } of set.documents)
    for (const word of bytes
      .toString('utf8')
      .toLowerCase()
      .match(/[a-z]{3,}/g) ?? [])
      counts.set(word, (counts.get(word) ?? 0) + 1);
  const syllables = ['ka', 'lo', 'mer', 'tin', 'sa', 'vo', 'ren', 'di', 'qua', 'bel'];
  const made = Array.from({ length: extra }, (_, i) =>
    [i % 10, Math.floor(i / 10) % 10, Math.floor(i / 100) % 10].map((s) => syllables[s]).join(''),
  );
  const vocabulary = [...[...counts].sort((a, b) => b[1] - a[1]).map(([word]) => word), ...made];
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= vocabulary.length; rank++) cumulative.push((total += 1 / rank));
  return () => {
    const target = next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo];
  };
}

/**
 * `passages` passages of synthetic Markdown split into files of at most `perFile` sections: each
 * section a `##` heading of three words and one paragraph of 20 to 40, short enough to be one
 * passage, so the assistant ends with exactly as many passages as asked.
 */
export function syntheticDocuments(
  set: EvalSet,
  passages: number,
  perFile: number,
): EvalDocument[] {
  const next = random(20_261_207);
  const word = zipfWords(set, 1000, next);
  const words = (n: number) => Array.from({ length: n }, word).join(' ');
  const files: EvalDocument[] = [];
  for (let start = 0; start < passages; start += perFile) {
    const sections: string[] = [`# Archive ${files.length + 1}`];
    // The title line starts no passage of its own: the first section follows it directly.
    for (let i = start; i < Math.min(passages, start + perFile); i++)
      sections.push(`## ${words(3)} ${i}`, `${words(20 + Math.floor(next() * 21))}.`);
    files.push({
      name: `archive-${files.length + 1}.md`,
      bytes: Buffer.from(sections.join('\n\n') + '\n'),
    });
  }
  return files;
}
