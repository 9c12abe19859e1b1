import { Injectable } from '@nestjs/common';
import { and, desc, eq, sql } from 'drizzle-orm';
import type {
  KnowledgeMediaType,
  KnowledgeSourceKind,
  KnowledgeSourceSummary,
} from '@chat/contracts';
import { ApiError } from '../common/api-error';
import { type Database, DatabaseConnection, rowsOf } from '../database/database';
import {
  assistants,
  knowledgePassages,
  knowledgeSources,
  knowledgeTerms,
} from '../database/schema';
import type { Passage } from './passage-splitter';
import { passageSearchJson, type RetrievedPassage } from './passage-search';

/** A source an instance has claimed for processing: `attempt` fences its outcome against a later claim. */
export interface SourceClaim {
  id: string;
  assistantId: string;
  kind: KnowledgeSourceKind;
  /** A web page's address, fetched by the job (its content is `null` until then). */
  url: string | null;
  mediaType: KnowledgeMediaType;
  content: Buffer;
  attempt: number;
}

/** What the job learnt of a source's content: a web page's, known only once fetched. */
export interface ProcessedContent {
  mediaType: KnowledgeMediaType;
  bytes: number;
  title?: string;
}

export type NewSource = {
  assistantId: string;
  title: string;
  createdBy: string;
} & (
  | { kind: 'file'; mediaType: KnowledgeMediaType; content: Buffer }
  /** Fetched by the job; HTML until it says otherwise. */
  | { kind: 'url'; url: string }
);

export interface SourceLimits {
  maxSources: number;
  maxPassagesPerAssistant: number;
}

const noAssistant = () => new ApiError('not_found', 'No such assistant.');

/** Batches of passages per insert: far below the 65,535 parameters of a statement. */
const INSERT_BATCH = 500;

/**
 * The assistants' knowledge sources and their passages, stored as the product uses them: an
 * upload adds a `processing` source with its bytes, a worker claims it with a lease and settles
 * it (passages and `ready` in one transaction, or `failed` with a reason), staff list and delete,
 * and turns search the passages.
 */
@Injectable()
export class KnowledgeStore {
  private readonly db: Database;

  constructor(connection: DatabaseConnection) {
    this.db = connection.db;
  }

  /**
   * Adds a source to process, in one statement that locks the assistant (so concurrent uploads
   * count each other) and refuses one past the assistant's limits.
   */
  async add(source: NewSource, limits: SourceLimits): Promise<KnowledgeSourceSummary> {
    const id = crypto.randomUUID();
    const file = source.kind === 'file' ? source : undefined;
    const url = source.kind === 'url' ? source.url : null;
    const { rows } = await rowsOf<{
      known: boolean;
      archived: boolean;
      sources: number;
      passages: number;
      inserted: boolean;
    }>(
      this.db,
      sql`
      with target as (
        select id, archived_at from ${assistants} where id = ${source.assistantId} for update
      ),
      counts as (
        select count(*)::int as sources, coalesce(sum(passages), 0)::int as passages
        from ${knowledgeSources} where assistant_id = ${source.assistantId}
      ),
      inserted as (
        insert into ${knowledgeSources} (id, assistant_id, kind, title, url, media_type, bytes, content, created_by)
        select ${id}, target.id, ${source.kind}, ${source.title}, ${url}, ${file?.mediaType ?? 'text/html'},
               ${file?.content.length ?? 0}, ${file?.content ?? null}::bytea, ${source.createdBy}
        from target, counts
        where target.archived_at is null
          and counts.sources < ${limits.maxSources} and counts.passages < ${limits.maxPassagesPerAssistant}
        returning id
      )
      select exists (select 1 from target) as known,
             coalesce((select archived_at is not null from target), false) as archived,
             (select sources from counts) as sources, (select passages from counts) as passages,
             exists (select 1 from inserted) as inserted`,
    );
    const row = rows[0];
    if (!row?.known) throw noAssistant();
    if (row.archived) {
      throw new ApiError(
        'invalid_request',
        'This assistant is archived: its knowledge is read only.',
      );
    }
    if (!row.inserted) {
      throw new ApiError(
        'invalid_request',
        row.sources >= limits.maxSources
          ? `This assistant has ${row.sources} sources, the most it may have: delete one first.`
          : `This assistant has ${row.passages} passages, the most it may have: delete a source first.`,
      );
    }
    const summary = (await this.list(source.assistantId)).find((item) => item.id === id);
    if (!summary) throw noAssistant();
    return summary;
  }

