import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigModule } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { ThrottlerModule } from '@nestjs/throttler';
import { lastValueFrom } from 'rxjs';
import type { ChatEvent } from '@chat/contracts';
import { type FakeOpenAiServer, startFakeOpenAi } from '@chat/fake-openai';
import { appConfig } from '../config/app.config';
import { chatConfig } from '../config/chat.config';
import { RuleLeadReader } from '../lead-extraction/rule-lead-reader';
import { ModelModule } from '../model/model.module';
import { ProfileModule } from '../profile/profile.module';
import { DatabaseConnection } from '../database/database';
import { DatabaseModule } from '../database/database.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RedisModule } from '../redis/redis.module';
import { SessionRepository } from '../sessions/session-repository';
import { hashSessionToken } from '../sessions/session-token';
import { ChatModule } from './chat.module';
import { ChatTurnService } from './chat-turn.service';
import type { Generation } from './generation/generation';

/**
 * A turn through the real chat module and every collaborator it has in production (sessions,
 * the model client over the SDK, the model lead extractor, the outbox notifier), with the model
 * provider, the one thing outside our control, played by the local OpenAI-compatible server.
 */
describe('ChatTurnService', () => {
  const ADA = { name: 'Ada Lovelace', email: 'ada@example.com', experience: 'beginner' };
  let fake: FakeOpenAiServer;
  let outbox: string;
  let moduleRef: TestingModule;
  let turns: ChatTurnService;
  let sessions: SessionRepository;
  let dataDir: string;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    outbox = mkdtempSync(join(tmpdir(), 'turn-outbox-'));
    dataDir = mkdtempSync(join(tmpdir(), 'turn-data-'));
    const env: Record<string, string> = {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.url,
      OPENAI_MAX_ATTEMPTS: '1',
      OPENAI_STALL_TIMEOUT_MS: '5000',
      MAIL_OUTBOX_DIR: outbox,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
    };
    const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
    Object.assign(process.env, env);
    try {
      moduleRef = await Test.createTestingModule({
        imports: [
          ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig, chatConfig] }),
          ThrottlerModule.forRoot([{ name: 'default', ttl: 60_000, limit: 1000 }]),
          ProfileModule,
          DatabaseModule,
          RedisModule,
          MetricsModule,
          ModelModule.forRoot({ demoLeadReader: RuleLeadReader }),
          ChatModule,
        ],
      })
        .compile();
      // The first start's import of the profile as the default assistant (an init hook).
      await moduleRef.init();
      // The failures these tests cause on purpose are logged; the logs are not what is tested.
      moduleRef.useLogger(false);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    turns = moduleRef.get(ChatTurnService);
    sessions = moduleRef.get(SessionRepository);
  });

  afterAll(async () => {
    await moduleRef.close();
    await fake.close();
    rmSync(outbox, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => fake.reset());

  /** The session tokens the sessions' first turns gave, as a visitor keeps them. */
  const tokens = new Map<string, string>();

  /** Runs one turn and answers its events as objects, in order, once its stream has ended. */
  async function turn(sessionId: string, message: string, during?: (events: ChatEvent[], generation: Generation) => void) {
    const events: ChatEvent[] = [];
    let generation: Generation | undefined = undefined;
    generation = await turns.startTurn({ session_id: sessionId, message }, { sessionToken: tokens.get(sessionId) }, (event) => {
      events.push(event);
      if (event.type === 'start' && event.session_token) tokens.set(sessionId, event.session_token);
      // `start` is emitted before startTurn resolves; the rest come later.
      else if (generation) during?.(events, generation);
    });
    await lastValueFrom(generation.events$(), { defaultValue: undefined });
    const wire: string[] = [];
    generation.events$().subscribe((event) => wire.push(event.json));
    // What went over the wire is exactly what was emitted.
    expect(wire).toEqual(events.map((event) => JSON.stringify(event)));
    return { events, types: events.map((event) => event.type), generation };
  }

  const outboxFiles = () => readdirSync(outbox).filter((file) => file.endsWith('.eml'));

  it('streams start, the chunks and done, and keeps both messages and the lead', async () => {
    fake.enqueue({ text: 'Momentum trading follows the trend. May I have your name?' });
    fake.setStructuredReply({ json: { name: 'Ada Lovelace', email: null, phone: null, goals: null, experience: null } });

    const { events, types, generation } = await turn('turn-events', 'What is momentum trading? I am Ada Lovelace.');

    expect(types[0]).toBe('start');
    expect(types.at(-1)).toBe('done');
    expect(types.slice(1, -1).every((type) => type === 'chunk')).toBe(true);
    expect(events[0]).toEqual({
      type: 'start',
      session_id: 'turn-events',
      message_id: generation.messageId,
      stream_id: generation.streamId,
      model: 'gpt-4o-mini',
      assistant_id: 'trading-education',
      assistant_version: 1,
      session_token: tokens.get('turn-events'),
    });
    const reply = events.flatMap((event) => (event.type === 'chunk' ? [event.content] : [])).join('');
    expect(reply).toBe('Momentum trading follows the trend. May I have your name?');
    expect(events.at(-1)).toMatchObject({
      type: 'done',
      message_id: generation.messageId,
      finish_reason: 'stop',
      data_collected: { name: 'Ada Lovelace' },
      is_complete: false,
      missing_fields: ['email', 'experience'],
    });

    const session = await sessions.find('turn-events');
    expect(session?.messages.map(({ role, content, finish_reason }) => ({ role, content, finish_reason }))).toEqual([
      { role: 'user', content: 'What is momentum trading? I am Ada Lovelace.', finish_reason: undefined },
      { role: 'assistant', content: reply, finish_reason: 'stop' },
    ]);
    expect(session?.messages[1].id).toBe(generation.messageId);
    expect(session?.lead).toEqual({ name: 'Ada Lovelace' });
    expect(session?.emailStatus).toBe('not_sent');
    // The model was asked with the system prompt and the conversation so far.
    const asked = fake.requests.find((request) => request.stream)?.body;
    expect(asked.messages.at(-1)).toEqual({ role: 'user', content: 'What is momentum trading? I am Ada Lovelace.' });
    expect(asked.messages[0].role).toBe('system');
  });

  it('reaches the database once before the first token, and once after the reply', async () => {
    const client = (moduleRef.get(DatabaseConnection).db as unknown as { $client: { query: (...args: unknown[]) => unknown } }).$client;
    const queries = jest.spyOn(client, 'query');
    try {
      fake.enqueue({ text: 'One two three.', firstTokenDelayMs: 50 });
      let beforeFirstChunk: number | undefined;
      const { types } = await turn('turn-round-trips', 'Hello', (events) => {
        if (beforeFirstChunk === undefined && events.at(-1)?.type === 'chunk') beforeFirstChunk = queries.mock.calls.length;
      });
      expect(types.at(-1)).toBe('done');
      expect(beforeFirstChunk).toBe(1);
      expect(queries).toHaveBeenCalledTimes(2);
    } finally {
      queries.mockRestore();
    }
  });

  it('rolls a failed turn back: the transcript and the lead are as before it, and the error is an event', async () => {
    fake.enqueue({ text: 'Hello! May I have your name?' });
    fake.setStructuredReply({ json: { name: 'Ada Lovelace', email: null, phone: null, goals: null, experience: null } });
    await turn('turn-rollback', 'Hi, I am Ada Lovelace');
    const before = await sessions.find('turn-rollback');

    // Broken off mid-reply, after two chunks reached the client; the extraction found an email.
    fake.enqueue({ text: 'This reply will break off here', breakAfterTokens: 2 });
    fake.setStructuredReply({ json: { ...ADA, phone: null, goals: null } });
    const failed = await turn('turn-rollback', 'ada@example.com, and I am a beginner');

    expect(failed.types).toEqual(['start', 'chunk', 'chunk', 'error']);
    expect(failed.events.at(-1)).toEqual({
      type: 'error',
      code: 'upstream_unavailable',
      message: 'The model provider could not be reached. Please try again.',
      retryable: true,
    });
    const after = await sessions.find('turn-rollback');
    expect(after?.messages).toEqual(before?.messages);
    expect(after?.lead).toEqual({ name: 'Ada Lovelace' });
    expect(outboxFiles().filter((file) => file.includes('turn-rollback'))).toEqual([]);

    // Refused before the first token: nothing of the turn is kept either.
    fake.enqueue({ status: 500 });
    const refused = await turn('turn-rollback', 'Are you there?');
    expect(refused.types).toEqual(['start', 'error']);
    expect((await sessions.find('turn-rollback'))?.messages).toEqual(before?.messages);
  });

  it('keeps what was streamed of a cancelled turn', async () => {
    fake.enqueue({ text: 'One two three four five', stallAfterTokens: 2 });
    const { events } = await turn('turn-cancel', 'Tell me a long story', (seen, generation) => {
      if (seen.filter((event) => event.type === 'chunk').length === 2) generation.abort('cancelled');
    });

    expect(events.map((event) => event.type)).toEqual(['start', 'chunk', 'chunk', 'done']);
    expect(events.at(-1)).toMatchObject({ type: 'done', finish_reason: 'cancelled' });
    const session = await sessions.find('turn-cancel');
    expect(session?.messages.map(({ role, content, finish_reason }) => ({ role, content, finish_reason }))).toEqual([
      { role: 'user', content: 'Tell me a long story', finish_reason: undefined },
      { role: 'assistant', content: 'One two', finish_reason: 'cancelled' },
    ]);
  });

  it('notifies once, on the turn that completes the lead: email_sent follows done, and the outbox holds the mail', async () => {
    fake.setDefault({ text: 'Thanks!' });
    fake.setStructuredReply({ json: { name: 'Ada Lovelace', email: null, phone: null, goals: null, experience: null } });
    const first = await turn('turn-notify', 'I am Ada Lovelace');
    expect(first.types).not.toContain('email_sent');

    fake.setStructuredReply({ json: { ...ADA, phone: null, goals: null } });
    const completing = await turn('turn-notify', 'ada@example.com, and I am a beginner');
    // What was collected reached the model as data in a message of its own, not in its instructions.
    const asked = fake.requests.filter((request) => request.stream).at(-1)?.body;
    expect(asked.messages[0].content).not.toContain('Ada Lovelace');
    expect(asked.messages[1]).toEqual({ role: 'system', content: expect.stringContaining('{"name":"Ada Lovelace"}') });
    expect(completing.types.slice(-2)).toEqual(['done', 'email_sent']);
    expect(completing.events.at(-2)).toMatchObject({ is_complete: true, missing_fields: [], data_collected: ADA });
    expect(completing.events.at(-1)).toEqual({
      type: 'email_sent',
      message: 'Your details were sent to our team.',
    });
    const mails = outboxFiles().filter((file) => file.includes('turn-notify'));
    expect(mails).toHaveLength(1);
    const mail = readFileSync(join(outbox, mails[0]), 'utf8');
    expect(mail).toMatch(/^Subject: .*Ada Lovelace/m);
    expect(mail).toContain('ada@example.com');
    expect(mail).toContain('I am Ada Lovelace');
    expect((await sessions.find('turn-notify'))?.emailStatus).toBe('sent');

    const later = await turn('turn-notify', 'One more question');
    expect(later.types).not.toContain('email_sent');
    expect(outboxFiles().filter((file) => file.includes('turn-notify'))).toHaveLength(1);
  });

  it('answers the non-streaming call from the same events', async () => {
    fake.enqueue({ text: 'Hello Ada.' });
    fake.setStructuredReply({ json: { name: 'Ada Lovelace', email: null, phone: null, goals: null, experience: null } });

    const reply = await turns.reply({ session_id: 'turn-reply', message: 'I am Ada Lovelace' }, {});

    expect(reply).toEqual({
      session_id: 'turn-reply',
      session_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      message_id: (await sessions.find('turn-reply'))?.messages[1].id,
      reply: 'Hello Ada.',
      data_collected: { name: 'Ada Lovelace' },
      is_complete: false,
      missing_fields: ['email', 'experience'],
      email_sent: false,
    });
    fake.enqueue({ status: 500 });
    await expect(turns.reply({ session_id: 'turn-reply', message: 'Still there?' }, { sessionToken: reply.session_token })).rejects.toMatchObject({
      code: 'upstream_unavailable',
    });
  });

  it('gives a new session its token once, and continues or shows it only to the holder of that token', async () => {
    fake.setDefault({ text: 'Hello.' });
    const first = await turn('turn-owned', 'Hi');
    const token = tokens.get('turn-owned');
    expect(first.events[0]).toMatchObject({ type: 'start', session_token: token });
    const second = await turn('turn-owned', 'Hi again');
    expect(second.events[0]).not.toHaveProperty('session_token');
    for (const wrong of [undefined, 'not-the-token', `${token}x`]) {
      await expect(turns.startTurn({ session_id: 'turn-owned', message: 'I am the owner now' }, { sessionToken: wrong })).rejects.toMatchObject({ code: 'forbidden' });
      await expect(turns.transcript('turn-owned', { sessionToken: wrong })).rejects.toMatchObject({ code: 'forbidden' });
    }
    const transcript = await turns.transcript('turn-owned', { sessionToken: token });
    expect(transcript.messages.map((m) => m.content)).toEqual(['Hi', 'Hello.', 'Hi again', 'Hello.']);
    // The store keeps only the token's hash.
    expect((await sessions.find('turn-owned'))?.owner.tokenHash).toBe(hashSessionToken(token ?? ''));
  });
});
