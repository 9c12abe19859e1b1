import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { testDatabaseEngines } from '@chat/test-support';
import {
  importDefaultAssistant,
  openTestDatabase,
  type TestDatabase,
} from '../../test/support/test-database';
import type { ChatConfig } from '../config/chat.config';
import { erasureNotices, leads, messages, sessions } from '../database/schema';
import type { ErasedLead } from '../database/erased-lead';
import { SessionRepository } from './session-repository';
import { SessionRetention } from './session-retention';

describe.each(testDatabaseEngines())('SessionRetention on %s', (engine) => {
  let database: TestDatabase;
  let repository: SessionRepository;
  let retention: SessionRetention;
  const erasures: ErasedLead[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await importDefaultAssistant(database.connection);
    repository = new SessionRepository(database.connection);
    const config = { retentionDays: 30, sessionIdleTtlMs: 60 * 60_000 } as ChatConfig;
    retention = new SessionRetention(database.connection, config);
    retention.onErased(async (lead) => void erasures.push(lead));
  });
  afterAll(() => database.dispose());

  async function session(id: string, { idleDays = 0, complete = false, pending = false } = {}) {
    const begin = (messageId: string) =>
      repository.beginTurn({
        sessionId: id,
        tokenHash: 'a'.repeat(64),
        newTokenHash: 'a'.repeat(64),
        leadId: randomUUID(),
        messageId,
        content: 'hi',
        maxMessages: 10,
        maxSessions: 1000,
        historyLimit: 5,
      });
    const messageId = randomUUID();
    const start = await begin(messageId);
    if (!start.accepted) throw new Error('refused');
    await repository.completeTurn({
      sessionId: id,
      leadId: start.leadId,
      userMessageId: messageId,
      lead: {},
      isComplete: complete,
      notifications: [],
    });
    // A second turn whose instance died before it completed.
    if (pending) await begin(randomUUID());
    const at = sql`now() - ${idleDays} * interval '1 day'`;
    await database.connection.db.update(sessions).set({ updatedAt: at }).where(eq(sessions.id, id));
    await database.connection.db
      .update(messages)
      .set({ createdAt: at })
      .where(eq(messages.sessionId, id));
  }

  it('erases old sessions, idle incomplete ones and abandoned turns, by deletion, and keeps the rest', async () => {
    await session('old-complete', { idleDays: 31, complete: true });
    await session('idle-incomplete', { idleDays: 1 });
    await session('recent-complete', { idleDays: 1, complete: true });
    await session('recent-incomplete');
    await session('abandoned-turn', { idleDays: 0.5, complete: true, pending: true });

    const leadIds = new Map(
      (await database.connection.db.select().from(leads)).map((lead) => [lead.sessionId, lead.id]),
    );
    // Settled lead.erased notices past retention go; recent ones and those still due stay.
    const notice = (status: 'queued' | 'sent' | 'failed', ageDays: number) => ({
      id: randomUUID(),
      leadId: randomUUID(),
      erasedAt: sql`now()`,
      status,
      updatedAt: sql`now() - ${ageDays} * interval '1 day'`,
    });
    const keptNotices = [notice('queued', 40), notice('sent', 1)];
    await database.connection.db
      .insert(erasureNotices)
      .values([notice('sent', 31), notice('failed', 45), ...keptNotices]);
    expect(await retention.sweep()).toEqual({ sessions: 2, messages: 1, notices: 2 });
    const noticesLeft = await database.connection.db
      .select({ id: erasureNotices.id })
      .from(erasureNotices);
    expect(noticesLeft.map((row) => row.id).sort()).toEqual(
      keptNotices.map((row) => row.id).sort(),
    );

    const left = await database.connection.db.select({ id: sessions.id }).from(sessions);
    expect(left.map((row) => row.id).sort()).toEqual([
      'abandoned-turn',
      'recent-complete',
      'recent-incomplete',
    ]);
    // The lead and messages of an erased session are gone with it, not flagged.
    expect(
      await database.connection.db.select().from(leads).where(eq(leads.sessionId, 'old-complete')),
    ).toEqual([]);
    expect(
      await database.connection.db
        .select()
        .from(messages)
        .where(eq(messages.sessionId, 'idle-incomplete')),
    ).toEqual([]);
    // Each erased lead is announced, for its copies beyond the database (outbox file, streams) to go too.
    expect(erasures.sort((a, b) => a.sessionId.localeCompare(b.sessionId))).toEqual([
      { id: leadIds.get('idle-incomplete'), sessionId: 'idle-incomplete' },
      { id: leadIds.get('old-complete'), sessionId: 'old-complete' },
    ]);
    // Of the abandoned turn, only its pending message went.
    const kept = await database.connection.db
      .select()
      .from(messages)
      .where(eq(messages.sessionId, 'abandoned-turn'));
    expect(kept.map((message) => message.pending)).toEqual([false]);
  });
});
