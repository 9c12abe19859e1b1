import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { testDatabaseEngines } from '@chat/test-support';
import { completedLead } from '../../test/support/completed-lead';
import {
  importDefaultAssistant,
  openTestDatabase,
  type TestDatabase,
} from '../../test/support/test-database';
import { notifications } from '../database/schema';
import { SessionRepository } from '../sessions/session-repository';
import { NotificationOutbox } from './notification-outbox';

describe.each(testDatabaseEngines())('NotificationOutbox on %s', (engine) => {
  let database: TestDatabase;
  let outbox: NotificationOutbox;
  let sessions: SessionRepository;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await importDefaultAssistant(database.connection);
    outbox = new NotificationOutbox(database.connection);
    sessions = new SessionRepository(database.connection);
  });
  afterAll(() => database.dispose());
  beforeEach(() => database.connection.db.delete(notifications));

  /** A completed lead with its email notification queued, as a turn leaves it. */
  async function queuedLead(): Promise<{ leadId: string; id: string }> {
    const { leadId, queued } = await completedLead(sessions, ['email']);
    if (!queued[0]) throw new Error('not queued');
    return { leadId, id: queued[0].id };
  }

  const row = async (id: string) =>
    (await database.connection.db.select().from(notifications).where(eq(notifications.id, id)))[0];

  it('queues one notification per lead and channel', async () => {
    const { leadId } = await queuedLead();
    await expect(
      database.connection.db
        .insert(notifications)
        .values({ id: randomUUID(), leadId, channel: 'email' }),
    ).rejects.toThrow();
  });

  it('hands each due notification to one claim only, however many claim at once', async () => {
    const queued = await Promise.all(Array.from({ length: 12 }, () => queuedLead()));
    const claims = await Promise.all(
      Array.from({ length: 6 }, () => outbox.claim(60_000, { limit: 3 })),
    );
    const claimed = claims.flat().map((claim) => claim.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.sort()).toEqual(queued.map((q) => q.id).sort());
    expect(await outbox.claim(60_000, { limit: 10 })).toEqual([]);
  });

  it('claims one notification by id only while it is due', async () => {
    const { id, leadId } = await queuedLead();
    const [claim] = await outbox.claim(60_000, { limit: 1, id });
    expect(claim).toEqual({ id, leadId, channel: 'email', attempt: 1 });
    expect(await outbox.claim(60_000, { limit: 1, id })).toEqual([]);
  });

  it('records a sent notification; an outcome of an older claim changes nothing', async () => {
    const { id } = await queuedLead();
    const [first] = await outbox.claim(60_000, { limit: 1, id });
    // Its lease ran out (the instance stalled) and another claim took it over.
    await database.connection.db
      .update(notifications)
      .set({ leaseUntil: sql`now() - interval '1 second'` })
      .where(eq(notifications.id, id));
    const [second] = await outbox.claim(60_000, { limit: 1, id });
    expect(second.attempt).toBe(2);
    await outbox.markFailedAttempt(first, 'late news from the first claim', new Date());
    expect(await row(id)).toMatchObject({ status: 'sending', attempts: 2, lastError: null });
    await outbox.markSent(second);
    expect(await row(id)).toMatchObject({
      status: 'sent',
      leaseUntil: null,
      sentAt: expect.any(Date),
    });
  });

  it('queues a failed attempt again for its next time, and fails it when there is none', async () => {
    const { id } = await queuedLead();
    const [claim] = await outbox.claim(60_000, { limit: 1, id });
    const next = new Date(Date.now() + 60_000);
    await outbox.markFailedAttempt(claim, 'Mail server refused', next);
    expect(await row(id)).toMatchObject({
      status: 'queued',
      lastError: 'Mail server refused',
      attempts: 1,
    });
    expect((await row(id)).nextAttemptAt.getTime()).toBeCloseTo(next.getTime(), -3);
    // Not due before its time.
    expect(await outbox.claim(60_000, { limit: 1 })).toEqual([]);
    await database.connection.db
      .update(notifications)
      .set({ nextAttemptAt: sql`now()` })
      .where(eq(notifications.id, id));
    const [again] = await outbox.claim(60_000, { limit: 1 });
    await outbox.markFailedAttempt(again, 'Mail server refused', undefined);
    expect(await row(id)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(await outbox.claim(60_000, { limit: 1 })).toEqual([]);
  });
});
