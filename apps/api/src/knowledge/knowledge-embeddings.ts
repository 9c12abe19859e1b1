import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { sql } from 'drizzle-orm';
import OpenAI from 'openai';
import { RecentReads } from '../common/recent-reads';
import { knowledgeConfig } from '../config/knowledge.config';
import { modelConfig } from '../config/model.config';
import { type Database, DatabaseConnection, rowsOf } from '../database/database';
import { knowledgePassages } from '../database/schema';

/** Passages per `/embeddings` call. */
const BATCH = 64;
/** pgvector's largest `vector`. */
const MAX_DIMENSIONS = 16_000;
/** A question's embedding, before the first token: past this the turn answers from full text. */
const QUESTION_TIMEOUT_MS = 5_000;
const PASSAGES_TIMEOUT_MS = 60_000;
/** How long "this assistant has embeddings" is kept before it is read again. */
const HAS_EMBEDDINGS_TTL_MS = 1_000;
const SCHEMA_LOCK_ID = 0x6b6e_6f77; // "know"

/** The endpoint answered something that is not one finite vector per input. */
class MalformedEmbeddings extends Error {}

/**
 * Embeddings of passages and questions, with `EMBEDDINGS_MODEL` set: the OpenAI-compatible
 * `/embeddings` endpoint (the chat's provider, through the same `openai` client) and pgvector
 * (PGlite's embedded extension, or PostgreSQL's). The table is created when embeddings are
 * turned on, not by a migration: PostgreSQL servers without pgvector run full text only, and
 * one that gains it gains the table at the next start. Passages that lack an embedding of the
 * current model are embedded by the knowledge worker ({@link embedDue}), so turning embeddings
 * on, or changing the model, embeds the knowledge already stored, and an endpoint that is down
 * delays vectors but never a source: full text serves it meanwhile.
 */
@Injectable()
export class KnowledgeEmbeddings implements OnModuleInit {
  private readonly logger = new Logger(KnowledgeEmbeddings.name);
  private readonly db: Database;
  private readonly embedded = new RecentReads<boolean>(HAS_EMBEDDINGS_TTL_MS);
  readonly model: string | undefined;

  constructor(
    connection: DatabaseConnection,
    private readonly openai: OpenAI,
    @Inject(knowledgeConfig.KEY) private readonly config: ConfigType<typeof knowledgeConfig>,
    @Inject(modelConfig.KEY) model: ConfigType<typeof modelConfig>,
  ) {
    this.db = connection.db;
    this.model = config.embeddingsModel;
    if (this.model && model.demo) {
      throw new Error(
        'EMBEDDINGS_MODEL needs an OpenAI-compatible endpoint: set OPENAI_BASE_URL (and OPENAI_API_KEY if it asks for one).',
      );
    }
  }

  get enabled(): boolean {
    return this.model !== undefined;
  }

  get minSimilarity(): number {
    return this.config.minSimilarity;
  }

  async onModuleInit(): Promise<void> {
    if (!this.model) return;
    try {
      // Instances starting together take turns (PostgreSQL would refuse a concurrent `create`).
      await this.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${SCHEMA_LOCK_ID})`);
        await tx.execute(sql`create extension if not exists vector`);
        await tx.execute(sql`
          create table if not exists knowledge_embeddings (
            passage_id uuid primary key references ${knowledgePassages} (id) on delete cascade,
            assistant_id text not null,
            model text not null,
            embedding vector not null
          )`);
        await tx.execute(sql`
          create index if not exists knowledge_embeddings_assistant_idx
          on knowledge_embeddings (assistant_id, model)`);
      });
    } catch (error) {
      // The database's own words (drizzle wraps them with the statement).
      const reason = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      throw new Error(
        `EMBEDDINGS_MODEL needs the pgvector extension ("vector") on the database: ${reason instanceof Error ? reason.message : 'unknown error'}`,
        { cause: error },
      );
    }
    this.logger.log(`Knowledge retrieval is hybrid: full text and embeddings of ${this.model}`);
  }

  /** Whether the assistant has passages embedded with the current model (kept a second). */
  hasEmbeddings(assistantId: string): Promise<boolean> {
    if (!this.model) return Promise.resolve(false);
    const model = this.model;
    return this.embedded.get(assistantId, async () => {
      const { rows } = await rowsOf<{ found: boolean }>(
        this.db,
        sql`select exists (select 1 from knowledge_embeddings
              where assistant_id = ${assistantId} and model = ${model}) as found`,
      );
      return rows[0]?.found === true;
    });
  }

  /** The question's embedding; rejects after a few seconds, so that the turn can go on without it. */
  async embedQuestion(question: string): Promise<number[]> {
    const [vector] = await this.embed([question], QUESTION_TIMEOUT_MS);
    return vector;
  }

  /**
   * Embeds up to a batch of the passages that lack an embedding of the current model, oldest
   * sources first; answers how many it stored (0: none left). A passage deleted meanwhile is
   * skipped: its embedding is stored only if the passage is still there.
   */
  async embedDue(): Promise<number> {
    if (!this.model) return 0;
    const { rows } = await rowsOf<{ id: string; heading: string | null; content: string }>(
      this.db,
      sql`
      select p.id, p.heading, p.content
      from ${knowledgePassages} p
      left join knowledge_embeddings e on e.passage_id = p.id and e.model = ${this.model}
      where e.passage_id is null
      order by p.source_id, p.position
      limit ${BATCH}`,
    );
    if (rows.length === 0) return 0;
    const vectors = await this.embed(
      rows.map((row) => (row.heading ? `${row.heading}\n\n${row.content}` : row.content)),
      PASSAGES_TIMEOUT_MS,
    );
    const records = rows.map((row, i) => ({ id: row.id, embedding: `[${vectors[i].join(',')}]` }));
    await this.db.execute(sql`
      insert into knowledge_embeddings (passage_id, assistant_id, model, embedding)
      select p.id, p.assistant_id, ${this.model}, r.embedding::vector
      from json_to_recordset(${JSON.stringify(records)}::json) as r(id uuid, embedding text)
      join ${knowledgePassages} p on p.id = r.id
      on conflict (passage_id) do update set model = excluded.model, embedding = excluded.embedding`);
    return rows.length;
  }

  private async embed(input: string[], timeoutMs: number): Promise<number[][]> {
    const answer = await this.openai.embeddings.create(
      { model: this.model as string, input },
      { timeout: timeoutMs, maxRetries: 0 },
    );
    const vectors = [...answer.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    const dimensions = vectors[0]?.length ?? 0;
    const sound =
      vectors.length === input.length &&
      dimensions > 0 &&
      dimensions <= MAX_DIMENSIONS &&
      vectors.every((v) => v.length === dimensions && v.every(Number.isFinite));
    if (!sound)
      throw new MalformedEmbeddings('The embeddings endpoint answered malformed vectors.');
    return vectors;
  }
}
