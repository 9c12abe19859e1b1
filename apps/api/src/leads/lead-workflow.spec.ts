import { randomUUID } from 'node:crypto';
import { DEFAULT_LEAD_STAGES } from '@chat/contracts';
import { testDatabaseEngines } from '@chat/test-support';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { parseLeadStages } from '../config/leads.config';
import { leadActivity, leads, sessions, staffUsers } from '../database/schema';
import { LeadStore } from './lead-store';
import { LeadWorkflow } from './lead-workflow';

describe('parseLeadStages', () => {
  it('defaults to the five stages and refuses a pipeline it could not keep', () => {
    expect(parseLeadStages(undefined)).toEqual(DEFAULT_LEAD_STAGES);
    expect(parseLeadStages(' new , call_back,done ')).toEqual(['new', 'call_back', 'done']);
    for (const bad of [
      'new',
      'new,New',
      'new,a b',
      'new,new',
      'open,closed',
      'new,' + 'x'.repeat(31),
    ]) {
      expect(() => parseLeadStages(bad)).toThrow(/LEAD_STAGES/);
    }
    expect(() =>
      parseLeadStages(Array.from({ length: 13 }, (_, i) => `s${i}`).join(',') + ',new'),
    ).toThrow(/2-12/);
  });
});

describe.each(testDatabaseEngines())('LeadWorkflow on %s', (engine) => {
  let database: TestDatabase;
  let store: LeadStore;
  let workflow: LeadWorkflow;
  const agent = { id: randomUUID(), email: 'agent@example.com' };
  const gone = { id: randomUUID(), email: 'gone@example.com' };

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    store = new LeadStore(database.connection);
    workflow = new LeadWorkflow(database.connection, { stages: DEFAULT_LEAD_STAGES });
    await database.connection.db.insert(staffUsers).values([
      { ...agent, passwordHash: 'x', role: 'agent' },
      { ...gone, passwordHash: 'x', role: 'agent', disabled: true },
    ]);
  }, 30_000);
  afterAll(() => database.dispose());
  beforeEach(() => database.connection.db.delete(sessions));

  async function addLead(name: string): Promise<string> {
    const sessionId = `s-${randomUUID()}`;
    const id = randomUUID();
    await database.connection.db.insert(sessions).values({ id: sessionId, tokenHash: 'x' });
    await database.connection.db.insert(leads).values({ id, sessionId, fields: { name } });
    return id;
  }

  it('records each change with its actor, and lists by stage, owner and tag', async () => {
    const id = await addLead('Ada');
    const other = await addLead('Bob');
    expect(await store.summary(id)).toMatchObject({
      stage: 'new',
      owner: null,
      tags: [],
      unread: true,
    });

    expect(
      await workflow.update(
        id,
        { stage: 'contacted', owner: 'AGENT@example.com', tags: ['vip', 'callback', 'vip'] },
        'admin@example.com',
      ),
    ).toBe(true);
    // The same values again change nothing and record nothing.
    expect(
      await workflow.update(
        id,
        { stage: 'contacted', tags: ['callback', 'vip'] },
        'admin@example.com',
      ),
    ).toBe(false);
    await workflow.update(id, { owner: null }, agent.email);

    const detail = await store.detail(id);
    expect(detail).toMatchObject({ stage: 'contacted', owner: null, tags: ['callback', 'vip'] });
    expect(detail.activity.map(({ id: _id, at: _at, ...rest }) => rest)).toEqual([
      expect.objectContaining({ type: 'change', by: 'admin@example.com' }),
      expect.objectContaining({ type: 'change', by: 'admin@example.com' }),
      expect.objectContaining({ type: 'change', by: 'admin@example.com' }),
      { type: 'change', by: agent.email, field: 'owner', from: agent.email, to: null },
    ]);
    expect(
      detail.activity
        .slice(0, 3)
        .map((entry) => entry.type === 'change' && [entry.field, entry.from, entry.to]),
    ).toEqual(
      expect.arrayContaining([
        ['stage', 'new', 'contacted'],
        ['owner', null, agent.email],
        ['tags', [], ['callback', 'vip']],
      ]),
    );

    await workflow.update(other, { owner: agent.email, tags: ['vip'] }, agent.email);
    const ids = async (query: Parameters<LeadStore['list']>[0]) =>
      (await store.list(query)).leads.map((lead) => lead.id);
    expect(await ids({ stage: 'contacted' })).toEqual([id]);
    expect(await ids({ owner: agent.email })).toEqual([other]);
    expect(await ids({ owner: 'none' })).toEqual([id]);
    expect((await ids({ tag: 'vip' })).sort()).toEqual([id, other].sort());
    expect(await ids({ tag: 'callback' })).toEqual([id]);
  });

  it('refuses an unknown stage, a disabled or unknown owner and an unknown lead, saying nothing more', async () => {
    const id = await addLead('Ada');
    await expect(workflow.update(id, { stage: 'archived' }, agent.email)).rejects.toMatchObject({
      code: 'invalid_request',
    });
    for (const owner of [gone.email, 'nobody@example.com']) {
      await expect(workflow.update(id, { owner }, agent.email)).rejects.toMatchObject({
        code: 'invalid_request',
        message: 'owner is not an active staff member.',
      });
    }
    const unknown = randomUUID();
    await expect(workflow.update(unknown, { stage: 'won' }, agent.email)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(workflow.addNote(unknown, 'hi', agent.email)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect((await store.detail(id)).activity).toEqual([]);
  });

  it('keeps notes in order, marks a lead seen once, and erases both with the lead', async () => {
    const id = await addLead('Ada');
    const first = await workflow.addNote(id, 'Called, no answer.', agent.email);
    await workflow.addNote(id, 'Called back.', 'admin@example.com');
    expect(first).toMatchObject({ type: 'note', by: agent.email, body: 'Called, no answer.' });
    expect(
      (await store.detail(id)).activity.map((entry) => entry.type === 'note' && entry.body),
    ).toEqual(['Called, no answer.', 'Called back.']);

    expect(await store.unreadCount()).toBe(1);
    await workflow.markSeen(id);
    expect(await store.unreadCount()).toBe(0);
    const seen = await database.connection.db.select({ at: leads.seenAt }).from(leads);
    await workflow.markSeen(id);
    expect(await database.connection.db.select({ at: leads.seenAt }).from(leads)).toEqual(seen);
    expect(await store.summary(id)).toMatchObject({ unread: false });

    await store.erase(id);
    expect(await database.connection.db.select().from(leadActivity)).toEqual([]);
  });
});
