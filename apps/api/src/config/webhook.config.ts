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
  /** Undefined: no webhook. */
  target: { url: string; secret: string } | undefined;
  timeoutMs: number;
}

export const webhookConfig = registerAs('webhook', (): WebhookConfig => {
  const env = validateEnv(WebhookEnv);
  if (Boolean(env.LEAD_WEBHOOK_URL) !== Boolean(env.LEAD_WEBHOOK_SECRET)) {
    throw new Error('LEAD_WEBHOOK_URL and LEAD_WEBHOOK_SECRET go together: set both, or neither.');
  }
  return {
    target:
      env.LEAD_WEBHOOK_URL && env.LEAD_WEBHOOK_SECRET
        ? { url: env.LEAD_WEBHOOK_URL, secret: env.LEAD_WEBHOOK_SECRET }
        : undefined,
    timeoutMs: env.LEAD_WEBHOOK_TIMEOUT_MS ?? 10_000,
  };
});
