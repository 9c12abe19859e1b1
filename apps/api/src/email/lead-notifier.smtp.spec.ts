import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { parseRawMail, type SmtpListener, startSmtpListener } from '@chat/test-support';
import { leadNotification, mailSettings, notifierWith } from '../../test/support/lead-fixtures';

const PASSWORD = 'Sup3r-Secret-Pa55';

describe('LeadNotifier over SMTP', () => {
  let smtp: SmtpListener;
  let module: Awaited<ReturnType<typeof notifierWith>> | undefined;

  afterEach(async () => {
    await module?.close();
    module = undefined;
    await smtp?.close();
  });

  it('delivers the lead to the configured recipients with its fields and the transcript', async () => {
    smtp = await startSmtpListener();
    module = await notifierWith(
      mailSettings({
        smtpUrl: `smtp://sales-bot:${PASSWORD}@127.0.0.1:${smtp.port}`,
        leadNotifyTo: ['sales@example.com', 'ops@example.com'],
      }),
    );

    const result = await module.notifier.notify(leadNotification());

    expect(result).toEqual({
      status: 'sent',
      transport: 'smtp',
      messageId: expect.any(String),
      message: 'Lead notification sent to sales@example.com, ops@example.com',
    });
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail.to).toEqual(['sales@example.com', 'ops@example.com']);
    expect(mail.from).toBe('assistant@example.com');
    expect(mail.user).toBe('sales-bot');

    const parsed = parseRawMail(mail.raw);
    expect(parsed.headers.get('subject')).toBe('New lead: Ada Lovelace (ada@example.com)');
    expect(parsed.headers.get('reply-to')).toContain('<ada@example.com>');
    expect(parsed.headers.get('message-id')).toBe(result.status === 'sent' ? result.messageId : '');
    expect(parsed.text).toContain('Name: Ada Lovelace');
    expect(parsed.text).toContain('Trading experience: beginner');
    expect(parsed.text).toContain('Phone: (not given)');
    expect(parsed.text).toContain('Session: session-42');
    expect(parsed.text).toContain('Visitor:\n  What is momentum trading?');
    expect(parsed.text).toContain('Assistant:\n  Momentum trading follows the trend.\n  May I have your name?');
    expect(parsed.html).toContain('<td style="padding:4px 0">ada@example.com</td>');
    expect(parsed.html).toContain('What is momentum trading?');
    expect(module.logs.lines.join('\n')).not.toContain(PASSWORD);
  });

  it('escapes what visitors typed in the HTML part, and sets no Reply-To for an invalid address', async () => {
    smtp = await startSmtpListener();
    module = await notifierWith(mailSettings({ smtpUrl: `smtp://127.0.0.1:${smtp.port}` }));

    const result = await module.notifier.notify(
      leadNotification({
        name: '<script>alert(1)</script>',
        email: 'not-an-address" onmouseover="x',
        content: 'Hi <img src=x onerror=alert(2)> & "bye"',
      }),
    );

    expect(result.status).toBe('sent');
    const parsed = parseRawMail(smtp.mails[0].raw);
    expect(parsed.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(parsed.html).toContain('Hi &#60;img src=x onerror=alert(2)&#62; &#38; &#34;bye&#34;');
    expect(parsed.html).toContain('not-an-address&#34; onmouseover=&#34;x');
    expect(parsed.html).not.toMatch(/<script|<img/i);
    expect(parsed.headers.get('subject')).toBe('New lead: <script>alert(1)</script> (not-an-address" onmouseover="x)');
    expect(parsed.headers.has('reply-to')).toBe(false);
  });

  it('reports a refused recipient as failed, without the password in the result or the logs', async () => {
    smtp = await startSmtpListener({ refuse: true });
    const smtpUrl = `smtp://sales-bot:${PASSWORD}@127.0.0.1:${smtp.port}`;
    module = await notifierWith(mailSettings({ smtpUrl }));

    const result = await module.notifier.notify(leadNotification());

    expect(result).toEqual({
      status: 'failed',
      message: 'Lead notification failed: the mail server refused the sender or recipient (550)',
    });
    const logs = module.logs.lines.join('\n');
    expect(logs).toContain('code=EENVELOPE responseCode=550 command=RCPT TO');
    for (const secret of [PASSWORD, smtpUrl, 'sales-bot']) {
      expect(JSON.stringify(result)).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    expect(smtp.mails).toHaveLength(0);
  });

  it('reports a rejected login as failed', async () => {
    smtp = await startSmtpListener({ rejectLogin: true });
    module = await notifierWith(mailSettings({ smtpUrl: `smtp://sales-bot:${PASSWORD}@127.0.0.1:${smtp.port}` }));

    const result = await module.notifier.notify(leadNotification());

    expect(result).toEqual({ status: 'failed', message: 'Lead notification failed: the mail server rejected the login (535)' });
    expect(module.logs.lines.join('\n')).not.toContain(PASSWORD);
  });

  it('reports a closed port as failed', async () => {
    smtp = await startSmtpListener();
    const port = smtp.port;
    await smtp.close();
    module = await notifierWith(mailSettings({ smtpUrl: `smtps://sales-bot:${PASSWORD}@127.0.0.1:${port}` }));

    const result = await module.notifier.notify(leadNotification());

    expect(result).toEqual({ status: 'failed', message: 'Lead notification failed: could not connect to the mail server (ECONNREFUSED)' });
    expect(module.logs.lines.join('\n')).not.toContain(PASSWORD);
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
  });

  it('gives up on a server that accepts the connection but never greets', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      module = await notifierWith(mailSettings({ smtpUrl: `smtp://127.0.0.1:${port}`, smtpTimeoutMs: 200 }));

      const result = await module.notifier.notify(leadNotification());

      expect(result).toEqual({ status: 'failed', message: 'Lead notification failed: the mail server did not answer in time' });
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
