import { randomUUID } from 'node:crypto';
import {
  postChatStream,
  type RunningBuiltApi,
  ScratchDirs,
  sessionTokenHeader,
  type SmtpListener,
  startBuiltApi,
  startSmtpListener,
  stopProcess,
  waitFor,
} from '@chat/test-support';
import { SessionRepository } from '../src/sessions/session-repository';
import { describeOnPostgres, importDefaultAssistant, openTestDatabase } from './support/test-database';

const scratch = new ScratchDirs();
afterAll(() => scratch.removeAll());

/** A visitor answering the demo model's questions one by one, to a complete lead. */
const CONVERSATION = ['What is momentum trading?', 'My name is Ana Silva', 'ana.silva@example.com', "I'm a beginner"];

/** The built server with only these settings (and a fast demo model), on the data in `dataDir`. */
function start(env: Record<string, string>): Promise<RunningBuiltApi> {
  return startBuiltApi(
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'warn',
      DEMO_MODEL_WORD_DELAY_MS: '0',
      RATE_LIMIT_MESSAGES: '10000',
      OUTBOX_POLL_MS: '100',
      ...env,
    },
    { timeoutMs: 30_000 },
  );
}

/** The visitor's session tokens: like the sessions, they outlive a restart of the server. */
const tokens = new Map<string, string>();

async function converse(api: RunningBuiltApi, sessionId: string, messages = CONVERSATION) {
  const turns = [];
  for (const message of messages) {
    const turn = await postChatStream(api.url, { message, session_id: sessionId }, tokens.get(sessionId));
    await turn.finished;
    if (turn.sessionToken) tokens.set(sessionId, turn.sessionToken);
    turns.push(turn);
  }
  return turns;
}

async function session(api: RunningBuiltApi, sessionId: string) {
  const response = await fetch(`${api.url}/api/chat/sessions/${sessionId}`, { headers: sessionTokenHeader(tokens.get(sessionId)) });
  return { status: response.status, body: await response.json() };
}

const mailsFor = (smtp: SmtpListener, name: string) => smtp.mails.filter((mail) => mail.raw.includes(name));

