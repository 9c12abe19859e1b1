import { mailConfig } from './mail.config';

describe('mail configuration', () => {
  const KEYS = ['SMTP_URL', 'LEAD_NOTIFY_TO', 'MAIL_FROM', 'MAIL_OUTBOX_DIR', 'SMTP_TIMEOUT_MS'];
  const saved = Object.fromEntries(KEYS.map((key) => [key, process.env[key]]));

  beforeEach(() => KEYS.forEach((key) => delete process.env[key]));
  afterAll(() => KEYS.forEach((key) => (saved[key] === undefined ? delete process.env[key] : (process.env[key] = saved[key]))));

  it('has working defaults: no SMTP, the outbox folder', () => {
    expect(mailConfig()).toEqual({
      smtpUrl: undefined,
      leadNotifyTo: ['leads@example.com'],
      from: 'Chat Assistant <assistant@localhost>',
      outboxDir: 'var/outbox',
      smtpTimeoutMs: 10_000,
    });
  });

  it('reads an SMTP URL, several recipients and a timeout', () => {
    Object.assign(process.env, {
      SMTP_URL: 'smtps://user:pass@mail.example.com:465',
      LEAD_NOTIFY_TO: 'sales@example.com, ops@example.com',
      SMTP_TIMEOUT_MS: '2500',
    });
    expect(mailConfig()).toMatchObject({
      smtpUrl: 'smtps://user:pass@mail.example.com:465',
      leadNotifyTo: ['sales@example.com', 'ops@example.com'],
      smtpTimeoutMs: 2500,
    });
  });

  it('names a bad setting without echoing its value', () => {
    process.env['SMTP_URL'] = 'http://user:hunter2@example.com';
    process.env['LEAD_NOTIFY_TO'] = 'sales@example.com, nobody';
    expect(() => mailConfig()).toThrow(/SMTP_URL[\s\S]*LEAD_NOTIFY_TO|LEAD_NOTIFY_TO[\s\S]*SMTP_URL/);
    expect(() => mailConfig()).not.toThrow(/hunter2/);
  });
});
