import type { LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mailConfig, type MailConfig } from '../../src/config/mail.config';
import { EmailModule } from '../../src/email/email.module';
import { LeadNotifier } from '../../src/email/lead-notifier';
import type { LeadNotification } from '../../src/email/lead-notification';

export function leadNotification(overrides: { name?: string; email?: string; content?: string } = {}): LeadNotification {
  return {
    sessionId: 'session-42',
    profileName: 'Trading education assistant',
    fields: [
      { name: 'name', label: 'Name', value: overrides.name ?? 'Ada Lovelace' },
      { name: 'email', label: 'Email', value: overrides.email ?? 'ada@example.com' },
      { name: 'phone', label: 'Phone', value: undefined },
      { name: 'experience', label: 'Trading experience', value: 'beginner' },
    ],
    transcript: [
      { role: 'user', content: overrides.content ?? 'What is momentum trading?', created_at: '2025-01-31T09:00:00.000Z' },
      { role: 'assistant', content: 'Momentum trading follows the trend.\nMay I have your name?', created_at: '2025-01-31T09:00:02.000Z' },
    ],
  };
}

export function mailSettings(overrides: Partial<MailConfig> = {}): MailConfig {
  return {
    smtpUrl: undefined,
    leadNotifyTo: ['sales@example.com'],
    from: 'Chat Assistant <assistant@example.com>',
    outboxDir: 'var/outbox',
    smtpTimeoutMs: 2000,
    ...overrides,
  };
}

/** Keeps every log line, to prove what was (and was not) logged. */
export class LogCollector implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown): void {
    this.lines.push(`log ${String(message)}`);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.lines.push(`error ${String(message)} ${rest.map(String).join(' ')}`);
  }
  warn(message: unknown): void {
    this.lines.push(`warn ${String(message)}`);
  }
  debug(message: unknown): void {
    this.lines.push(`debug ${String(message)}`);
  }
  verbose(message: unknown): void {
    this.lines.push(`verbose ${String(message)}`);
  }
  fatal(message: unknown): void {
    this.lines.push(`fatal ${String(message)}`);
  }
}

/** The real EmailModule with `config` as its settings, logging into a {@link LogCollector}. */
export async function notifierWith(config: MailConfig) {
  const logs = new LogCollector();
  const moduleRef = await Test.createTestingModule({ imports: [EmailModule] })
    .overrideProvider(mailConfig.KEY)
    .useValue(config)
    .setLogger(logs)
    .compile();
  return { notifier: moduleRef.get(LeadNotifier), logs, close: () => moduleRef.close() };
}