describe('durable data (the built server on its embedded database)', () => {
  let smtp: SmtpListener;
  let api: RunningBuiltApi | undefined;

  beforeEach(async () => (smtp = await startSmtpListener()));
  afterEach(async () => {
    await stopProcess(api?.child, { signal: 'SIGKILL' });
    api = undefined;
    await smtp.close();
  });

  it('keeps a conversation, its lead and its queued notification across a restart, and delivers the mail once the server is back', async () => {
    const dataDir = scratch.make('durable-');
    const env = { DATA_DIR: dataDir, SMTP_URL: smtp.url, OUTBOX_RETRY_BASE_MS: '300', OUTBOX_MAX_ATTEMPTS: '50' };
    smtp.setRefusing(true);
    api = await start(env);
    const turns = await converse(api, 'restart-1');
    expect(turns.at(-1)?.find('done')?.is_complete).toBe(true);
    expect(turns.at(-1)?.types).not.toContain('email_sent');
    const before = await session(api, 'restart-1');
    expect(before.body).toMatchObject({ is_complete: true, email_status: 'queued' });
    expect(before.body.messages).toHaveLength(8);

    // Stopped while the mail server still refuses; the notification is retried by the next run.
    await stopProcess(api.child);
    const refusedBefore = smtp.attempts();
    expect(refusedBefore).toBeGreaterThanOrEqual(1);
    api = await start(env);
    const after = await session(api, 'restart-1');
    expect(after.status).toBe(200);
    expect(after.body.messages).toEqual(before.body.messages);
    expect(after.body).toMatchObject({ is_complete: true, email_status: 'queued', data_collected: before.body.data_collected });

    smtp.setRefusing(false);
    await waitFor(async () => (await session(api as RunningBuiltApi, 'restart-1')).body.email_status === 'sent', 15_000, 100);
    expect(mailsFor(smtp, 'Ana Silva')).toHaveLength(1);
    // And no second one comes later.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(mailsFor(smtp, 'Ana Silva')).toHaveLength(1);
  });

  it('after kill -9 mid-turn, keeps only whole turns, and a mail server that hung gets the notification exactly once', async () => {
    const dataDir = scratch.make('killed-');
    const env = { DATA_DIR: dataDir, SMTP_URL: smtp.url, OUTBOX_LEASE_MS: '1500', OUTBOX_RETRY_BASE_MS: '200', SMTP_TIMEOUT_MS: '60000' };
    api = await start({ ...env, DEMO_MODEL_WORD_DELAY_MS: '40' });
    await converse(api, 'killed-1', CONVERSATION.slice(0, 1));
    const halfway = await postChatStream(api.url, { message: CONVERSATION[1], session_id: 'killed-1' }, tokens.get('killed-1'));
    await halfway.waitUntil((events) => events.some((e) => e.event.type === 'chunk'));
    // The stream breaks off with its server.
    halfway.finished.catch(() => undefined);
    await stopProcess(api.child, { signal: 'SIGKILL' });

    api = await start(env);
    const restarted = await session(api, 'killed-1');
    expect(restarted.body.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(restarted.body.active_stream).toBeNull();

    // The turn that completes the lead: the mail server takes the message and hangs; the
    // instance dies before it answers, so the notification was never accepted.
    smtp.hold();
    await converse(api, 'killed-1', CONVERSATION.slice(1));
    await waitFor(() => smtp.attempts() >= 1, 10_000, 50);
    await stopProcess(api.child, { signal: 'SIGKILL' });
    await waitFor(() => smtp.openConnections() === 0, 5000, 20);
    smtp.release();
    expect(mailsFor(smtp, 'Ana Silva')).toHaveLength(0);

    api = await start(env);
    await waitFor(async () => (await session(api as RunningBuiltApi, 'killed-1')).body.email_status === 'sent', 20_000, 100);
    await new Promise((resolve) => setTimeout(resolve, 800));
    // The hung delivery was cut with its process; the restarted worker delivered it once.
    expect(mailsFor(smtp, 'Ana Silva')).toHaveLength(1);
    const finished = await session(api, 'killed-1');
    expect(finished.body.messages).toHaveLength(8);
    expect(finished.body.is_complete).toBe(true);
    // Three starts on the embedded database (its first one creates it: ~6 s) and two kills.
  }, 90_000);
});

describeOnPostgres('two instances on one PostgreSQL database', () => {
  it('deliver every queued notification exactly once between them', async () => {
    const database = await openTestDatabase('postgres');
    await importDefaultAssistant(database.connection);
    const smtp = await startSmtpListener();
    const apis: RunningBuiltApi[] = [];
    try {
      // Forty completed leads whose notifications are queued, as turns leave them.
      const sessions = new SessionRepository(database.connection);
      const names: string[] = [];
      for (let i = 0; i < 40; i++) {
        const name = `Lead ${i} ${randomUUID().slice(0, 8)}`;
        names.push(name);
        const messageId = randomUUID();
        const start = await sessions.beginTurn({ sessionId: `pair-${i}`, tokenHash: undefined, newTokenHash: 'a'.repeat(64), leadId: randomUUID(), messageId, content: `I am ${name}`, maxMessages: 10, maxSessions: 1000, historyLimit: 5 });
        if (!start.accepted) throw new Error('refused');
        await sessions.completeTurn({
          sessionId: `pair-${i}`,
          leadId: start.leadId,
          userMessageId: messageId,
          lead: { name },
          isComplete: true,
          notifications: [{ id: randomUUID(), channel: 'email' }],
        });
      }
      // Both instances are up before the first delivery: the mail server hangs until then.
      smtp.hold();
      const env = { DATABASE_URL: database.env.DATABASE_URL ?? '', SMTP_URL: smtp.url, OUTBOX_POLL_MS: '50', LOG_LEVEL: 'info' };
      apis.push(...(await Promise.all([start(env), start(env)])));
      smtp.release();
      await waitFor(() => smtp.mails.length >= names.length, 30_000, 50);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      for (const name of names) expect(mailsFor(smtp, name)).toHaveLength(1);
      expect(smtp.mails).toHaveLength(names.length);
      // And both did some of the work.
      for (const api of apis) expect(api.output()).toMatch(/sent by SMTP/);
    } finally {
      await Promise.all(apis.map((api) => stopProcess(api.child)));
      await smtp.close();
      await database.dispose();
    }
  });
});