  /** The assistant's sources, newest first; `404 not_found` for an unknown assistant. */
  async list(assistantId: string): Promise<KnowledgeSourceSummary[]> {
    const rows = await this.db
      .select({
        assistant: assistants.id,
        id: knowledgeSources.id,
        title: knowledgeSources.title,
        kind: knowledgeSources.kind,
        mediaType: knowledgeSources.mediaType,
        bytes: knowledgeSources.bytes,
        passages: knowledgeSources.passages,
        status: knowledgeSources.status,
        error: knowledgeSources.error,
        url: knowledgeSources.url,
        createdAt: knowledgeSources.createdAt,
        createdBy: knowledgeSources.createdBy,
        updatedAt: knowledgeSources.updatedAt,
      })
      .from(assistants)
      .leftJoin(knowledgeSources, eq(knowledgeSources.assistantId, assistants.id))
      .where(eq(assistants.id, assistantId))
      .orderBy(desc(knowledgeSources.createdAt));
    if (rows.length === 0) throw noAssistant();
    return rows.flatMap((row) =>
      row.id === null
        ? []
        : [
            {
              id: row.id,
              title: row.title!,
              kind: row.kind!,
              media_type: row.mediaType!,
              bytes: row.bytes!,
              chunks: row.passages!,
              status: row.status!,
              ...(row.error && { error: row.error }),
              ...(row.url && { url: row.url }),
              created_at: row.createdAt!.toISOString(),
              created_by: row.createdBy!,
              updated_at: row.updatedAt!.toISOString(),
            },
          ],
    );
  }

  /** Deletes a source and (by the cascade) its passages; `404 not_found` if the assistant has no such source. */
  async remove(assistantId: string, sourceId: string): Promise<void> {
    const deleted = await this.db
      .delete(knowledgeSources)
      .where(and(eq(knowledgeSources.assistantId, assistantId), eq(knowledgeSources.id, sourceId)))
      .returning({ id: knowledgeSources.id });
    if (deleted.length === 0) throw new ApiError('not_found', 'No such knowledge source.');
  }

  /**
   * A web page source to fetch again: `processing`, claimable at once; its passages stay until
   * the new ones replace them. `404` for none; `400` for a file (its bytes are not kept).
   */
  async refresh(assistantId: string, sourceId: string): Promise<void> {
    const [source] = await this.db
      .select({ kind: knowledgeSources.kind })
      .from(knowledgeSources)
      .where(and(eq(knowledgeSources.assistantId, assistantId), eq(knowledgeSources.id, sourceId)));
    if (!source) throw new ApiError('not_found', 'No such knowledge source.');
    if (source.kind !== 'url') {
      throw new ApiError(
        'invalid_request',
        'Only a web page can be refreshed: upload the file again instead.',
      );
    }
    await this.db
      .update(knowledgeSources)
      .set({
        status: 'processing',
        error: null,
        attempts: 0,
        leaseUntil: null,
        updatedAt: sql`now()`,
      })
      .where(eq(knowledgeSources.id, sourceId));
  }

  /** The passages a question would be answered from, best first, as a turn retrieves them. */
  async search(assistantId: string, question: string, limit: number): Promise<RetrievedPassage[]> {
    const { rows } = await rowsOf<{ hits: RetrievedPassage[] | null }>(
      this.db,
      sql`select ${passageSearchJson(sql`${assistantId}`, sql`${question}`, limit)} as hits`,
    );
    return rows[0]?.hits ?? [];
  }

  /**
   * Claims up to `limit` sources to process: those no instance holds, and those whose claim's
   * lease expired (its instance stopped or died), in one statement that skips rows others lock.
   */
  async claim(leaseMs: number, limit: number, maxAttempts: number): Promise<SourceClaim[]> {
    const { rows } = await rowsOf<{
      id: string;
      assistant_id: string;
      kind: KnowledgeSourceKind;
      url: string | null;
      media_type: KnowledgeMediaType;
      content: Buffer | Uint8Array | null;
      attempts: number;
    }>(
      this.db,
      sql`
      update ${knowledgeSources}
      set attempts = attempts + 1, updated_at = now(),
          lease_until = now() + ${leaseMs} * interval '1 millisecond'
      where id in (
        select id from ${knowledgeSources}
        where status = 'processing' and (lease_until is null or lease_until < now())
          and attempts < ${maxAttempts}
        order by created_at
        limit ${limit}
        for update skip locked
      )
      returning id, assistant_id, kind, url, media_type, content, attempts`,
    );
    return rows.map((row) => ({
      id: row.id,
      assistantId: row.assistant_id,
      kind: row.kind,
      url: row.url,
      mediaType: row.media_type,
      content: Buffer.from(row.content ?? new Uint8Array()),
      attempt: row.attempts,
    }));
  }

