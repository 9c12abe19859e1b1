import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import type { AssistantDetail } from '@chat/contracts';
import { postChatStream } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';
import { StaffClient } from '@chat/test-support';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const AGENT = { email: 'agent@example.com', password: 'another long passphrase' };
const WEBHOOK_SECRET = `whsec_${Buffer.from('a test secret of 32 bytes, ok!!!').toString('base64')}`;

/** A webhook receiver that counts what reaches it. */
async function startReceiver() {
  const received: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push(body);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/leads`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('staff preview the draft of an assistant (PROTOCOL.md, Assistants: preview)', () => {
  let api: RunningApi;
  let admin: StaffClient;
  let agent: StaffClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let draft: Record<string, unknown>;

  beforeAll(async () => {
    receiver = await startReceiver();
    api = await startApi({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LEAD_WEBHOOK_URL: receiver.url,
      LEAD_WEBHOOK_SECRET: WEBHOOK_SECRET,
      // The receiver listens on loopback, which the outbound guard refuses unless allowed.
      OUTBOUND_ALLOW_PRIVATE: 'true',
    });
    admin = new StaffClient(api.baseUrl);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
    const created = await admin.call('POST', '/api/admin/users', {
      body: { ...AGENT, role: 'agent' },
    });
    expect(created.status).toBe(201);
    agent = new StaffClient(api.baseUrl);
    expect((await agent.login(AGENT.email, AGENT.password)).status).toBe(200);
    const imported = await admin.call('GET', '/api/admin/assistants/trading-education');
    draft = ((await imported.json()) as AssistantDetail).draft as Record<string, unknown>;
    // A new assistant, never published: only its draft exists.
    const draftOnly = await admin.call('POST', '/api/admin/assistants', {
      body: {
        id: 'draft-only',
        draft: {
          ...draft,
          id: 'draft-only',
          name: 'Draft assistant',
          knowledge: [],
          fallback_answer: 'This answer comes from the saved draft.',
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
        },
      },
    });
    expect(draftOnly.status).toBe(201);
  });
  afterAll(async () => {
    await api.close();
    await receiver.close();
  });

  const preview = (body: Record<string, unknown>, token?: string, staff = admin) =>
    postChatStream(api.baseUrl, { preview: true, ...body }, token, staff.credentials());
  const emails = () => readdirSync(api.outboxDir).filter((name) => name.endsWith('.eml'));

  it('runs the saved draft of an unpublished assistant, and the session is never a lead', async () => {
    // Nobody else can talk to it: it has no published version.
    const visitor = await postChatStream(api.baseUrl, {
      message: 'Hi',
      assistant_id: 'draft-only',
    });
    expect(visitor.response.status).toBe(404);

    const first = await preview({
      message: 'What is the weather on Mars?',
      assistant_id: 'draft-only',
    });
    await first.finished;
    expect(first.response.status).toBe(200);
    expect(first.get('start')).toMatchObject({
      assistant_id: 'draft-only',
      assistant_version: 0,
      preview: true,
    });
    expect(first.text).toContain('This answer comes from the saved draft.');

    const sessionId = first.get('start').session_id;
    const token = first.sessionToken;

    // The details complete the lead, as they would for a visitor: the preview shows it...
    const answered = await preview({ message: 'Acme Corp', session_id: sessionId }, token);
    await answered.finished;
    expect(answered.get('done')).toMatchObject({
      data_collected: { company: 'Acme Corp' },
      is_complete: true,
    });
    // ...but it notifies no one, and staff do not find it among leads.
    expect(answered.find('email_sent')).toBeUndefined();
    const leads = await admin.call('GET', '/api/leads?limit=100');
    expect(JSON.stringify(await leads.json())).not.toContain(sessionId);
    const csv = await admin.call('GET', '/api/leads/export.csv');
    expect(await csv.text()).not.toContain(sessionId);

    // The next turn runs the draft as saved now: an edit shows without publishing.
    const detail = (await (
      await admin.call('GET', '/api/admin/assistants/draft-only')
    ).json()) as AssistantDetail;
    const saved = await admin.call('PUT', '/api/admin/assistants/draft-only/draft', {
      body: { ...detail.draft, fallback_answer: 'The edited draft answers now.' },
    });
    expect(saved.status).toBe(200);
    const edited = await preview(
      { message: 'What is the weather on Jupiter?', session_id: sessionId },
      token,
    );
    await edited.finished;
    expect(edited.text).toContain('The edited draft answers now.');

    // The reload of the preview reads the draft's fields.
    const transcript = await fetch(`${api.baseUrl}/api/chat/sessions/${sessionId}`, {
      headers: { 'X-Session-Token': token ?? '' },
    });
    expect(transcript.status).toBe(200);
    expect(await transcript.json()).toMatchObject({
      is_complete: true,
      messages: expect.any(Array),
    });

    // A preview session is continued only as a preview.
    const asVisitor = await postChatStream(
      api.baseUrl,
      { message: 'Still there?', session_id: sessionId },
      token,
    );
    expect(asVisitor.response.status).toBe(400);

    // The control: the same draft, published, notifies for a visitor's lead, by email and webhook.
    expect((await admin.call('POST', '/api/admin/assistants/draft-only/publish')).status).toBe(200);
    const real = await postChatStream(api.baseUrl, { message: 'Hi', assistant_id: 'draft-only' });
    await real.finished;
    const done = await postChatStream(
      api.baseUrl,
      { message: 'Acme Corp', session_id: real.get('start').session_id },
      real.sessionToken,
    );
    await done.finished;
    expect(done.get('done').is_complete).toBe(true);
    const deadline = Date.now() + 10_000;
    while (receiver.received.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toContain(real.get('start').session_id);
    expect(receiver.received[0]).not.toContain(sessionId);
    expect(emails()).toHaveLength(1);
  });

  it('refuses a preview to anyone but an admin with the CSRF header', async () => {
    const body = { preview: true, message: 'Hi', assistant_id: 'draft-only' };
    const refused = async (headers: Record<string, string>, sent: object = body) => {
      const response = await fetch(`${api.baseUrl}/api/chat/stream`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(sent),
      });
      return { status: response.status, body: await response.json() };
    };
    // No staff session: a visitor cannot run a draft.
    expect(await refused({})).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    // A staff session without the CSRF token: another site's form cannot use the cookie.
    expect(await refused(admin.credentials({ csrf: false }))).toMatchObject({
      status: 403,
      body: { code: 'forbidden' },
    });
    expect(
      await refused({ ...admin.credentials(), Origin: 'https://attacker.example' }),
    ).toMatchObject({ status: 403 });
    // Agents read assistants; they do not run drafts.
    expect(await refused(agent.credentials())).toMatchObject({ status: 403 });
    // An API key is an integration, never a staff member.
    const key = await admin.call('POST', '/api/admin/api-keys', {
      body: { name: 'integration', scopes: ['chat'] },
    });
    const { key: secret } = (await key.json()) as { key: string };
    expect(await refused({ Authorization: `Bearer ${secret}` })).toMatchObject({ status: 403 });
    // The non-streaming call is guarded alike.
    const reply = await fetch(`${api.baseUrl}/api/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(reply.status).toBe(401);
    // A visitor's session cannot be turned into a preview.
    const visitor = await postChatStream(api.baseUrl, { message: 'Hi' });
    await visitor.finished;
    const turned = await refused(
      { ...admin.credentials(), 'X-Session-Token': visitor.sessionToken ?? '' },
      { ...body, session_id: visitor.get('start').session_id },
    );
    expect(turned).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
  });
});
