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
  /** Messages a client (by IP) may send per window, all its sessions together. */
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) RATE_LIMIT_MESSAGES?: number;
  /** Messages one session may send per window (its own budget, beside its client's). */
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) RATE_LIMIT_SESSION_MESSAGES?: number;
  @IsOptional() @IsInt() @Min(1000) @Max(3_600_000) RATE_LIMIT_WINDOW_MS?: number;
  /** Messages one API key may send per window (its own budget, across its callers). */
  @IsOptional() @IsInt() @Min(1) @Max(10_000_000) RATE_LIMIT_API_KEY_MESSAGES?: number;
  /** Reads, resumes and cancels a client may make per window. */
  @IsOptional() @IsInt() @Min(1) @Max(10_000_000) RATE_LIMIT_READS?: number;
  /** A session whose lead is incomplete and that nobody wrote to for this long is erased (ms). */
  @IsOptional() @IsInt() @Min(60_000) @Max(31_536_000_000) SESSION_IDLE_TTL_MS?: number;
  /** Sessions, their transcripts and leads are erased this many days after their last message. */
  @IsOptional() @IsInt() @Min(1) @Max(36_500) DATA_RETENTION_DAYS?: number;
  /** Messages a session may hold (both sides); past it, a new message is refused. */
  @IsOptional() @IsInt() @Min(2) @Max(100_000) SESSION_MAX_MESSAGES?: number;
  /** Sessions the database may hold; past it, a new session is refused. */
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000_000) SESSIONS_MAX?: number;
  /** The model reads at most this many of the latest messages… */
  @IsOptional() @IsInt() @Min(1) @Max(1_000) CONTEXT_MAX_MESSAGES?: number;
  /** …and at most this many characters of them (the newest message always). */
  @IsOptional() @IsInt() @Min(100) @Max(10_000_000) CONTEXT_MAX_CHARS?: number;
  /** WebSocket connections one client (IP address) may hold at once. */
  @IsOptional() @IsInt() @Min(1) @Max(10_000) WS_MAX_SOCKETS_PER_CLIENT?: number;
  /** A WebSocket is pinged this often, and closed when it did not answer the last ping (ms). */
  @IsOptional() @IsInt() @Min(1000) @Max(3_600_000) WS_PING_INTERVAL_MS?: number;
  /** Frames one WebSocket may send per `RATE_LIMIT_WINDOW_MS`, whatever they hold; past it, the socket is closed (1008). */
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) WS_FRAME_BUDGET?: number;
  /** Frames one WebSocket may have being processed at once; one more closes it (1008). */
  @IsOptional() @IsInt() @Min(1) @Max(1_000) WS_MAX_FRAMES_IN_FLIGHT?: number;
  /** Invalid frames after which a WebSocket is closed (1008). */
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) WS_MAX_INVALID_FRAMES?: number;
  /** How long SIGTERM waits for running generations before aborting them (ms). */
  @IsOptional() @IsInt() @Min(0) @Max(600_000) SHUTDOWN_GRACE_MS?: number;
}

export interface ChatConfig {
  messageMaxLength: number;
  orphanTimeoutMs: number;
  streamRetentionMs: number;
  heartbeatMs: number;
  rateLimitMessages: number;
  rateLimitSessionMessages: number;
  rateLimitWindowMs: number;
  rateLimitReads: number;
  rateLimitApiKeyMessages: number;
  shutdownGraceMs: number;
  sessionIdleTtlMs: number;
  retentionDays: number;
  wsMaxSocketsPerClient: number;
  wsPingIntervalMs: number;
  wsFrameBudget: number;
  wsMaxFramesInFlight: number;
  wsMaxInvalidFrames: number;
  sessionMaxMessages: number;
  sessionsMax: number;
  contextMaxMessages: number;
  contextMaxChars: number;
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
    // About 20 visitors behind one address (an office, a carrier's NAT), each within its session's budget.
    rateLimitMessages: env.RATE_LIMIT_MESSAGES ?? 300,
    rateLimitSessionMessages: env.RATE_LIMIT_SESSION_MESSAGES ?? 30,
    rateLimitWindowMs: env.RATE_LIMIT_WINDOW_MS ?? 60_000,
    rateLimitReads: env.RATE_LIMIT_READS ?? 300,
    rateLimitApiKeyMessages: env.RATE_LIMIT_API_KEY_MESSAGES ?? 600,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS ?? 10_000,
    sessionIdleTtlMs: env.SESSION_IDLE_TTL_MS ?? 24 * 60 * 60_000,
    retentionDays: env.DATA_RETENTION_DAYS ?? 365,
    wsMaxSocketsPerClient: env.WS_MAX_SOCKETS_PER_CLIENT ?? 10,
    wsPingIntervalMs: env.WS_PING_INTERVAL_MS ?? 30_000,
    wsFrameBudget: env.WS_FRAME_BUDGET ?? 120,
    wsMaxFramesInFlight: env.WS_MAX_FRAMES_IN_FLIGHT ?? 4,
    wsMaxInvalidFrames: env.WS_MAX_INVALID_FRAMES ?? 5,
    sessionMaxMessages: env.SESSION_MAX_MESSAGES ?? 200,
    sessionsMax: env.SESSIONS_MAX ?? 1_000_000,
    contextMaxMessages: env.CONTEXT_MAX_MESSAGES ?? 40,
    contextMaxChars: env.CONTEXT_MAX_CHARS ?? 24_000,
  };
});
