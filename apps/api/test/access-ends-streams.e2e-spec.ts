import type { CreatedApiKey, StaffAccount } from '@chat/contracts';
import { ChatVisitor } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';
import {
  keyedChatStream,
  keyedResume,
  keyedSocket,
  openLeadFeed,
  within,
} from './support/access-streams';
import { eq, sql } from 'drizzle-orm';
import { DatabaseConnection } from '../src/database/database';
import { staffSessions } from '../src/database/schema';
import { StaffClient } from '@chat/test-support';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const PASSWORD = 'a long enough passphrase';

/** A visitor answering the demo model's questions until the lead is complete. */
async function completeLead(api: RunningApi, name: string, sessionId: string): Promise<void> {
  const visitor = new ChatVisitor(api.baseUrl);
  for (const message of [`My name is ${name}`, `${sessionId}@example.com`, "I'm a beginner"]) {
    await visitor.turn({ message, session_id: sessionId });
  }
}

describe('access ends at once on every long-lived stream', () => {
  let api: RunningApi;
  let admin: StaffClient;

  beforeAll(async () => {
    // Slow replies, so that a chat stream is still open when its key is revoked.
    api = await startApi({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      DEMO_MODEL_WORD_DELAY_MS: '40',
    });
    admin = new StaffClient(api.baseUrl);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
  });
  afterAll(() => api.close());

  async function staffMember(email: string, role: 'agent' | 'admin') {
    const created = await admin.call('POST', '/api/admin/users', {
      body: { email, password: PASSWORD, role },
    });
    expect(created.status).toBe(201);
    const account: StaffAccount = await created.json();
    const client = new StaffClient(api.baseUrl);
    expect((await client.login(email, PASSWORD)).status).toBe(200);
    return { account, client };
  }

  async function createKey(name: string): Promise<CreatedApiKey> {
    const response = await admin.call('POST', '/api/admin/api-keys', {
      body: { name, scopes: ['chat'] },
    });
    expect(response.status).toBe(201);
    return response.json();
  }

  const cases: [
    string,
    (member: { account: StaffAccount; client: StaffClient }) => Promise<Response>,
    'agent' | 'admin',
  ][] = [
    ['signs out', ({ client }) => client.call('POST', '/api/auth/logout'), 'agent'],
    [
      'is disabled',
      ({ account }) =>
        admin.call('PATCH', `/api/admin/users/${account.id}`, { body: { disabled: true } }),
      'agent',
    ],
    [
      'has its role changed',
      ({ account }) =>
        admin.call('PATCH', `/api/admin/users/${account.id}`, { body: { role: 'agent' } }),
      'admin',
    ],
  ];

  it.each(cases)(
    "ends a staff member's lead feed within 1 s when it %s, and sends no new lead after",
    async (what, revoke, role) => {
      const slug = what.replace(/\W+/g, '-');
      const member = await staffMember(`${slug}@example.com`, role);
      const feed = await openLeadFeed(api.baseUrl, member.client);
      const revokedAt = Date.now();
      const answer = await revoke(member);
      expect(answer.status).toBeLessThan(300);
      const endedAt = await within(feed.ended, 1_000, 'the end of the feed');
      console.log(`lead feed of a staff member who ${what}: ended ${endedAt - revokedAt} ms after`);
      await completeLead(api, `After ${slug}`, `after-${slug}`);
      expect(feed.text()).not.toContain(`After ${slug}`);
      feed.close();
    },
    30_000,
  );

  it("ends a staff member's lead feed when the sign-in expires, though nobody revoked it", async () => {
    const member = await staffMember('expiring@example.com', 'agent');
    // The sign-in's end, brought near (its length is the setting's, at least a minute).
    const { db } = api.app.get(DatabaseConnection);
    const own = eq(staffSessions.userId, member.account.id);
    await db
      .update(staffSessions)
      .set({ expiresAt: sql`now() + interval '1.5 seconds'` })
      .where(own);
    const feed = await openLeadFeed(api.baseUrl, member.client);
    const endedAt = await within(feed.ended, 4_000, 'the end of the feed');
    const [session] = await db
      .select({ expiresAt: staffSessions.expiresAt })
      .from(staffSessions)
      .where(own);
    expect(endedAt).toBeGreaterThanOrEqual(session.expiresAt.getTime() - 50);
    console.log(
      `lead feed of an expired sign-in: ended ${endedAt - session.expiresAt.getTime()} ms after its end`,
    );
    await completeLead(api, 'After expiry', 'after-expiry');
    expect(feed.text()).not.toContain('After expiry');
    feed.close();
  }, 30_000);

  it('ends the chat streams and sockets opened with an API key when it is revoked', async () => {
    const key = await createKey('Revoked while streaming');
    const other = await createKey('Not revoked');
    const stream = await keyedChatStream(api.baseUrl, key.key, {
      session_id: 'revoked-key-1',
      message: 'Tell me about momentum trading',
    });
    expect(stream.response.status).toBe(200);
    await stream.waitUntil((events) => events.some((e) => e.event.type === 'chunk'));
    const resumed = await keyedResume(api.baseUrl, key.key, stream.get('start').stream_id);
    expect(resumed.response.status).toBe(200);
    const { socket, closed } = await keyedSocket(api.baseUrl, key.key);
    // Another key's socket and stream live on.
    const bystander = await keyedSocket(api.baseUrl, other.key);
    const bystanderStream = await keyedChatStream(api.baseUrl, other.key, {
      session_id: 'other-key-1',
      message: 'Hello',
    });

    const revokedAt = Date.now();
    expect((await admin.call('DELETE', `/api/admin/api-keys/${key.id}`)).status).toBe(204);
    await within(stream.finished, 1_000, 'the end of the chat stream');
    await within(resumed.finished, 1_000, 'the end of the resumed stream');
    const close = await within(closed, 1_000, 'the close of the socket');
    console.log(`revoked API key: its streams and socket ended ${Date.now() - revokedAt} ms after`);
    expect(stream.types).not.toContain('done');
    expect(resumed.types).not.toContain('done');
    expect(close.code).toBe(1008);
    expect(close.reason).toMatch(/revoked/i);
    socket.terminate();

    expect(bystander.socket.readyState).toBe(bystander.socket.OPEN);
    await bystanderStream.finished;
    expect(bystanderStream.types.at(-1)).toBe('done');
    bystander.socket.terminate();
  }, 30_000);
});
