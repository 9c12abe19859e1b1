import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { validateEnv } from './validate-env';

class OutboxEnv {
  /** How often each instance looks for notifications due for an attempt (ms). */
  @IsOptional() @IsInt() @Min(50) @Max(3_600_000) OUTBOX_POLL_MS?: number;
  /** Attempts of a notification, the first included, before it is `failed`. */
  @IsOptional() @IsInt() @Min(1) @Max(100) OUTBOX_MAX_ATTEMPTS?: number;
  /** Wait after the first failed attempt; each next one doubles it, with jitter (ms). */
  @IsOptional() @IsInt() @Min(10) @Max(86_400_000) OUTBOX_RETRY_BASE_MS?: number;
  /** The longest wait between two attempts (ms). */
  @IsOptional() @IsInt() @Min(10) @Max(604_800_000) OUTBOX_RETRY_MAX_MS?: number;
  /** How long a claimed notification is an instance's own before another may take it over (ms). */
  @IsOptional() @IsInt() @Min(1000) @Max(3_600_000) OUTBOX_LEASE_MS?: number;
  /** How long a turn waits for its notification's first attempt before leaving it to the worker (ms). */
  @IsOptional() @IsInt() @Min(0) @Max(60_000) NOTIFY_IN_TURN_TIMEOUT_MS?: number;
}

export interface OutboxConfig {
  pollMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  leaseMs: number;
  inTurnTimeoutMs: number;
}

export const outboxConfig = registerAs('outbox', (): OutboxConfig => {
  const env = validateEnv(OutboxEnv);
  return {
    pollMs: env.OUTBOX_POLL_MS ?? 1_000,
    maxAttempts: env.OUTBOX_MAX_ATTEMPTS ?? 12,
    retryBaseMs: env.OUTBOX_RETRY_BASE_MS ?? 10_000,
    retryMaxMs: env.OUTBOX_RETRY_MAX_MS ?? 3_600_000,
    leaseMs: env.OUTBOX_LEASE_MS ?? 120_000,
    inTurnTimeoutMs: env.NOTIFY_IN_TURN_TIMEOUT_MS ?? 3_000,
  };
});
