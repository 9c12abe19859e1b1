import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AssistantDetail } from '@chat/contracts';
import { postChatStream } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';
import { StaffClient } from '@chat/test-support';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };

describe('chat runs the assistant a session is pinned to', () => {
  let api: RunningApi;
  let admin: StaffClient;
  let draft: Record<string, unknown>;

  beforeAll(async () => {
    api = await startApi({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    admin = new StaffClient(api.baseUrl);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
    const imported = await admin.call('GET', '/api/admin/assistants/trading-education');
    draft = ((await imported.json()) as AssistantDetail).draft as Record<string, unknown>;
  });
  afterAll(() => api.close());

  /** A second assistant: its own name, greeting, fallback answer and a single required field. */
  const second = (fallback: string) => ({
    ...draft,
    id: 'second',
    name: 'Second assistant',
    greeting: 'Hello from the second assistant.',
    fallback_answer: fallback,
    knowledge: [],
    fields: [
      {
        name: 'company',
        label: 'Company',
        description: 'The company the visitor works for.',
        kind: 'text',
        required: true,
        question: 'Which company do you work for?',
      },
    ],
  });

  async function chat(body: Record<string, unknown>): Promise<{ status: number; body: any }> {
    const response = await fetch(`${api.baseUrl}/api/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  it('streams with the named assistant, keeps a session on its version, and refuses unknown ids and switches', async () => {
    const created = await admin.call('POST', '/api/admin/assistants', {
      body: { id: 'second', draft: second('Version one answers this.') },
    });
    expect(created.status).toBe(201);
    expect((await chat({ message: 'Hi', assistant_id: 'second' })).status).toBe(404);
    expect((await admin.call('POST', '/api/admin/assistants/second/publish')).status).toBe(200);

    const first = await postChatStream(api.baseUrl, {
      message: 'Tell me about the weather',
      session_id: 'pinned-1',
      assistant_id: 'second',
    });
    await first.finished;
    expect(first.get('start')).toMatchObject({ assistant_id: 'second', assistant_version: 1 });
    expect(first.text).toContain('Version one answers this.');
    expect(first.get('done').missing_fields).toEqual(['company']);

    const publicView = await (await fetch(`${api.baseUrl}/api/assistants/second`)).json();
    expect(publicView).toMatchObject({ greeting: 'Hello from the second assistant.', version: 1 });

    expect(
      (
        await admin.call('PUT', '/api/admin/assistants/second/draft', {
          body: second('Version two answers this.'),
        })
      ).status,
    ).toBe(200);
    expect((await admin.call('POST', '/api/admin/assistants/second/publish')).status).toBe(200);

    const again = await postChatStream(
      api.baseUrl,
      { message: 'And the weather tomorrow?', session_id: 'pinned-1' },
      first.sessionToken,
    );
    await again.finished;
    expect(again.get('start')).toMatchObject({ assistant_id: 'second', assistant_version: 1 });
    expect(again.text).toContain('Version one answers this.');

    const fresh = await postChatStream(api.baseUrl, {
      message: 'Tell me about the weather',
      assistant_id: 'second',
    });
    await fresh.finished;
    expect(fresh.get('start')).toMatchObject({ assistant_id: 'second', assistant_version: 2 });
    expect(fresh.text).toContain('Version two answers this.');

    const unknown = await chat({ message: 'Hi', assistant_id: 'nobody' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');

    const switched = await fetch(`${api.baseUrl}/api/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Session-Token': first.sessionToken ?? '' },
      body: JSON.stringify({
        message: 'Hi',
        session_id: 'pinned-1',
        assistant_id: 'trading-education',
      }),
    });
    expect(switched.status).toBe(400);
    expect((await switched.json()).code).toBe('invalid_request');

    expect((await chat({ message: 'Hi', assistant_id: 'Not_Valid' })).status).toBe(400);

    // Staff see each lead under the assistant its session runs, and filter on it (a lead is
    // listed once it holds a detail: the answer to the second assistant's question).
    const answered = await postChatStream(
      api.baseUrl,
      { message: 'Acme Corp', session_id: 'pinned-1' },
      first.sessionToken,
    );
    await answered.finished;
    expect(answered.get('done').data_collected).toEqual({ company: 'Acme Corp' });
    // The lead is complete: its email names the second assistant and lists its own field.
    expect(answered.get('done').is_complete).toBe(true);
    expect(answered.find('email_sent')).toBeDefined();
    const [eml] = readdirSync(api.outboxDir).filter((name) => name.endsWith('.eml'));
    const email = readFileSync(join(api.outboxDir, eml), 'utf8');
    expect(email).toContain('Second assistant');
    expect(email).toMatch(/Company:?\s+Acme Corp/);
    const listed = async (assistantId: string) => {
      const page = await admin.call('GET', `/api/leads?assistant_id=${assistantId}&limit=100`);
      expect(page.status).toBe(200);
      return ((await page.json()) as { leads: { session_id: string; assistant_id: string }[] })
        .leads;
    };
    const ofSecond = await listed('second');
    expect(ofSecond.map((lead) => lead.session_id)).toContain('pinned-1');
    expect(ofSecond.every((lead) => lead.assistant_id === 'second')).toBe(true);
    expect(ofSecond).toHaveLength(1);
    const ofDefault = await listed('trading-education');
    expect(ofDefault.map((lead) => lead.session_id)).not.toContain('pinned-1');
    // The CSV has a column for every field of every version its leads may come from: the
    // second assistant's company is not dropped because the default assistant has no such field.
    const csv = async (query: string) => {
      const response = await admin.call('GET', `/api/leads/export.csv${query}`);
      expect(response.status).toBe(200);
      const [header, ...rows] = (await response.text()).replace(/^\uFEFF/, '').split('\r\n');
      const columns = header.split(',');
      const row = rows.find((line) => line.includes('pinned-1'))?.split(',') ?? [];
      return { columns, company: row[columns.indexOf('company')] };
    };
    const ofSecondCsv = await csv('?assistant_id=second');
    expect(ofSecondCsv.columns.slice(10)).toEqual(['company']);
    expect(ofSecondCsv.company).toBe('Acme Corp');
    const everyCsv = await csv('');
    expect(everyCsv.columns).toEqual(expect.arrayContaining(['name', 'email', 'company']));
    expect(everyCsv.company).toBe('Acme Corp');
  });

  it('runs the default assistant when none is named', async () => {
    const stream = await postChatStream(api.baseUrl, { message: 'What is momentum trading?' });
    await stream.finished;
    expect(stream.get('start')).toMatchObject({
      assistant_id: 'trading-education',
      assistant_version: 1,
    });
    expect(stream.text).toMatch(/momentum/i);
  });
});
