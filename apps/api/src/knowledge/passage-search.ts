import { type SQL, sql } from 'drizzle-orm';
import { knowledgePassages, knowledgeSources } from '../database/schema';

/** A passage as retrieval answers it: what the model reads and what the `sources` event names. */
export interface RetrievedPassage {
  id: string;
  source_id: string;
  title: string;
  url: string | null;
  heading: string | null;
  content: string;
  score: number;
}

/**
 * Matches a question ranks at most, about: its words are searched rarest first (by the
 * assistant's `knowledge_terms`), adding words while their passages stay within this, so that a
 * common word does not make it rank thousands of passages (the rarest word is searched whatever
 * its count). Ranking then weighs every word of the question.
 */
export const MAX_CANDIDATES = 400;

/**
 * The question as two `tsquery`s, worked out once (`offset 0` keeps the planner from folding
 * them into the scan, where it would skip the GIN index and build them again for every
 * passage): `query`, its words (English stemming, stop words dropped) joined by OR, which
 * ranks; and `candidates`, its rarer words, which the GIN index matches.
 */
function questionQueries(assistantId: SQL, question: SQL): SQL {
  return sql`(
    select nullif(replace(plainto_tsquery('english', ${question})::text, ' & ', ' | '), '')::tsquery as query,
      (select nullif(replace(plainto_tsquery('simple', string_agg(lexeme, ' '))::text, ' & ', ' | '), '')::tsquery
       from (
         select lexeme, row_number() over w as n, sum(sum(passages)) over w as running
         from knowledge_terms
         where assistant_id = ${assistantId}
           and lexeme = any (tsvector_to_array(to_tsvector('english', ${question})))
         group by lexeme
         window w as (order by sum(passages), lexeme)
       ) words
       where n = 1 or running <= ${MAX_CANDIDATES}) as candidates
    offset 0
  )`;
}

/**
 * The search as SQL you can read: the passages holding the question's rarer words, ranked by
 * cover density over all its words (`ts_rank_cd`: more of the words, closer together, in the
 * heading rather than the text). A question with no searchable word (only stop words), or none
 * the assistant's knowledge holds, finds nothing. `assistant_id` keeps to the assistant's own.
 *
 * A subquery answering a JSON array of {@link RetrievedPassage}, best first (null when none), so
 * that the turn's one statement can carry it (`SessionRepository.beginTurn`).
 */
export function passageSearchJson(assistantId: SQL, question: SQL, limit: number): SQL {
  // The search runs only for an assistant that has passages: for one without, the probe of the
  // assistant index is all it costs (a bare search would scan the GIN matches of every assistant).
  return sql`(case when exists (select 1 from ${knowledgePassages} where assistant_id = ${assistantId}) then (
    select json_agg(json_build_object('id', p.id, 'source_id', p.source_id, 'title', s.title, 'url', s.url,
             'heading', p.heading, 'content', p.content, 'score', best.score) order by best.score desc, p.position)
    from (
      -- Ranked narrow (id and score), read whole only for the few kept.
      select p.id, ts_rank_cd(p.search, q.query) as score
      from ${knowledgePassages} p, ${questionQueries(assistantId, question)} q
      where p.assistant_id = ${assistantId} and p.search @@ q.candidates
      order by score desc, p.position
      limit ${limit}
    ) best
    join ${knowledgePassages} p on p.id = best.id
    join ${knowledgeSources} s on s.id = p.source_id
  ) end)`;
}

/** Ranks each list contributes to the fusion: a passage far down either list adds little. */
export const HYBRID_CANDIDATES = 20;
/** Reciprocal rank fusion's constant (Cormack et al.): a passage scores Σ 1 / (k + rank). */
const RRF_K = 60;

/**
 * Hybrid retrieval as one statement: the best full-text matches and the nearest embeddings (of
 * `model`, cosine similarity at least `minSimilarity`), each list ranked, fused by reciprocal
 * rank (a passage in both lists, high in each, comes first). Answers the same JSON array as
 * {@link passageSearchJson}, `score` being the fused score. The vector list is an exact scan of
 * the assistant's embeddings (its btree narrows them): at most 10,000 per assistant.
 */
export function hybridSearchJson(
  assistantId: string,
  question: string,
  embedding: readonly number[],
  model: string,
  minSimilarity: number,
  limit: number,
): SQL {
  const vector = `[${embedding.join(',')}]`;
  return sql`(
    with text_hits as (
      select p.id, row_number() over (order by ts_rank_cd(p.search, q.query) desc, p.position) as rank
      from ${knowledgePassages} p, ${questionQueries(sql`${assistantId}`, sql`${question}`)} q
      where p.assistant_id = ${assistantId} and p.search @@ q.candidates
      order by rank limit ${HYBRID_CANDIDATES}
    ),
    vector_hits as (
      select e.passage_id as id, row_number() over (order by e.embedding <=> ${vector}::vector) as rank
      from knowledge_embeddings e
      where e.assistant_id = ${assistantId} and e.model = ${model}
        and e.embedding <=> ${vector}::vector <= ${1 - minSimilarity}
      order by rank limit ${HYBRID_CANDIDATES}
    ),
    fused as (
      select id, sum(1.0 / (${RRF_K} + rank))::float8 as score
      from (select * from text_hits union all select * from vector_hits) hits
      group by id order by score desc limit ${limit}
    )
    select json_agg(json_build_object('id', p.id, 'source_id', p.source_id, 'title', s.title, 'url', s.url,
             'heading', p.heading, 'content', p.content, 'score', fused.score) order by fused.score desc, p.position)
    from fused
    join ${knowledgePassages} p on p.id = fused.id
    join ${knowledgeSources} s on s.id = p.source_id
  )`;
}

/** What the `sources` event shows of a passage: its start, cut at a word. */
export function snippetOf(content: string, maxChars = 200): string {
  if (content.length <= maxChars) return content;
  const cut = content.lastIndexOf(' ', maxChars);
  return `${content.slice(0, cut > maxChars / 2 ? cut : maxChars)}…`;
}