  /** Sources whose every claim ended without an outcome (a file that stops its worker each time) fail. */
  async failAbandoned(maxAttempts: number): Promise<number> {
    const failed = await this.db
      .update(knowledgeSources)
      .set({
        status: 'failed',
        error: `Processing did not finish after ${maxAttempts} attempts.`,
        content: null,
        leaseUntil: null,
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(knowledgeSources.status, 'processing'),
          sql`${knowledgeSources.attempts} >= ${maxAttempts} and ${knowledgeSources.leaseUntil} < now()`,
        ),
      )
      .returning({ id: knowledgeSources.id });
    return failed.length;
  }

  /**
   * The claim's passages, and the source `ready`, in one transaction, if the claim still holds
   * the source (a deleted source or a later claim wins) and the assistant stays within its
   * passages. Answers the refusal's reason if it does not fit.
   */
  async complete(
    claim: SourceClaim,
    passages: readonly Passage[],
    maxPassagesPerAssistant: number,
    content?: ProcessedContent,
  ): Promise<{ stored: boolean; refusal?: string }> {
    return this.db.transaction(async (tx) => {
      // Locks the source (so its deletion waits, or has happened), then counts the others.
      const [held] = await tx
        .select({ id: knowledgeSources.id })
        .from(knowledgeSources)
        .where(this.heldBy(claim))
        .for('update');
      if (!held) return { stored: false };
      const { rows } = await rowsOf<{ passages: number }>(
        tx as unknown as Database,
        sql`select coalesce(sum(passages), 0)::int as passages from ${knowledgeSources}
            where assistant_id = ${claim.assistantId} and id <> ${claim.id}`,
      );
      const others = rows[0]?.passages ?? 0;
      if (others + passages.length > maxPassagesPerAssistant) {
        return {
          stored: false,
          refusal: `The assistant would have ${others + passages.length} passages, more than the ${maxPassagesPerAssistant} it may have: delete a source first.`,
        };
      }
      // A refreshed page's passages (and their words' counts) replace its old ones.
      await tx.delete(knowledgePassages).where(eq(knowledgePassages.sourceId, claim.id));
      await tx.delete(knowledgeTerms).where(eq(knowledgeTerms.sourceId, claim.id));
      for (let at = 0; at < passages.length; at += INSERT_BATCH) {
        await tx.insert(knowledgePassages).values(
          passages.slice(at, at + INSERT_BATCH).map((passage) => ({
            id: crypto.randomUUID(),
            sourceId: claim.id,
            assistantId: claim.assistantId,
            position: passage.position,
            heading: passage.heading,
            content: passage.content,
          })),
        );
      }
      await tx.execute(sql`
        insert into ${knowledgeTerms} (source_id, assistant_id, lexeme, passages)
        select ${claim.id}, ${claim.assistantId}, word, ndoc
        from ts_stat(format('select search from knowledge_passages where source_id = %L', ${claim.id}::uuid))`);
      await tx
        .update(knowledgeSources)
        .set({
          status: 'ready',
          passages: passages.length,
          ...(content && { mediaType: content.mediaType, bytes: content.bytes }),
          ...(content?.title && { title: content.title }),
          error: null,
          content: null,
          leaseUntil: null,
          updatedAt: sql`now()`,
        })
        .where(eq(knowledgeSources.id, claim.id));
      return { stored: true };
    });
  }

  /** The source `failed` with `reason` (shown to staff: never a stack trace), if the claim still holds it. */
  async fail(claim: SourceClaim, reason: string): Promise<void> {
    await this.db
      .update(knowledgeSources)
      .set({
        status: 'failed',
        error: reason,
        content: null,
        leaseUntil: null,
        updatedAt: sql`now()`,
      })
      .where(this.heldBy(claim));
  }

  private heldBy(claim: SourceClaim) {
    return and(
      eq(knowledgeSources.id, claim.id),
      eq(knowledgeSources.status, 'processing'),
      eq(knowledgeSources.attempts, claim.attempt),
    );
  }
}
