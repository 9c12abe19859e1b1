import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { validateEnv } from './validate-env';

class MailEnv {
  /** `smtp://user:pass@host:587` or `smtps://…`; unset writes messages to the outbox folder instead. */
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;
  /** Comma-separated addresses that receive lead notifications. */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((address) => address.trim()).filter(Boolean) : value))
  @IsEmail({}, { each: true })
  LEAD_NOTIFY_TO?: string[];
  /** Sender, e.g. `Chat Assistant <assistant@example.com>`. */
  @IsOptional() @IsString() @MinLength(3) MAIL_FROM?: string;
  /** Where messages go when no SMTP server is configured; relative to the working directory. */
  @IsOptional() @IsString() @MinLength(1) MAIL_OUTBOX_DIR?: string;
  /** Connection, greeting and idle-socket timeout of the SMTP conversation (ms). */
  @IsOptional() @IsInt() @Min(100) @Max(600_000) SMTP_TIMEOUT_MS?: number;
}

export interface MailConfig {
  /** A secret (it may hold a password): never log it or put it in a message. */
  smtpUrl: string | undefined;
  leadNotifyTo: string[];
  from: string;
  outboxDir: string;
  smtpTimeoutMs: number;
}

export const mailConfig = registerAs('mail', (): MailConfig => {
  const env = validateEnv(MailEnv);
  return {
    smtpUrl: env.SMTP_URL,
    leadNotifyTo: env.LEAD_NOTIFY_TO?.length ? env.LEAD_NOTIFY_TO : ['leads@example.com'],
    from: env.MAIL_FROM ?? 'Chat Assistant <assistant@localhost>',
    outboxDir: env.MAIL_OUTBOX_DIR ?? 'var/outbox',
    smtpTimeoutMs: env.SMTP_TIMEOUT_MS ?? 10_000,
  };
});
