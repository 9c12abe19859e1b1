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
 * The search as SQL you can read: the question's words (English stemming, stop words dropped)
 * joined by OR, so that a passage matching some of them is found, ranked by cover density
 * (`ts_rank_cd`: more of the words, closer together, in the heading rather than the text). A
 * question with no searchable word (only stop words) finds nothing. The GIN index on `search`
 * answers the `@@`; `assistant_id` keeps to the assistant's own passages.
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
      from ${knowledgePassages} p,
      (select nullif(replace(plainto_tsquery('english', ${question})::text, ' & ', ' | '), '')::tsquery as query) q
      where p.assistant_id = ${assistantId} and p.search @@ q.query
      order by score desc, p.position
      limit ${limit}
    ) best
    join ${knowledgePassages} p on p.id = best.id
    join ${knowledgeSources} s on s.id = p.source_id
  ) end)`;
}

/** What the `sources` event shows of a passage: its start, cut at a word. */
export function snippetOf(content: string, maxChars = 200): string {
  if (content.length <= maxChars) return content;
  const cut = content.lastIndexOf(' ', maxChars);
  return `${content.slice(0, cut > maxChars / 2 ? cut : maxChars)}…`;
}
