import { Injectable, Logger } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { type Database, DatabaseConnection, rowsOf } from '../database/database';
import { KnowledgeEmbeddings } from './knowledge-embeddings';
import { KnowledgeStore } from './knowledge-store';
import { hybridSearchJson, type RetrievedPassage } from './passage-search';

/**
 * Which passages answer a question: full text, which rides on the turn's one statement, and,
 * with `EMBEDDINGS_MODEL` and an assistant whose passages are embedded, hybrid retrieval, which
 * needs the question's embedding first (one call to the endpoint, one statement). An endpoint
 * that fails or is slow costs the turn its vectors, not its answer: full text serves it.
 */
@Injectable()
export class PassageRetrieval {
  private readonly logger = new Logger(PassageRetrieval.name);
  private readonly db: Database;

  constructor(
    connection: DatabaseConnection,
    private readonly store: KnowledgeStore,
    private readonly embeddings: KnowledgeEmbeddings,
  ) {
    this.db = connection.db;
  }

  /** Whether retrieval may be hybrid (`EMBEDDINGS_MODEL` set): else a turn's statement found its passages. */
  get hybrid(): boolean {
    return this.embeddings.enabled;
  }

  /** The turn's passages: those its statement found by full text, or hybrid ones. */
  async forTurn(
    assistantId: string,
    question: string,
    fullText: RetrievedPassage[],
    limit: number,
  ): Promise<RetrievedPassage[]> {
    return (await this.hybridSearch(assistantId, question, limit)) ?? fullText;
  }

  /** "Try a question": the passages a turn would use. */
  async search(assistantId: string, question: string, limit: number): Promise<RetrievedPassage[]> {
    return (
      (await this.hybridSearch(assistantId, question, limit)) ??
      this.store.search(assistantId, question, limit)
    );
  }

  /** Hybrid retrieval's passages, or `undefined` where full text is all there is. */
  private async hybridSearch(
    assistantId: string,
    question: string,
    limit: number,
  ): Promise<RetrievedPassage[] | undefined> {
    const model = this.embeddings.model;
    if (!model || !(await this.embeddings.hasEmbeddings(assistantId))) return undefined;
    let embedding: number[];
    try {
      embedding = await this.embeddings.embedQuestion(question);
    } catch (error) {
      this.logger.warn(
        `Question embedding failed, answering from full text: ${error instanceof Error ? error.message : 'unknown error'}`,
      );
      return undefined;
    }
    const { rows } = await rowsOf<{ hits: RetrievedPassage[] | null }>(
      this.db,
      sql`select ${hybridSearchJson(assistantId, question, embedding, model, this.embeddings.minSimilarity, limit)} as hits`,
    );
    return rows[0]?.hits ?? [];
  }
}
