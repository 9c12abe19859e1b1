import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { LeadData } from '@chat/contracts';
import { testDatabaseEngines } from '@chat/test-support';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { erasureNotices, leads, messages, notifications, sessions } from '../database/schema';
import { LeadStore } from './lead-store';

describe.each(testDatabaseEngines())('LeadStore on %s', (engine) => {
  let database: TestDatabase;
  let store: LeadStore;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    store = new LeadStore(database.connection);
  }, 30_000);
  afterAll(() => database.dispose());
  beforeEach(async () => {
    await database.connection.db.delete(sessions);
    await database.connection.db.delete(erasureNotices);
  });

  /** A session with a lead holding `fields`, created `minutesAgo` minutes ago. */
  async function addLead(
    fields: LeadData,
    options: { minutesAgo?: number; state?: 'collecting' | 'complete' } = {},
  ): Promise<string> {
    const sessionId = `s-${randomUUID()}`;
    const id = randomUUID();
    const at = sql`now() - ${options.minutesAgo ?? 0} * interval '1 minute'`;
    await database.connection.db.insert(sessions).values({ id: sessionId, tokenHash: 'x' });
    await database.connection.db.insert(leads).values({
      id,
      sessionId,
      fields,
      state: options.state ?? 'collecting',
      createdAt: at,
      completedAt: options.state === 'complete' ? at : null,
    });
    return id;
  }

  it('pages newest first without duplicates or gaps while leads arrive, and lists only leads with data', async () => {
    const older: string[] = [];
    for (let i = 0; i < 7; i += 1)
      older.push(await addLead({ name: `Lead ${i}` }, { minutesAgo: 100 - i }));
    // Two at the very same instant: the id breaks the tie.
    const sameInstant = sql`now() - interval '50 minutes'`;
    for (const name of ['Twin A', 'Twin B']) {
      const id = await addLead({ name });
      await database.connection.db.execute(
        sql`update ${leads} set created_at = ${sameInstant} where id = ${id}`,
      );
      older.push(id);
    }
    await addLead({}, { minutesAgo: 1 });

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.list({ cursor, limit: 2 });
      seen.push(...page.leads.map((lead) => lead.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
      // New leads keep arriving between pages.
      await addLead({ name: `Newcomer ${pages}` });
    } while (cursor);

    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual([...older].sort());
    expect(pages).toBe(5);
    const first = await store.list({ limit: 100 });
    expect(first.leads[0].fields['name']).toMatch(/^Newcomer/);
    expect(first.leads.map((lead) => lead.created_at)).toEqual(
      [...first.leads.map((lead) => lead.created_at)].sort().reverse(),
    );
  });

  it('filters by state, dates and text, with LIKE wildcards taken literally', async () => {
    await addLead(
      { name: 'José Núñez', email: 'jose@example.com' },
      { state: 'complete', minutesAgo: 10 },
    );
    await addLead({ name: 'Ana 100% sure' }, { minutesAgo: 20 });
    await addLead({ name: 'Anabel' }, { minutesAgo: 60 * 48 });

    const names = async (query: object) =>
      (await store.list(query)).leads.map((lead) => lead.fields['name']);
    expect(await names({ status: 'complete' })).toEqual(['José Núñez']);
    expect(await names({ q: 'núñez' })).toEqual(['José Núñez']);
    expect(await names({ q: 'EXAMPLE.COM' })).toEqual(['José Núñez']);
    expect(await names({ q: '100%' })).toEqual(['Ana 100% sure']);
    expect(await names({ q: '%' })).toEqual(['Ana 100% sure']);
    expect(await names({ q: 'an' })).toEqual(['Ana 100% sure', 'Anabel']);
    expect(await names({ since: new Date(Date.now() - 86_400_000).toISOString() })).toEqual([
      'José Núñez',
      'Ana 100% sure',
    ]);
    expect(await names({ until: new Date(Date.now() - 86_400_000).toISOString() })).toEqual([
      'Anabel',
    ]);
    await expect(store.list({ cursor: 'not-a-cursor' })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('tells where notifications stand, requeues failed ones, and erases a lead with everything of its session', async () => {
    const id = await addLead({ name: 'Ada' }, { state: 'complete' });
    const [lead] = await database.connection.db
      .select()
      .from(leads)
      .where(sql`id = ${id}`);
    await database.connection.db.insert(messages).values([
      { id: randomUUID(), sessionId: lead.sessionId, role: 'user', content: 'I am Ada' },
      {
        id: randomUUID(),
        sessionId: lead.sessionId,
        role: 'assistant',
        content: 'Hello Ada',
        finishReason: 'stop',
      },
      {
        id: randomUUID(),
        sessionId: lead.sessionId,
        role: 'user',
        content: 'pending',
        pending: true,
      },
    ]);
    expect((await store.summary(id))?.notification_status).toBe('not_sent');
    await database.connection.db.insert(notifications).values([
      {
        id: randomUUID(),
        leadId: id,
        channel: 'email',
        status: 'sent',
        attempts: 1,
        sentAt: new Date(),
      },
      {
        id: randomUUID(),
        leadId: id,
        channel: 'webhook',
        status: 'failed',
        attempts: 12,
        lastError: 'The webhook answered HTTP 500',
      },
    ]);

    const detail = await store.detail(id);
    expect(detail.notification_status).toBe('failed');
    expect(detail.messages.map((message) => message.content)).toEqual(['I am Ada', 'Hello Ada']);
    expect(detail.notifications).toMatchObject([
      { channel: 'email', status: 'sent', attempts: 1, sent_at: expect.stringMatching(/Z$/) },
      { channel: 'webhook', status: 'failed', last_error: 'The webhook answered HTTP 500' },
    ]);

    const requeued = await store.requeueFailed(id);
    expect(requeued).toMatchObject([
      { channel: 'webhook', status: 'queued', attempts: 0, last_error: null },
    ]);
    expect(await store.requeueFailed(id)).toEqual([]);
    expect((await store.summary(id))?.notification_status).toBe('queued');

    // It was queued for the webhook: the erasure itself leaves the receiver's notice, and nothing of the person.
    const erasedAt = Date.now();
    expect(await store.erase(id)).toEqual({ id, sessionId: lead.sessionId });
    const [notice, ...more] = await database.connection.db.select().from(erasureNotices);
    expect(more).toEqual([]);
    expect(notice).toMatchObject({ leadId: id, status: 'queued', attempts: 0 });
    expect(Math.abs(notice.erasedAt.getTime() - erasedAt)).toBeLessThan(5_000);
    expect(await store.erase(id)).toBeUndefined();
    await expect(store.detail(id)).rejects.toMatchObject({ code: 'not_found' });
    for (const table of [sessions, messages, notifications]) {
      expect(await database.connection.db.select().from(table)).toEqual([]);
    }
  });
});
