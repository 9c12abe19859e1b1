import { createHmac } from 'node:crypto';
import type { AssistantDetail, IdentitySecret } from '@chat/contracts';
import { postChatStream } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';
import { StaffClient } from '@chat/test-support';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const AGENT = { email: 'agent@example.com', password: 'another long passphrase' };
const hmac = (secret: string, email: string) =>
  createHmac('sha256', secret).update(email).digest('hex');

describe("a host site's signed-in visitor (PROTOCOL.md, Website widget: identify)", () => {
  let api: RunningApi;
  let admin: StaffClient;

  beforeAll(async () => {
    api = await startApi({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    admin = new StaffClient(api.baseUrl);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
  });
  afterAll(() => api.close());

  const rotate = async (staff = admin) =>
    staff.call('POST', '/api/admin/assistants/trading-education/identity-secret');
  const collected = async (identity: object) => {
    const stream = await postChatStream(api.baseUrl, { message: 'What is a stock?', identity });
    await stream.finished;
    expect(stream.response.status).toBe(200);
    return stream.get('done').data_collected;
  };

  it('takes the email and name as collected only with the HMAC of the email under the current secret', async () => {
    const made = await rotate();
    expect(made.status).toBe(201);
    const { identity_secret: secret } = (await made.json()) as IdentitySecret;
    expect(secret).toMatch(/^idv_[A-Za-z0-9_-]{43}$/);
    // Shown once: the detail says there is one, and neither it nor the export holds it.
    const detail = await admin.call('GET', '/api/admin/assistants/trading-education');
    const body = await detail.text();
    expect((JSON.parse(body) as AssistantDetail).identity_verification).toBe(true);
    expect(body).not.toContain(secret);
    const exported = await admin.call('GET', '/api/admin/assistants/trading-education/export.yaml');
    expect(await exported.text()).not.toContain(secret);

    const email = 'ada@example.com';
    expect(
      await collected({ email, name: 'Ada Lovelace', user_hash: hmac(secret, email) }),
    ).toMatchObject({
      email,
      name: 'Ada Lovelace',
    });
    // The lead is the staff's to see, with what the site vouched for.
    const listed = await admin.call('GET', `/api/leads?q=${encodeURIComponent(email)}`);
    expect(((await listed.json()) as { leads: { fields: object }[] }).leads).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ email, name: 'Ada Lovelace' }) }),
    ]);
    // A page that merely says who its visitor is, or signs another email, is not believed.
    expect(await collected({ email, name: 'Ada Lovelace' })).toEqual({});
    expect(await collected({ email, user_hash: hmac(secret, 'eve@example.com') })).toEqual({});
    expect(await collected({ email, user_hash: hmac('idv_guessed', email) })).toEqual({});

    // A new secret ends the old one (within the second its cache lasts).
    const { identity_secret: next } = (await (await rotate()).json()) as IdentitySecret;
    expect(next).not.toBe(secret);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await collected({ email, user_hash: hmac(secret, email) })).toEqual({});
    expect(await collected({ email, user_hash: hmac(next, email) })).toMatchObject({ email });
  });

  it('refuses a malformed identity, and lets only admins make a secret', async () => {
    const bad = await fetch(`${api.baseUrl}/api/chat/stream`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ message: 'Hi', identity: { email: 'not an email', user_hash: 'zz' } }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'invalid_request' });
    expect(
      (await admin.call('POST', '/api/admin/users', { body: { ...AGENT, role: 'agent' } })).status,
    ).toBe(201);
    const agent = new StaffClient(api.baseUrl);
    expect((await agent.login(AGENT.email, AGENT.password)).status).toBe(200);
    expect((await rotate(agent)).status).toBe(403);
    expect((await rotate(new StaffClient(api.baseUrl))).status).toBe(401);
  });
});
