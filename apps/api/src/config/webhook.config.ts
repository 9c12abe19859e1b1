import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { validateEnv } from './validate-env';

class WebhookEnv {
  /** Where each completed lead is POSTed (Standard Webhooks), besides the email. Its address is checked at each connection (`OUTBOUND_ALLOW_PRIVATE`). */
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_tld: false, require_protocol: true },
    { message: 'LEAD_WEBHOOK_URL must be an http:// or https:// URL' },
  )
  LEAD_WEBHOOK_URL?: string;
  /** The signing secret, `whsec_` and 24 to 64 random bytes in base64 (the Standard Webhooks format). */
  @IsOptional()
  @IsString()
  @Matches(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, {
    message: 'LEAD_WEBHOOK_SECRET must be whsec_ followed by 24-64 bytes in base64',
  })
  LEAD_WEBHOOK_SECRET?: string;
  /** How long one delivery may take before it counts as failed (ms). */
  @IsOptional() @IsInt() @Min(100) @Max(120_000) LEAD_WEBHOOK_TIMEOUT_MS?: number;
}

export interface WebhookConfig {
  /** The deployment's receiver; undefined: only assistants that name their own get webhooks. */
  url: string | undefined;
  /** Signs every delivery, the assistants' receivers' too; undefined: no webhooks at all. */
  secret: string | undefined;
  timeoutMs: number;
}

export const webhookConfig = registerAs('webhook', (): WebhookConfig => {
  const env = validateEnv(WebhookEnv);
  // The secret alone signs the webhooks of assistants that name their own receiver.
  if (env.LEAD_WEBHOOK_URL && !env.LEAD_WEBHOOK_SECRET) {
    throw new Error('LEAD_WEBHOOK_URL needs LEAD_WEBHOOK_SECRET to sign its deliveries.');
  }
  return {
    url: env.LEAD_WEBHOOK_URL || undefined,
    secret: env.LEAD_WEBHOOK_SECRET || undefined,
    timeoutMs: env.LEAD_WEBHOOK_TIMEOUT_MS ?? 10_000,
  };
});
