import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { testDatabaseEngines } from '@chat/test-support';
import {
  importDefaultAssistant,
  openTestDatabase,
  type TestDatabase,
} from '../../test/support/test-database';
import { apiKeys, messages, notifications } from '../database/schema';
import { AssistantStore } from '../assistants/assistant-store';
import { type BeginTurn, SessionRepository } from './session-repository';

/** The hash of the test owner's session token. */
const OWNER = 'a'.repeat(64);

describe.each(testDatabaseEngines())('SessionRepository on %s', (engine) => {
  let database: TestDatabase;
  let sessions: SessionRepository;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await importDefaultAssistant(database.connection);
    sessions = new SessionRepository(database.connection);
  });
  afterAll(() => database.dispose());

  const begin = (sessionId: string, content: string, limits: Partial<BeginTurn> = {}) =>
    sessions.beginTurn({
      sessionId,
      tokenHash: OWNER,
      newTokenHash: OWNER,
      leadId: randomUUID(),
      messageId: randomUUID(),
      content,
      maxMessages: 100,
      maxSessions: 1000,
      historyLimit: 10,
      ...limits,
    });

  /** A whole turn: begun, then completed in a transaction as the turn service does. */
  async function fullTurn(
    sessionId: string,
    content: string,
    reply: string,
    lead: Record<string, string> = {},
    isComplete = false,
  ) {
    const messageId = randomUUID();
    const start = await begin(sessionId, content, { messageId });
    if (!start.accepted) throw new Error(start.reason);
    const { completedNow } = await sessions.completeTurn({
      sessionId,
      leadId: start.leadId,
      userMessageId: messageId,
      reply: { id: randomUUID(), content: reply, finishReason: 'stop' },
      lead,
      isComplete,
      notifications: [],
    });
    return { completedNow, leadId: start.leadId };
  }

  it('begins a new session in one statement: the session, its lead and the pending message', async () => {
    const start = await begin('s-new', 'Hello');
    expect(start).toEqual({
      accepted: true,
      created: true,
      owner: { tokenHash: OWNER, apiKeyId: null },
      leadId: expect.any(String),
      lead: {},
      history: [],
      prompt: 'Hello',
      // The default assistant's live version, with its definition: the caller held none.
      assistant: {
        id: 'trading-education',
        version: 1,
        definition: expect.objectContaining({ id: 'trading-education' }),
      },
      preview: false,
      // Nobody asked for a person: the assistant answers.
      handoff: 'assistant',
      // Retrieval was not asked for (and the assistant has no knowledge).
      passages: [],
    });
    // Pending: not in the transcript, unless the running turn asks for it.
    expect((await sessions.find('s-new'))?.messages).toEqual([]);
  });

  it('pins a session to the live version of the assistant named, and sends a definition only to a caller without it', async () => {
    const store = new AssistantStore(database.connection);
    const draft = { ...(await store.get('trading-education')).draft, name: 'Second' };
    await store.create('second', { ...draft, id: 'second' }, 'test');
    expect(await begin('s-unpublished', 'Hi', { assistantId: 'second' })).toEqual({
      accepted: false,
      reason: 'assistant_not_found',
    });
    await store.publish('second', 'test');
    const first = await begin('s-second', 'Hi', { assistantId: 'second' });
    expect(first.accepted && first.assistant).toEqual({
      id: 'second',
      version: 1,
      definition: expect.objectContaining({ name: 'Second' }),
    });
    await store.publish('second', 'test');
    // The session keeps version 1; the caller holds it, so it is not sent again.
    const again = await begin('s-second', 'Again', {
      assistantId: 'second',
      heldVersions: '["second@1"]',
    });
    expect(again.accepted && again.assistant).toEqual({ id: 'second', version: 1 });
    const fresh = await begin('s-second-new', 'Hi', {
      assistantId: 'second',
      heldVersions: '["second@1"]',
    });
    expect(fresh.accepted && fresh.assistant).toMatchObject({
      id: 'second',
      version: 2,
      definition: expect.any(Object),
    });
    expect(await begin('s-second', 'Switch', { assistantId: 'trading-education' })).toEqual({
      accepted: false,
      reason: 'assistant_mismatch',
      assistantId: 'second',
    });
    expect(await begin('s-unknown', 'Hi', { assistantId: 'nobody' })).toEqual({
      accepted: false,
      reason: 'assistant_not_found',
    });
    await store.archive('second', 'test');
    expect(await begin('s-archived', 'Hi', { assistantId: 'second' })).toEqual({
      accepted: false,
      reason: 'assistant_not_found',
    });
    // Archiving stops new sessions; the ones under way go on.
    expect((await begin('s-second', 'Still there', { assistantId: 'second' })).accepted).toBe(true);
  });

  it('runs a preview on the draft as saved at each turn, and keeps previews and visitors apart', async () => {
    const store = new AssistantStore(database.connection);
    const draft = { ...(await store.get('trading-education')).draft, name: 'Unpublished' };
    await store.create('draft-only', { ...draft, id: 'draft-only' }, 'test');
    const first = await begin('s-preview', 'Hi', { assistantId: 'draft-only', preview: true });
    expect(first).toMatchObject({
      accepted: true,
      preview: true,
      assistant: { id: 'draft-only', version: 0, definition: { name: 'Unpublished' } },
    });
    await store.saveDraft('draft-only', { ...draft, id: 'draft-only', name: 'Edited' }, 'test');
    // Always sent, whatever the caller holds: a draft changes.
    const again = await begin('s-preview', 'Again', {
      preview: true,
      heldVersions: '["draft-only@0"]',
    });
    expect(again).toMatchObject({
      accepted: true,
      assistant: { version: 0, definition: { name: 'Edited' } },
    });
    expect(await begin('s-preview', 'As a visitor')).toEqual({
      accepted: false,
      reason: 'preview_mismatch',
    });
    await begin('s-visitor', 'Hi');
    expect(await begin('s-visitor', 'As a preview', { preview: true })).toEqual({
      accepted: false,
      reason: 'preview_mismatch',
    });
  });

  it('keeps whole turns, in order, with the lead as the last turn left it', async () => {
    await fullTurn('s-turns', 'Hi, I am Ada', 'Hello Ada! Your email?', { name: 'Ada' });
    const second = await fullTurn(
      's-turns',
      'ada@example.com',
      'Thanks!',
      { name: 'Ada', email: 'ada@example.com' },
      true,
    );
    expect(second.completedNow).toBe(true);
    const session = await sessions.find('s-turns');
    expect(
      session?.messages.map(({ role, content, finish_reason }) => [role, content, finish_reason]),
    ).toEqual([
      ['user', 'Hi, I am Ada', undefined],
      ['assistant', 'Hello Ada! Your email?', 'stop'],
      ['user', 'ada@example.com', undefined],
      ['assistant', 'Thanks!', 'stop'],
    ]);
    expect(session?.lead).toEqual({ name: 'Ada', email: 'ada@example.com' });
    // A lead completes once.
    expect(
      (await fullTurn('s-turns', 'bye', 'Bye!', { name: 'Ada', email: 'ada@example.com' }, true))
        .completedNow,
    ).toBe(false);
  });

  it('answers the latest complete messages as history, oldest first, without pending ones', async () => {
    for (let i = 1; i <= 4; i++) await fullTurn('s-history', `question ${i}`, `answer ${i}`);
    await begin('s-history', 'a turn that never completes');
    const start = await begin('s-history', 'question 5', { historyLimit: 3 });
    expect(start.accepted && start.history).toEqual([
      { role: 'assistant', content: 'answer 3' },
      { role: 'user', content: 'question 4' },
      { role: 'assistant', content: 'answer 4' },
    ]);
  });

  it('lets only the holder of the token continue a session, and creates a new one with its token', async () => {
    const created = await begin('s-owned', 'hi', {
      tokenHash: undefined,
      newTokenHash: 'b'.repeat(64),
    });
    expect(created).toMatchObject({ accepted: true, created: true });
    expect(await begin('s-owned', 'no token', { tokenHash: undefined })).toEqual({
      accepted: false,
      reason: 'forbidden',
    });
    expect(await begin('s-owned', 'wrong token', { tokenHash: 'c'.repeat(64) })).toEqual({
      accepted: false,
      reason: 'forbidden',
    });
    expect(await begin('s-owned', 'owner', { tokenHash: 'b'.repeat(64) })).toMatchObject({
      accepted: true,
      created: false,
    });
    // Refused calls wrote nothing.
    const session = await sessions.find('s-owned', undefined);
    expect(session?.owner).toEqual({ tokenHash: 'b'.repeat(64), apiKeyId: null });
    const pending = await database.connection.db
      .select()
      .from(messages)
      .where(eq(messages.sessionId, 's-owned'));
    expect(pending.map((m) => m.content)).toEqual(['hi', 'owner']);
  });

  it('gives a session an API key creates to that key: no token, and no other key or token continues it', async () => {
    const [keyA, keyB] = [randomUUID(), randomUUID()];
    await database.connection.db.insert(apiKeys).values([
      { id: keyA, name: 'A', keyHash: 'ka', prefix: 'csk_a', scopes: ['chat'] },
      { id: keyB, name: 'B', keyHash: 'kb', prefix: 'csk_b', scopes: ['chat'] },
    ]);
    const created = await begin('s-keyed', 'hi', {
      tokenHash: undefined,
      newTokenHash: null,
      apiKeyId: keyA,
    });
    expect(created).toMatchObject({
      accepted: true,
      created: true,
      owner: { tokenHash: null, apiKeyId: keyA },
    });
    for (const stranger of [{ apiKeyId: keyB }, { tokenHash: OWNER }, { tokenHash: undefined }]) {
      expect(
        await begin('s-keyed', 'not mine', {
          tokenHash: undefined,
          apiKeyId: undefined,
          ...stranger,
        }),
      ).toEqual({
        accepted: false,
        reason: 'forbidden',
      });
    }
    expect(await begin('s-keyed', 'again', { tokenHash: undefined, apiKeyId: keyA })).toMatchObject(
      { accepted: true, created: false },
    );
    // A visitor's session stays its token's, even for a caller with a key.
    await begin('s-visitor', 'hi', { tokenHash: undefined, newTokenHash: 'd'.repeat(64) });
    expect(await begin('s-visitor', 'mine?', { tokenHash: undefined, apiKeyId: keyA })).toEqual({
      accepted: false,
      reason: 'forbidden',
    });
    expect((await sessions.find('s-keyed'))?.owner).toEqual({ tokenHash: null, apiKeyId: keyA });
  });

  it('discards a failed turn: its pending message goes, the rest stays', async () => {
    await fullTurn('s-discard', 'first', 'reply');
    const messageId = randomUUID();
    await begin('s-discard', 'second', { messageId });
    expect((await sessions.find('s-discard', messageId))?.messages.map((m) => m.content)).toEqual([
      'first',
      'reply',
      'second',
    ]);
    await sessions.discardTurn(messageId);
    expect((await sessions.find('s-discard', messageId))?.messages.map((m) => m.content)).toEqual([
      'first',
      'reply',
    ]);
  });

  /** A regenerate turn's start: no `content`. */
  const regenerate = (sessionId: string, limits: Partial<BeginTurn> = {}) =>
    begin(sessionId, '', { content: undefined, ...limits });
  const transcript = async (sessionId: string) =>
    (await sessions.find(sessionId))?.messages.map(({ role, content }) => [role, content]);

  it('regenerates the last user message: a pending copy, the history before it, and the old messages replaced on completion', async () => {
    await fullTurn('s-regen', 'first', 'answer 1');
    await fullTurn('s-regen', 'second', 'answer 2');
    await fullTurn('s-regen-other', 'elsewhere', 'untouched');
    const messageId = randomUUID();
    const start = await regenerate('s-regen', { messageId });
    if (!start.accepted) throw new Error(start.reason);
    expect(start).toMatchObject({
      created: false,
      prompt: 'second',
      replacesFrom: expect.any(Number),
    });
    expect(start.history).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'answer 1' },
    ]);
    // Nothing is replaced before the turn completes; a reload meanwhile leaves out what it replaces.
    expect((await sessions.find('s-regen', messageId))?.messages.map((m) => m.content)).toEqual([
      'first',
      'answer 1',
      'second',
      'answer 2',
      'second',
    ]);
    expect(
      (await sessions.find('s-regen', messageId, start.replacesFrom))?.messages.map(
        (m) => m.content,
      ),
    ).toEqual(['first', 'answer 1', 'second']);
    await sessions.completeTurn({
      sessionId: 's-regen',
      leadId: start.leadId,
      userMessageId: messageId,
      reply: { id: randomUUID(), content: 'answer 2, again', finishReason: 'stop' },
      replacesFrom: start.replacesFrom,
      lead: {},
      isComplete: false,
      notifications: [],
    });
    expect(await transcript('s-regen')).toEqual([
      ['user', 'first'],
      ['assistant', 'answer 1'],
      ['user', 'second'],
      ['assistant', 'answer 2, again'],
    ]);
    expect((await sessions.find('s-regen'))?.messages[2].id).toBe(messageId);
    expect(await transcript('s-regen-other')).toEqual([
      ['user', 'elsewhere'],
      ['assistant', 'untouched'],
    ]);
  });

  it('leaves the old messages when a regenerate turn fails, or ends with no text', async () => {
    await fullTurn('s-regen-keep', 'question', 'answer');
    const before = await transcript('s-regen-keep');
    const failing = randomUUID();
    expect(await regenerate('s-regen-keep', { messageId: failing })).toMatchObject({
      accepted: true,
    });
    await sessions.discardTurn(failing);
    expect(await transcript('s-regen-keep')).toEqual(before);

    const silent = randomUUID();
    const start = await regenerate('s-regen-keep', { messageId: silent });
    if (!start.accepted) throw new Error(start.reason);
    await sessions.completeTurn({
      sessionId: 's-regen-keep',
      leadId: start.leadId,
      userMessageId: silent,
      replacesFrom: start.replacesFrom,
      lead: { name: 'Ada' },
      isComplete: false,
      notifications: [],
    });
    expect(await transcript('s-regen-keep')).toEqual(before);
    expect((await sessions.find('s-regen-keep', silent))?.messages).toHaveLength(2);
    // The lead is still the turn's to update.
    expect((await sessions.find('s-regen-keep'))?.lead).toEqual({ name: 'Ada' });
  });

  it('refuses to regenerate with nothing to answer again, an unknown session or a stranger, writing nothing', async () => {
    expect(await regenerate('s-regen-unknown')).toEqual({ accepted: false, reason: 'not_found' });
    expect(await sessions.find('s-regen-unknown')).toBeUndefined();
    // A session whose first turn is still pending (or failed) has no complete message.
    await begin('s-regen-empty', 'still running');
    expect(await regenerate('s-regen-empty')).toEqual({
      accepted: false,
      reason: 'nothing_to_regenerate',
    });
    await fullTurn('s-regen-theirs', 'mine', 'reply');
    expect(await regenerate('s-regen-theirs', { tokenHash: 'e'.repeat(64) })).toEqual({
      accepted: false,
      reason: 'forbidden',
    });
    expect(await regenerate('s-regen-empty', { tokenHash: undefined })).toEqual({
      accepted: false,
      reason: 'forbidden',
    });
    const rows = await database.connection.db
      .select()
      .from(messages)
      .where(inArray(messages.sessionId, ['s-regen-empty', 's-regen-theirs']));
    expect(rows.map((m) => m.content).sort()).toEqual(['mine', 'reply', 'still running']);
    // And within the session's message budget, as any message.
    expect(await regenerate('s-regen-theirs', { maxMessages: 2 })).toEqual({
      accepted: false,
      reason: 'session_full',
    });
  });

  it('refuses a message past the session limit, and a new session past the database limit', async () => {
    await fullTurn('s-full', 'one', 'two');
    expect(await begin('s-full', 'three', { maxMessages: 2 })).toEqual({
      accepted: false,
      reason: 'session_full',
    });
    expect((await sessions.find('s-full'))?.messages).toHaveLength(2);
    // The database's limit reads the table's size as the planner last estimated it.
    await database.connection.db.execute(sql`analyze sessions`);
    expect(await begin('s-brand-new', 'hi', { maxSessions: 1 })).toEqual({
      accepted: false,
      reason: 'too_many_sessions',
    });
    expect(await sessions.find('s-brand-new')).toBeUndefined();
  });

  it('queues the notification with the turn that completes the lead, and only with that one', async () => {
    const complete = async (content: string) => {
      const messageId = randomUUID();
      const start = await begin('s-queue', content, { messageId });
      if (!start.accepted) throw new Error(start.reason);
      return sessions.completeTurn({
        sessionId: 's-queue',
        leadId: start.leadId,
        userMessageId: messageId,
        lead: { name: 'Ada' },
        isComplete: true,
        notifications: [
          { id: randomUUID(), channel: 'email' },
          { id: randomUUID(), channel: 'webhook' },
        ],
      });
    };
    const first = await complete('I am Ada');
    expect(first).toEqual({
      completedNow: true,
      queued: expect.arrayContaining([
        { id: expect.any(String), channel: 'email' },
        { id: expect.any(String), channel: 'webhook' },
      ]),
    });
    expect(await complete('still Ada')).toEqual({ completedNow: false, queued: [] });
    const queued = await database.connection.db
      .select()
      .from(notifications)
      .where(
        inArray(
          notifications.id,
          first.queued.map((row) => row.id),
        ),
      );
    expect(queued.map((row) => [row.channel, row.status, row.attempts]).sort()).toEqual([
      ['email', 'queued', 0],
      ['webhook', 'queued', 0],
    ]);
  });

  it('shows where the email stands: not sent, queued while attempts go on, then sent or failed', async () => {
    const { leadId } = await fullTurn('s-email', 'hi', 'hello', { name: 'Ada' }, true);
    expect((await sessions.find('s-email'))?.emailStatus).toBe('not_sent');
    const id = randomUUID();
    await database.connection.db.insert(notifications).values({ id, leadId, channel: 'email' });
    expect((await sessions.find('s-email'))?.emailStatus).toBe('queued');
    for (const status of ['sending', 'sent', 'failed'] as const) {
      await database.connection.db
        .update(notifications)
        .set({ status })
        .where(eq(notifications.id, id));
      expect((await sessions.find('s-email'))?.emailStatus).toBe(
        status === 'sending' ? 'queued' : status,
      );
    }
  });

  it('gives a lead with its conversation up to completion for its notification', async () => {
    await fullTurn('s-collected', 'I am Ada', 'Email?', { name: 'Ada' });
    await fullTurn(
      's-collected',
      'ada@example.com',
      'Thanks',
      { name: 'Ada', email: 'ada@example.com' },
      true,
    );
    const { leadId } = await fullTurn(
      's-collected',
      'later question',
      'later answer',
      { name: 'Ada', email: 'ada@example.com' },
      true,
    );
    const collected = await sessions.collectedLead(leadId);
    expect(collected).toMatchObject({
      sessionId: 's-collected',
      fields: { name: 'Ada', email: 'ada@example.com' },
    });
    expect(collected?.messages.map((m) => m.content)).toEqual([
      'I am Ada',
      'Email?',
      'ada@example.com',
      'Thanks',
    ]);
  });

  it('stores hostile text as text', async () => {
    const text = "'); drop table sessions; -- \u0000? no: \u2028 ✓ 📈 \\ $1";
    await fullTurn('s-hostile', text.replace('\u0000', ''), text.replace('\u0000', ''));
    expect((await sessions.find('s-hostile'))?.messages[0].content).toBe(
      text.replace('\u0000', ''),
    );
  });
});
