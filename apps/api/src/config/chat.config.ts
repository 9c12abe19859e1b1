import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DEFAULT_MESSAGE_MAX_LENGTH } from '@chat/contracts';
import { validateEnv } from './validate-env';

class ChatEnv {
  @IsOptional() @IsInt() @Min(1) @Max(100_000) MESSAGE_MAX_LENGTH?: number;
  /** A running generation with no client attached is aborted after this long (ms). */
  @IsOptional() @IsInt() @Min(100) @Max(3_600_000) GENERATION_ORPHAN_TIMEOUT_MS?: number;
  /** Events of a finished stream stay resumable this long (ms). */
  @IsOptional() @IsInt() @Min(1000) @Max(86_400_000) STREAM_RETENTION_MS?: number;
  @IsOptional() @IsInt() @Min(100) @Max(300_000) SSE_HEARTBEAT_MS?: number;
  /** Messages a client (by IP) may send per window. */
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) RATE_LIMIT_MESSAGES?: number;
  @IsOptional() @IsInt() @Min(1000) @Max(3_600_000) RATE_LIMIT_WINDOW_MS?: number;
  /** A session nobody wrote to for this long is forgotten (in-memory store) (ms). */
  @IsOptional() @IsInt() @Min(60_000) @Max(31_536_000_000) SESSION_IDLE_TTL_MS?: number;
  /** How long SIGTERM waits for running generations before aborting them (ms). */
  @IsOptional() @IsInt() @Min(0) @Max(600_000) SHUTDOWN_GRACE_MS?: number;
}

export interface ChatConfig {
  messageMaxLength: number;
  orphanTimeoutMs: number;
  streamRetentionMs: number;
  heartbeatMs: number;
  rateLimitMessages: number;
  rateLimitWindowMs: number;
  shutdownGraceMs: number;
  sessionIdleTtlMs: number;
}

/** Period of the `: ping` heartbeat on open streams unless `SSE_HEARTBEAT_MS` says otherwise. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

export const chatConfig = registerAs('chat', (): ChatConfig => {
  const env = validateEnv(ChatEnv);
  return {
    messageMaxLength: env.MESSAGE_MAX_LENGTH ?? DEFAULT_MESSAGE_MAX_LENGTH,
    orphanTimeoutMs: env.GENERATION_ORPHAN_TIMEOUT_MS ?? 30_000,
    streamRetentionMs: env.STREAM_RETENTION_MS ?? 10 * 60_000,
    heartbeatMs: env.SSE_HEARTBEAT_MS ?? DEFAULT_HEARTBEAT_MS,
    rateLimitMessages: env.RATE_LIMIT_MESSAGES ?? 30,
    rateLimitWindowMs: env.RATE_LIMIT_WINDOW_MS ?? 60_000,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS ?? 10_000,
    sessionIdleTtlMs: env.SESSION_IDLE_TTL_MS ?? 24 * 60 * 60_000,
  };
});
