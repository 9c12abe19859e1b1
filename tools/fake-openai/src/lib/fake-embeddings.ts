/**
 * Deterministic embeddings for tests and the bench: a hashed bag of words. Each word (lower
 * case, a plural's or a verb form's ending trimmed, a few synonyms read as one word, as a real
 * model would) and each of its three-letter pieces add to a coordinate chosen by hash, and the
 * vector is scaled to length 1. Texts that share words, synonyms or parts of words ("refund",
 * "reimbursed", "refnud") point the same way, so cosine similarity ranks as a crude semantic
 * model would, with no model weights: what full-text search misses, it can find.
 */

export const FAKE_EMBEDDING_DIMENSIONS = 256;

const STOP_WORDS = new Set(
  'a an and are as at be by can do does for from how i if in is it my of on or our so than that the their this to was we what when where which who will with you your'.split(
    ' ',
  ),
);

/** Words a model knows mean the same, by their trimmed form. */
const SYNONYMS: Record<string, string> = {
  reimburs: 'refund',
  reimbursement: 'refund',
  repay: 'refund',
  cost: 'price',
  pric: 'price',
  fee: 'price',
  charg: 'price',
  helpdesk: 'support',
  assistance: 'support',
  deliver: 'ship',
  delivery: 'ship',
  shipp: 'ship',
  postage: 'ship',
  terminat: 'cancel',
  quit: 'cancel',
  subscription: 'plan',
  tier: 'plan',
};

function stem(word: string): string {
  let trimmed = word;
  for (const ending of ['ing', 'ed', 'es', 's']) {
    if (word.length > ending.length + 2 && word.endsWith(ending)) {
      trimmed = word.slice(0, -ending.length);
      break;
    }
  }
  return SYNONYMS[trimmed] ?? trimmed;
}

/** 32-bit FNV-1a, then MurmurHash3's finaliser: FNV's low bits alone collide too often. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function add(vector: Float32Array, feature: string, weight: number): void {
  const h = hash(feature);
  vector[h % vector.length] += h & 0x80000000 ? -weight : weight;
}

export function fakeEmbedding(text: string, dimensions = FAKE_EMBEDDING_DIMENSIONS): Float32Array {
  const vector = new Float32Array(dimensions);
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (STOP_WORDS.has(raw)) continue;
    const word = stem(raw);
    add(vector, `w:${word}`, 1);
    for (let i = 0; i + 3 <= word.length; i++) add(vector, `t:${word.slice(i, i + 3)}`, 0.5);
  }
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] /= norm;
  return vector;
}

/**
 * The body of `POST /v1/embeddings` for `body` (OpenAI's shape: `input` a string or strings,
 * `encoding_format` `float` or `base64`, which the official SDK asks for by default), or an
 * error message for a request OpenAI would refuse with 400.
 */
export function embeddingsBody(body: any): { body: string } | { error: string } {
  // eslint-disable-line @typescript-eslint/no-explicit-any
  const input: unknown = body?.input;
  const texts = typeof input === 'string' ? [input] : input;
  if (
    !Array.isArray(texts) ||
    texts.length === 0 ||
    texts.length > 2048 ||
    !texts.every((t) => typeof t === 'string' && t.length > 0)
  ) {
    return {
      error: "'input' must be a non-empty string or an array of 1 to 2048 non-empty strings.",
    };
  }
  if (typeof body.model !== 'string' || body.model.length === 0)
    return { error: "'model' is required." };
  const dimensions = body.dimensions ?? FAKE_EMBEDDING_DIMENSIONS;
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 4096)
    return { error: "'dimensions' must be an integer from 1 to 4096." };
  const base64 = body.encoding_format === 'base64';
  const data = (texts as string[]).map((text, index) => {
    const vector = fakeEmbedding(text, dimensions);
    return {
      object: 'embedding',
      index,
      embedding: base64
        ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64')
        : Array.from(vector),
    };
  });
  const tokens = (texts as string[]).reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
  return {
    body: JSON.stringify({
      object: 'list',
      data,
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    }),
  };
}
