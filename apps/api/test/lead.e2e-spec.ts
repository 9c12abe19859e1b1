import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ChatVisitor, type SseReader, startSmtpListener, waitFor } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';

/** A visitor answering the demo model's questions one by one. */
const CONVERSATION = [
  'What is momentum trading?',
  'My name is Ana Silva',
  'ana.silva@example.com',
  "I'm a beginner",
];

/** One visitor per API, keeping the session tokens as the portal does. */
const visitors = new Map<string, ChatVisitor>();
const visitorOf = (api: RunningApi) => visitors.get(api.baseUrl) ?? visitors.set(api.baseUrl, new ChatVisitor(api.baseUrl)).get(api.baseUrl) as ChatVisitor;

async function converse(api: RunningApi, sessionId: string): Promise<SseReader[]> {
  const turns: SseReader[] = [];
  for (const message of CONVERSATION) turns.push(await visitorOf(api).turn({ message, session_id: sessionId }));
  return turns;
}

describe('a conversation to a complete lead', () => {
  it('collects the fields, completes the lead and mails the notification over SMTP', async () => {
    const smtp = await startSmtpListener();
    const api = await startApi({ SMTP_URL: smtp.url, LEAD_NOTIFY_TO: 'sales@example.com' });
    try {
      const turns = await converse(api, 'lead-smtp');
      const dones = turns.map((turn) => turn.get('done'));
      expect(dones.slice(0, -1).every((done) => !done.is_complete)).toBe(true);
      expect(dones[1].data_collected).toMatchObject({ name: 'Ana Silva' });
      const last = turns[turns.length - 1];
      expect(last.find('done')).toMatchObject({
        is_complete: true,
        missing_fields: [],
        data_collected: { name: 'Ana Silva', email: 'ana.silva@example.com', experience: 'beginner' },
      });
      expect(last.types.slice(-2)).toEqual(['done', 'email_sent']);
      expect(turns.slice(0, -1).every((turn) => !turn.types.includes('email_sent'))).toBe(true);

      expect(smtp.mails).toHaveLength(1);
      const mail = smtp.mails[0];
      expect(mail.to).toEqual(['sales@example.com']);
      expect(mail.raw).toMatch(/^Subject: .*Ana Silva/m);
      expect(mail.raw).toContain('ana.silva@example.com');
      expect(mail.raw).toContain('beginner');
      expect(mail.raw).toContain('What is momentum trading?');

      // The lead is complete: a later turn sends no second email.
      const after = await visitorOf(api).turn({ message: 'Thanks!', session_id: 'lead-smtp' });
      expect(after.types).not.toContain('email_sent');
      expect(smtp.mails).toHaveLength(1);

      const session = (await visitorOf(api).session('lead-smtp')).body;
      expect(session).toMatchObject({ is_complete: true, email_status: 'sent' });
      expect(session.messages).toHaveLength(10);
    } finally {
      await api.close();
      await smtp.close();
    }
  });

  it('writes the notification to the outbox when no SMTP server is configured', async () => {
    const api = await startApi({ SMTP_URL: undefined });
    try {
      const turns = await converse(api, 'lead-outbox');
      const sent = turns[turns.length - 1].find('email_sent');
      // The visitor is told the details went out, never where to (a file path here).
      expect(sent?.message).toBe('Your details were sent to our team.');
      const files = readdirSync(api.outboxDir).filter((name) => name.endsWith('.eml'));
      expect(files).toHaveLength(1);
      const eml = readFileSync(join(api.outboxDir, files[0]), 'utf8');
      expect(eml).toContain('ana.silva@example.com');
    } finally {
      await api.close();
    }
  });

  it('a refused mail never fails the chat: the notification stays queued, and failed once its attempts are spent', async () => {
    const smtp = await startSmtpListener({ refuse: true });
    const api = await startApi({ SMTP_URL: smtp.url, OUTBOX_MAX_ATTEMPTS: '2', OUTBOX_RETRY_BASE_MS: '50', OUTBOX_POLL_MS: '50' });
    try {
      const turns = await converse(api, 'lead-refused');
      const last = turns[turns.length - 1];
      expect(last.find('done')?.is_complete).toBe(true);
      expect(last.types).not.toContain('email_sent');
      expect(last.types).not.toContain('error');
      const status = async () => (await visitorOf(api).session('lead-refused')).body.email_status;
      expect(['queued', 'failed']).toContain(await status());
      await waitFor(async () => (await status()) === 'failed', 5000, 50);
    } finally {
      await api.close();
      await smtp.close();
    }
  });
  it('a mail server that hangs holds neither the stream nor the session: the notification goes out when it answers', async () => {
    const smtp = await startSmtpListener();
    smtp.hold();
    const api = await startApi({ SMTP_URL: smtp.url, NOTIFY_IN_TURN_TIMEOUT_MS: '300', OUTBOX_POLL_MS: '50' });
    try {
      const turns = await converse(api, 'lead-hung');
      const last = turns[turns.length - 1];
      expect(last.find('done')?.is_complete).toBe(true);
      expect(last.types).not.toContain('email_sent');
      // The session is free at once: the next message is answered, not refused with 409.
      const next = await visitorOf(api).turn({ message: 'Thanks!', session_id: 'lead-hung' });
      expect(next.find('done')).toBeDefined();
      const status = async () => (await visitorOf(api).session('lead-hung')).body.email_status;
      expect(await status()).toBe('queued');
      smtp.release();
      await waitFor(async () => (await status()) === 'sent', 5000, 50);
      expect(smtp.mails).toHaveLength(1);
    } finally {
      smtp.release();
      await api.close();
      await smtp.close();
    }
  });
  it('a shutdown waits for the notification under way, so it is recorded once and never sent again', async () => {
    const smtp = await startSmtpListener();
    smtp.hold();
    const first = await startApi({ SMTP_URL: smtp.url, NOTIFY_IN_TURN_TIMEOUT_MS: '300', OUTBOX_LEASE_MS: '1000', OUTBOX_POLL_MS: '50' });
    const dataDir = first.dataDir;
    let second: RunningApi | undefined;
    try {
      await converse(first, 'lead-shutdown');
      // The turn is over; its notification's first attempt still waits on the mail server.
      const closing = first.close({ keepData: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
      smtp.release();
      await closing;
      expect(smtp.mails).toHaveLength(1);

      second = await startApi({ SMTP_URL: smtp.url, DATA_DIR: dataDir, OUTBOX_LEASE_MS: '1000', OUTBOX_POLL_MS: '50' });
      const token = visitorOf(first).tokenOf('lead-shutdown') ?? '';
      const session = await (await fetch(`${second.baseUrl}/api/chat/sessions/lead-shutdown`, { headers: { 'X-Session-Token': token } })).json();
      expect(session.email_status).toBe('sent');
      // Well past the lease: no second attempt.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(smtp.mails).toHaveLength(1);
    } finally {
      smtp.release();
      await second?.close();
      rmSync(dataDir, { recursive: true, force: true });
      await smtp.close();
    }
  });
});
