import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { validateEnv } from './validate-env';

class ModelEnv {
  @IsOptional() @IsString() OPENAI_API_KEY?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) OPENAI_BASE_URL?: string;
  @IsOptional() @IsString() OPENAI_MODEL?: string;
  @IsOptional() @IsString() OPENAI_EXTRACTION_MODEL?: string;
  /** Time allowed for the first token (ms). */
  @IsOptional() @IsInt() @Min(100) @Max(600_000) OPENAI_FIRST_TOKEN_TIMEOUT_MS?: number;
  /** Time allowed between two tokens before the stream counts as stalled (ms). */
  @IsOptional() @IsInt() @Min(100) @Max(600_000) OPENAI_STALL_TIMEOUT_MS?: number;
  /** Attempts before the first token (429, 5xx, network), including the first. */
  @IsOptional() @IsInt() @Min(1) @Max(10) OPENAI_MAX_ATTEMPTS?: number;
  @IsOptional() @IsInt() @Min(0) @Max(60_000) OPENAI_RETRY_BASE_DELAY_MS?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100_000) OPENAI_MAX_TOKENS?: number;
  /** Pace of the demo model's words (ms per word); 0 streams as fast as possible. */
  @IsOptional() @IsInt() @Min(0) @Max(5_000) DEMO_MODEL_WORD_DELAY_MS?: number;
}

export interface ModelConfig {
  /** True when neither an API key nor a base URL is set: the built-in offline demo model answers. */
  demo: boolean;
  apiKey: string | undefined;
  baseURL: string | undefined;
  model: string;
  extractionModel: string;
  firstTokenTimeoutMs: number;
  stallTimeoutMs: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
  maxTokens: number;
  demoWordDelayMs: number;
}

export const DEMO_MODEL_NAME = 'demo';

export const modelConfig = registerAs('model', (): ModelConfig => {
  const env = validateEnv(ModelEnv);
  // A local endpoint (Ollama, vLLM, LM Studio) needs a base URL but often no key.
  const demo = !env.OPENAI_API_KEY && !env.OPENAI_BASE_URL;
  const model = demo ? DEMO_MODEL_NAME : (env.OPENAI_MODEL ?? 'gpt-4o-mini');
  return {
    demo,
    apiKey: env.OPENAI_API_KEY,
    baseURL: env.OPENAI_BASE_URL,
    model,
    extractionModel: demo ? DEMO_MODEL_NAME : (env.OPENAI_EXTRACTION_MODEL ?? model),
    firstTokenTimeoutMs: env.OPENAI_FIRST_TOKEN_TIMEOUT_MS ?? 30_000,
    stallTimeoutMs: env.OPENAI_STALL_TIMEOUT_MS ?? 30_000,
    maxAttempts: env.OPENAI_MAX_ATTEMPTS ?? 3,
    retryBaseDelayMs: env.OPENAI_RETRY_BASE_DELAY_MS ?? 500,
    maxTokens: env.OPENAI_MAX_TOKENS ?? 1024,
    demoWordDelayMs: env.DEMO_MODEL_WORD_DELAY_MS ?? 35,
  };
});
