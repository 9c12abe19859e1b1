import type { OutboxConfig } from '../config/outbox.config';

/** The wait after failed attempt `attempt`: doubling from the base, capped, between half and all of it. */
export function retryDelayMs(
  config: Pick<OutboxConfig, 'retryBaseMs' | 'retryMaxMs'>,
  attempt: number,
): number {
  const ceiling = Math.min(config.retryBaseMs * 2 ** (attempt - 1), config.retryMaxMs);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** When a failed attempt `attempt` is tried again: after the backoff, or never (undefined) once the attempts are spent. */
export function nextAttemptAt(
  config: Pick<OutboxConfig, 'maxAttempts' | 'retryBaseMs' | 'retryMaxMs'>,
  attempt: number,
): Date | undefined {
  return attempt < config.maxAttempts
    ? new Date(Date.now() + retryDelayMs(config, attempt))
    : undefined;
}
