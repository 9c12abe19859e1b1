import { registerAs } from '@nestjs/config';
import { IsInt, IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { validateEnv } from './validate-env';

class KnowledgeEnv {
  /** The largest file staff may upload as a knowledge source (bytes). */
  @IsOptional() @IsInt() @Min(1024) @Max(100 * 1024 * 1024) KNOWLEDGE_MAX_FILE_BYTES?: number;
  /** How often each instance looks for sources to process (ms); an upload wakes it at once. */
  @IsOptional() @IsInt() @Min(50) @Max(3_600_000) KNOWLEDGE_POLL_MS?: number;
  /** How long a source being processed is an instance's own before another may take it over (ms). */
  @IsOptional() @IsInt() @Min(1000) @Max(3_600_000) KNOWLEDGE_LEASE_MS?: number;
  /**
   * How long one document may take to read before its process is killed (ms); well under the
   * lease, so a document is failed before another instance may take it over.
   */
  @IsOptional() @IsInt() @Min(100) @Max(600_000) KNOWLEDGE_PARSE_TIMEOUT_MS?: number;
  /** The heap one document's parser may use (MiB, V8's old generation in its process). */
  @IsOptional() @IsInt() @Min(16) @Max(4096) KNOWLEDGE_PARSE_MEMORY_MB?: number;
  /**
   * The model of the OpenAI-compatible `/embeddings` endpoint (`OPENAI_BASE_URL`, `OPENAI_API_KEY`)
   * that embeds passages and questions: set, retrieval is hybrid (full text and pgvector, fused).
   */
  @IsOptional() @IsString() @Length(1, 200) EMBEDDINGS_MODEL?: string;
  /** The cosine similarity under which a passage is not a vector match (0-1). */
  @IsOptional() @IsNumber() @Min(0) @Max(1) EMBEDDINGS_MIN_SIMILARITY?: number;
}

export interface KnowledgeConfig {
  maxFileBytes: number;
  pollMs: number;
  leaseMs: number;
  /** The limits of reading one document, in a process of its own. */
  parseTimeoutMs: number;
  parseMemoryMb: number;
  /** Sources per assistant. */
  maxSources: number;
  /** Passages per source, and per assistant in all. */
  maxPassagesPerSource: number;
  maxPassagesPerAssistant: number;
  /** Claims of one source before it is `failed` (a file that kills its worker must not loop). */
  maxAttempts: number;
  /** Hybrid retrieval's embeddings model; unset, retrieval is full text only. */
  embeddingsModel: string | undefined;
  minSimilarity: number;
}

export const knowledgeConfig = registerAs('knowledge', (): KnowledgeConfig => {
  const env = validateEnv(KnowledgeEnv);
  return {
    maxFileBytes: env.KNOWLEDGE_MAX_FILE_BYTES ?? 10 * 1024 * 1024,
    pollMs: env.KNOWLEDGE_POLL_MS ?? 2_000,
    leaseMs: env.KNOWLEDGE_LEASE_MS ?? 120_000,
    parseTimeoutMs: env.KNOWLEDGE_PARSE_TIMEOUT_MS ?? 30_000,
    parseMemoryMb: env.KNOWLEDGE_PARSE_MEMORY_MB ?? 256,
    maxSources: 50,
    maxPassagesPerSource: 2_000,
    maxPassagesPerAssistant: 10_000,
    maxAttempts: 3,
    embeddingsModel: env.EMBEDDINGS_MODEL,
    minSimilarity: env.EMBEDDINGS_MIN_SIMILARITY ?? 0.3,
  };
});
