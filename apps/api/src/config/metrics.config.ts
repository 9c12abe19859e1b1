import { registerAs } from '@nestjs/config';
import { IsOptional, Matches } from 'class-validator';
import { validateEnv } from './validate-env';

class MetricsEnv {
  /**
   * The bearer token a scraper sends to `/api/metrics`. Without it the route answers 404, as an
   * unknown route does: the metrics are for operators, never public.
   */
  @IsOptional()
  @Matches(/^[\x21-\x7e]{16,256}$/, { message: 'METRICS_TOKEN must be 16-256 printable characters, no spaces' })
  METRICS_TOKEN?: string;
}

export interface MetricsConfig {
  /** Undefined: the metrics route answers 404. */
  token: string | undefined;
}

export const metricsConfig = registerAs('metrics', (): MetricsConfig => {
  const env = validateEnv(MetricsEnv);
  return { token: env.METRICS_TOKEN };
});
