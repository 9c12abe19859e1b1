import { eq, sql } from 'drizzle-orm';
import type { NotificationChannel } from '@chat/contracts';
import { testDatabaseEngines } from '@chat/test-support';
import { completedLead } from '../../test/support/completed-lead';
import {
  importDefaultAssistant,
  openTestDatabase,
  type TestDatabase,
} from '../../test/support/test-database';
import { erasureNotices, sessions } from '../database/schema';
import { LeadStore } from '../leads/lead-store';
import { SessionRepository } from '../sessions/session-repository';
import { ErasureNoticeOutbox } from './erasure-notice-outbox';

describe.each(testDatabaseEngines())('ErasureNoticeOutbox on %s', (engine) => {
  let database: TestDatabase;
  let notices: ErasureNoticeOutbox;
  let sessionRepository: SessionRepository;
  let leads: LeadStore;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await importDefaultAssistant(database.connection);
    notices = new ErasureNoticeOutbox(database.connection);
    sessionRepository = new SessionRepository(database.connection);
    leads = new LeadStore(database.connection);
  }, 30_000);
  afterAll(() => database.dispose());
  beforeEach(async () => {
    await database.connection.db.delete(sessions);
    await database.connection.db.delete(erasureNotices);
  });

  /** A completed lead with notifications queued on `channels`; answers its id. */
  const queuedLead = async (channels: NotificationChannel[]) =>
    (await completedLead(sessionRepository, channels)).leadId;

  const row = async (id: string) =>
    (
      await database.connection.db.select().from(erasureNotices).where(eq(erasureNotices.id, id))
    )[0];

  it('is written by the erasure of a lead queued for the webhook, and only then', async () => {
    const told = await queuedLead(['email', 'webhook']);
    const mailedOnly = await queuedLead(['email']);
    await leads.erase(told);
    await leads.erase(mailedOnly);
    const rows = await database.connection.db.select().from(erasureNotices);
    expect(rows).toEqual([
      expect.objectContaining({
        leadId: told,
        status: 'queued',
        attempts: 0,
        erasedAt: expect.any(Date),
      }),
    ]);
  });

  it('hands each due notice to one claim only, however many claim at once', async () => {
    const erased = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const leadId = await queuedLead(['webhook']);
        await leads.erase(leadId);
        return leadId;
      }),
    );
    const claims = await Promise.all(Array.from({ length: 6 }, () => notices.claim(60_000, 2)));
    const claimed = claims.flat();
    expect(new Set(claimed.map((claim) => claim.id)).size).toBe(claimed.length);
    expect(claimed.map((claim) => claim.leadId).sort()).toEqual([...erased].sort());
    expect(claimed.every((claim) => claim.attempt === 1 && claim.erasedAt instanceof Date)).toBe(
      true,
    );
    expect(await notices.claim(60_000, 10)).toEqual([]);
  });

  it('retries a failed attempt at its time, takes over an expired lease, and fences older outcomes', async () => {
    await leads.erase(await queuedLead(['webhook']));
    const [first] = await notices.claim(60_000, 1);
    await notices.markFailedAttempt(
      first,
      'The webhook answered HTTP 503',
      new Date(Date.now() + 60_000),
    );
    expect(await row(first.id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: 'The webhook answered HTTP 503',
    });
    // Not due before its time.
    expect(await notices.claim(60_000, 1)).toEqual([]);
    await database.connection.db.update(erasureNotices).set({ nextAttemptAt: sql`now()` });
    const [second] = await notices.claim(60_000, 1);
    expect(second).toMatchObject({ id: first.id, attempt: 2 });
    // Its instance died: once the lease is over, another claim takes it over.
    await database.connection.db
      .update(erasureNotices)
      .set({ leaseUntil: sql`now() - interval '1 second'` });
    const [third] = await notices.claim(60_000, 1);
    expect(third.attempt).toBe(3);
    await notices.markSent(second);
    expect(await row(first.id)).toMatchObject({ status: 'sending', attempts: 3 });
    await notices.markSent(third);
    expect(await row(first.id)).toMatchObject({
      status: 'sent',
      leaseUntil: null,
      lastError: null,
      sentAt: expect.any(Date),
    });
    expect(await notices.claim(60_000, 1)).toEqual([]);
  });

  it('fails a notice whose attempts are spent', async () => {
    await leads.erase(await queuedLead(['webhook']));
    const [claim] = await notices.claim(60_000, 1);
    await notices.markFailedAttempt(claim, 'The webhook could not be reached', undefined);
    expect(await row(claim.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await notices.claim(60_000, 1)).toEqual([]);
  });
});
