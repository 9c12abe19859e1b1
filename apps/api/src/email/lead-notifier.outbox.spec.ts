import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseRawMail } from '@chat/test-support';
import { leadNotification, mailSettings, notifierWith } from '../../test/support/lead-fixtures';

describe('LeadNotifier without an SMTP server', () => {
  let root: string;
  let module: Awaited<ReturnType<typeof notifierWith>> | undefined;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'lead-outbox-'));
  });
  afterEach(async () => {
    await module?.close();
    module = undefined;
    await rm(root, { recursive: true, force: true });
  });

  it('writes a complete .eml file into the outbox folder, creating it', async () => {
    const outboxDir = join(root, 'var', 'outbox');
    module = await notifierWith(mailSettings({ outboxDir, leadNotifyTo: ['leads@example.com'] }));

    const result = await module.notifier.notify(leadNotification({ name: 'Ana <b>Silva</b>' }));

    const files = await readdir(outboxDir);
    expect(files).toHaveLength(1); // no temporary file left behind
    expect(files[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-session-42\.eml$/);
    expect(result).toEqual({
      status: 'sent',
      transport: 'outbox',
      messageId: expect.any(String),
      message: `No SMTP server configured: lead notification written to ${join(outboxDir, files[0])}`,
    });

    const mail = parseRawMail(await readFile(join(outboxDir, files[0]), 'utf8'));
    expect(mail.headers.get('to')).toBe('leads@example.com');
    expect(mail.headers.get('from')).toBe('Chat Assistant <assistant@example.com>');
    expect(mail.headers.get('subject')).toBe('New lead: Ana <b>Silva</b> (ada@example.com)');
    expect(mail.headers.get('message-id')).toBe(result.status === 'sent' ? result.messageId : '');
    expect(mail.text).toContain('Name: Ana <b>Silva</b>');
    expect(mail.text).toContain('What is momentum trading?');
    expect(mail.html).toContain('Ana &#60;b&#62;Silva&#60;/b&#62;');
    expect(module.logs.lines.some((line) => line.startsWith('warn No SMTP server configured'))).toBe(true);
  });

  it('resolves a relative outbox folder from the working directory and shows it as configured', async () => {
    const relativeDir = relative(process.cwd(), join(root, 'outbox'));
    module = await notifierWith(mailSettings({ outboxDir: relativeDir }));

    const result = await module.notifier.notify(leadNotification());

    const files = await readdir(join(root, 'outbox'));
    expect(result.message).toBe(`No SMTP server configured: lead notification written to ${join(relativeDir, files[0])}`);
  });

  it('keeps a strange session id from leaving the outbox folder', async () => {
    module = await notifierWith(mailSettings({ outboxDir: join(root, 'outbox') }));

    const result = await module.notifier.notify({ ...leadNotification(), sessionId: '../../etc/passwd' });

    expect(result.message).toMatch(/-______etc_passwd\.eml$/);
    expect(await readdir(join(root, 'outbox'))).toEqual([expect.stringMatching(/-______etc_passwd\.eml$/)]);
  });

  it("names a key's session as its client does in the mail, and the file by the stored id", async () => {
    module = await notifierWith(mailSettings({ outboxDir: join(root, 'outbox') }));

    await module.notifier.notify({ ...leadNotification(), sessionId: 'key-1.order-42' });

    const [file] = await readdir(join(root, 'outbox'));
    expect(file).toMatch(/-key-1_order-42\.eml$/);
    const mail = parseRawMail(await readFile(join(root, 'outbox', file), 'utf8'));
    expect(mail.text).toContain('Session: order-42\n');
    expect(mail.html).toContain('Session order-42<');
  });

  it('reports an outbox it cannot write as failed', async () => {
    const blocker = join(root, 'not-a-folder');
    await writeFile(blocker, 'a file where the folder should be');
    module = await notifierWith(mailSettings({ outboxDir: join(blocker, 'outbox') }));

    const result = await module.notifier.notify(leadNotification());

    expect(result).toEqual({ status: 'failed', message: 'Lead notification failed: it could not be written to the outbox (ENOTDIR)' });
    expect(module.logs.lines.join('\n')).toContain('code=ENOTDIR');
  });
});
