import type {
  CreatedApiKey,
  LeadDetail,
  LeadNote,
  LeadPage,
  LeadStagesReply,
  LeadSummary,
} from '@chat/contracts';
import { ChatVisitor, StaffClient, waitFor } from '@chat/test-support';
import { sql } from 'drizzle-orm';
import { DatabaseConnection, rowsOf } from '../src/database/database';
import { leadActivity } from '../src/database/schema';
import { type RunningApi, startApi } from './support/api-server';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const AGENT = { email: 'agent@example.com', password: 'another long passphrase' };
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('the lead workflow', () => {
  let api: RunningApi;
  let admin: StaffClient;
  let agent: StaffClient;
  let reader: CreatedApiKey;

  beforeAll(async () => {
    api = await startApi({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    admin = new StaffClient(api.baseUrl);
    await admin.login(ADMIN.email, ADMIN.password);
    await admin.call('POST', '/api/admin/users', { body: { ...AGENT, role: 'agent' } });
    agent = new StaffClient(api.baseUrl);
    await agent.login(AGENT.email, AGENT.password);
    reader = await (
      await admin.call('POST', '/api/admin/api-keys', {
        body: { name: 'CRM', scopes: ['leads:read'] },
      })
    ).json();
    // Two leads, each with a name collected by the demo model.
    for (const [name, session] of [
      ['Ada Lovelace', 'workflow-ada'],
      ['Grace Hopper', 'workflow-grace'],
    ]) {
      await new ChatVisitor(api.baseUrl).turn({
        message: `My name is ${name}`,
        session_id: session,
      });
    }
  }, 60_000);
  afterAll(() => api.close());

  const asKey = (path: string, init: RequestInit = {}) =>
    fetch(`${api.baseUrl}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${reader.key}`, 'Content-Type': 'application/json' },
    });
  const anonymous = (path: string, init: RequestInit = {}) =>
    fetch(`${api.baseUrl}${path}`, { ...init, headers: { 'Content-Type': 'application/json' } });

  async function list(query = ''): Promise<LeadSummary[]> {
    const page: LeadPage = await (await asKey(`/api/leads${query}`)).json();
    return page.leads;
  }
  async function lead(name: string): Promise<LeadSummary> {
    const [found] = await list(`?q=${encodeURIComponent(name)}`);
    return found;
  }

  it('lists the pipeline, and every lead starts unread in its first stage, with no owner or tags', async () => {
    const stages: LeadStagesReply = await (await agent.call('GET', '/api/leads/stages')).json();
    expect(stages.stages).toEqual(['new', 'contacted', 'qualified', 'won', 'lost']);
    expect(await lead('Ada')).toMatchObject({ stage: 'new', owner: null, tags: [], unread: true });
  });

  it('reading with an API key leaves a lead unread; a staff member opening it marks it read', async () => {
    const { id } = await lead('Grace');
    const unread = async () => (await (await agent.call('GET', '/api/leads/unread')).json()).unread;
    const before = await unread();
    expect(before).toBeGreaterThanOrEqual(1);
    expect((await asKey(`/api/leads/${id}`)).status).toBe(200);
    expect(await lead('Grace')).toMatchObject({ unread: true });
    // The count is the staff's: a key may not read it, and a key's reading left it as it was.
    expect((await asKey('/api/leads/unread')).status).toBe(403);
    expect(await unread()).toBe(before);
    // Another staff member's live feed hears that it was read.
    const controller = new AbortController();
    const feed = await fetch(`${api.baseUrl}/api/leads/events`, {
      headers: { Cookie: `staff_session=${admin.cookies.get('staff_session')}` },
      signal: controller.signal,
    });
    let received = '';
    const reading = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of feed.body as unknown as AsyncIterable<Uint8Array>)
        received += decoder.decode(chunk, { stream: true });
    })().catch(() => undefined);
    const opened: LeadDetail = await (await agent.call('GET', `/api/leads/${id}`)).json();
    expect(opened.unread).toBe(false);
    expect(await lead('Grace')).toMatchObject({ unread: false });
    expect(await unread()).toBe(before - 1);
    await waitFor(() => received.includes(id) && received.includes('"unread":false'), 5_000);
    controller.abort();
    await reading;
  });

  it('changes stage, owner and tags, recording who did it, and filters by them', async () => {
    const { id } = await lead('Ada');
    const changed = await admin.call('PATCH', `/api/leads/${id}`, {
      body: { stage: 'contacted', owner: 'Agent@Example.com', tags: [' VIP ', 'call-back', 'vip'] },
    });
    expect(changed.status).toBe(200);
    const detail: LeadDetail = await changed.json();
    expect(detail).toMatchObject({
      stage: 'contacted',
      owner: AGENT.email,
      tags: ['call-back', 'vip'],
    });
    const changes = detail.activity.filter((entry) => entry.type === 'change');
    expect(changes).toHaveLength(3);
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'stage', from: 'new', to: 'contacted', by: ADMIN.email }),
        expect.objectContaining({ field: 'owner', from: null, to: AGENT.email, by: ADMIN.email }),
        expect.objectContaining({ field: 'tags', from: [], to: ['call-back', 'vip'] }),
      ]),
    );
    for (const change of changes) expect(Date.parse(change.at)).not.toBeNaN();

    const names = async (query: string) =>
      (await list(query)).map((found) => found.fields['name']).sort();
    expect(await names(`?owner=${encodeURIComponent(AGENT.email)}`)).toEqual(['Ada Lovelace']);
    expect(await names('?owner=none')).toEqual(['Grace Hopper']);
    expect(await names('?tag=VIP')).toEqual(['Ada Lovelace']);
    expect(await names('?stage=contacted')).toEqual(['Ada Lovelace']);
    expect(await names('?stage=new&assistant_id=trading-education')).toEqual(['Grace Hopper']);
    expect(await names('?tag=vip&assistant_id=another-one')).toEqual([]);
  });

  it('keeps notes, oldest first, with their author', async () => {
    const { id } = await lead('Ada');
    const posted = await agent.call('POST', `/api/leads/${id}/notes`, {
      body: { body: 'Wants the evening course.' },
    });
    expect(posted.status).toBe(201);
    const note: LeadNote = await posted.json();
    expect(note).toMatchObject({
      type: 'note',
      by: AGENT.email,
      body: 'Wants the evening course.',
    });
    const detail: LeadDetail = await (await agent.call('GET', `/api/leads/${id}`)).json();
    expect(detail.activity.at(-1)).toEqual(note);
  });

  it('refuses bad input with the field named, and an unknown lead as not found', async () => {
    const { id } = await lead('Ada');
    const cases: [string, unknown, RegExp][] = [
      ['PATCH', { stage: 'archived' }, /stage/],
      ['PATCH', { owner: 'nobody@example.com' }, /owner/],
      ['PATCH', { owner: 'not an email' }, /owner/],
      ['PATCH', { tags: ['no spaces inside'] }, /tags/],
      ['PATCH', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, /tags/],
      ['PATCH', { tags: ['x'.repeat(41)] }, /tags/],
      ['PATCH', { unknown: 1 }, /unknown/],
      ['POST', { body: 'x'.repeat(4001) }, /body/],
      ['POST', { body: '   ' }, /body/],
    ];
    for (const [method, body, field] of cases) {
      const path = method === 'PATCH' ? `/api/leads/${id}` : `/api/leads/${id}/notes`;
      const response = await agent.call(method, path, { body });
      const error = await response.json();
      expect([body, response.status, error.code]).toEqual([body, 400, 'invalid_request']);
      expect(error.message).toMatch(field);
    }
    for (const bad of ['?stage=Not%20A%20Stage', '?owner=nobody', '?tag=a%20b']) {
      expect([bad, (await asKey(`/api/leads${bad}`)).status]).toEqual([bad, 400]);
    }
    expect(
      (await agent.call('PATCH', `/api/leads/${UNKNOWN}`, { body: { stage: 'won' } })).status,
    ).toBe(404);
    expect(
      (await agent.call('POST', `/api/leads/${UNKNOWN}/notes`, { body: { body: 'hi' } })).status,
    ).toBe(404);
  });

  it('lets only signed-in staff with the CSRF token write', async () => {
    const { id } = await lead('Grace');
    const writes: [string, string, unknown][] = [
      ['PATCH', `/api/leads/${id}`, { stage: 'won' }],
      ['POST', `/api/leads/${id}/notes`, { body: 'hi' }],
    ];
    for (const [method, path, body] of writes) {
      const init = { method, body: JSON.stringify(body) };
      expect([path, (await anonymous(path, init)).status]).toEqual([path, 401]);
      expect([path, (await asKey(path, init)).status]).toEqual([path, 403]);
      expect([path, (await agent.call(method, path, { body, csrf: false })).status]).toEqual([
        path,
        403,
      ]);
    }
    expect((await anonymous('/api/leads/stages')).status).toBe(401);
    expect(await lead('Grace')).toMatchObject({ stage: 'new', owner: null });
  });

  it('exports the stage, owner and tags', async () => {
    const csv = await (await agent.call('GET', '/api/leads/export.csv?q=ada')).text();
    const [header, row] = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(header.split(',').slice(6, 10)).toEqual(['assistant_id', 'stage', 'owner', 'tags']);
    expect(row.split(',').slice(7, 10)).toEqual(['contacted', AGENT.email, 'call-back vip']);
  });

  it('erases the notes and changes with the lead', async () => {
    const { id } = await lead('Ada');
    expect((await admin.call('DELETE', `/api/leads/${id}`)).status).toBe(204);
    expect((await agent.call('GET', `/api/leads/${id}`)).status).toBe(404);
    expect((await admin.call('PATCH', `/api/leads/${id}`, { body: { stage: 'won' } })).status).toBe(
      404,
    );
    const { rows } = await rowsOf<{ count: number }>(
      api.app.get(DatabaseConnection).db,
      sql`select count(*)::int as count from ${leadActivity} where lead_id = ${id}`,
    );
    expect(rows[0].count).toBe(0);
  });
});
