import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { leadNotification, mailSettings, notifierWith } from './testing/lead-fixtures';
import { parseRawMail } from './testing/raw-mail';

interface ReceivedMail {
  from: string | false;
  to: string[];
  user?: string;
  raw: string;
}

const PASSWORD = 'Sup3r-Secret-Pa55';

/** A real SMTP listener on 127.0.0.1; `reject` makes it refuse every recipient with a 550. */
async function startSmtp(options: Partial<SMTPServerOptions> = {}) {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom && session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { received, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('LeadNotifier over SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let module: Awaited<ReturnType<typeof notifierWith>> | undefined;

  afterEach(async () => {
    await module?.close();
    module = undefined;
    await smtp?.close();
  });

  it('delivers the lead to the configured recipients with its fields and the transcript', async () => {
    smtp = await startSmtp();
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
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
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
    smtp = await startSmtp();
    module = await notifierWith(mailSettings({ smtpUrl: `smtp://127.0.0.1:${smtp.port}` }));

    const result = await module.notifier.notify(
      leadNotification({
        name: '<script>alert(1)</script>',
        email: 'not-an-address" onmouseover="x',
        content: 'Hi <img src=x onerror=alert(2)> & "bye"',
      }),
    );

    expect(result.status).toBe('sent');
    const parsed = parseRawMail(smtp.received[0].raw);
    expect(parsed.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(parsed.html).toContain('Hi &#60;img src=x onerror=alert(2)&#62; &#38; &#34;bye&#34;');
    expect(parsed.html).toContain('not-an-address&#34; onmouseover=&#34;x');
    expect(parsed.html).not.toMatch(/<script|<img/i);
    expect(parsed.headers.get('subject')).toBe('New lead: <script>alert(1)</script> (not-an-address" onmouseover="x)');
    expect(parsed.headers.has('reply-to')).toBe(false);
  });

  it('reports a refused recipient as failed, without the password in the result or the logs', async () => {
    smtp = await startSmtp({
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      },
    });
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
    expect(smtp.received).toHaveLength(0);
  });

  it('reports a rejected login as failed', async () => {
    smtp = await startSmtp({
      onAuth(_auth, _session, callback) {
        callback(new Error('Invalid username or password'));
      },
    });
    module = await notifierWith(mailSettings({ smtpUrl: `smtp://sales-bot:${PASSWORD}@127.0.0.1:${smtp.port}` }));

    const result = await module.notifier.notify(leadNotification());

    expect(result).toEqual({ status: 'failed', message: 'Lead notification failed: the mail server rejected the login (535)' });
    expect(module.logs.lines.join('\n')).not.toContain(PASSWORD);
  });

  it('reports a closed port as failed', async () => {
    smtp = await startSmtp();
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
