import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type {
  ApiKeySummary,
  ChatEvent,
  ChatReply,
  CreatedApiKey,
  StaffAccount,
} from '@chat/contracts';
import { ChatVisitor, ScratchDirs } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';
import { StaffClient } from '@chat/test-support';

const ADMIN = { email: 'Admin@Example.com', password: 'correct horse battery staple' };
const AGENT = { email: 'agent@example.com', password: 'another long passphrase' };

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

async function chatWithKey(api: RunningApi, key: string, body: object): Promise<Response> {
  return fetch(`${api.baseUrl}/api/chat`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...bearer(key) },
    body: JSON.stringify(body),
  });
}

/** Opens a socket with `headers` and sends `message`: the first event back, or how the upgrade failed. */
async function socketExchange(
  api: RunningApi,
  headers: Record<string, string>,
  message: object,
): Promise<ChatEvent | { refused: number }> {
  const socket = new WebSocket(`${api.baseUrl.replace('http', 'ws')}/api/chat/ws`, { headers });
  try {
    const opened = await new Promise<number | true>((resolve) => {
      socket.once('open', () => resolve(true));
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('error', () => resolve(0));
    });
    if (opened !== true) return { refused: opened };
    const answer = new Promise<ChatEvent>((resolve) =>
      socket.once('message', (data) => resolve(JSON.parse(data.toString()))),
    );
    socket.send(JSON.stringify(message));
    return await answer;
  } finally {
    socket.terminate();
  }
}

describe('staff accounts and API keys', () => {
  let api: RunningApi;
  let admin: StaffClient;

  beforeAll(async () => {
    api = await startApi({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      RATE_LIMIT_API_KEY_MESSAGES: '4',
      LOGIN_SLOWDOWN_AFTER: '3',
      LOGIN_LOCKOUT_AFTER: '5',
      LOGIN_LOCKOUT_MS: '60000',
      TRUST_PROXY: '127.0.0.1',
      CORS_ORIGINS: 'https://portal.example',
    });
    admin = new StaffClient(api.baseUrl);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
  });
  afterAll(() => api.close());

  async function createKey(name: string, scopes: string[]): Promise<CreatedApiKey> {
    const response = await admin.call('POST', '/api/admin/api-keys', { body: { name, scopes } });
    expect(response.status).toBe(201);
    return response.json();
  }

  it('signs staff in with an HttpOnly, SameSite=Lax cookie (Secure over https) and a CSRF cookie, and out', async () => {
    const staff = new StaffClient(api.baseUrl);
    expect((await staff.call('GET', '/api/auth/me')).status).toBe(401);

    const login = await staff.login('admin@example.com', ADMIN.password);
    expect(login.status).toBe(200);
    expect(await login.json()).toEqual({
      user: { id: expect.any(String), email: 'admin@example.com', role: 'admin' },
    });
    const session = staff.lastSetCookies.find((cookie) => cookie.name === 'staff_session');
    expect(session?.attributes).toMatchObject({ httponly: true, samesite: 'Lax', path: '/api' });
    expect(session?.attributes['secure']).toBeUndefined();
    const xsrf = staff.lastSetCookies.find((cookie) => cookie.name === 'XSRF-TOKEN');
    expect(xsrf?.attributes['httponly']).toBeUndefined();

    // Behind a trusted proxy that terminated https, both cookies are Secure.
    const overHttps = new StaffClient(api.baseUrl);
    await overHttps.login(ADMIN.email, ADMIN.password, { 'X-Forwarded-Proto': 'https' });
    expect(overHttps.lastSetCookies.map((cookie) => cookie.attributes['secure'])).toEqual([
      true,
      true,
    ]);

    expect(await (await staff.call('GET', '/api/auth/me')).json()).toMatchObject({
      user: { role: 'admin' },
    });
    // Signing out needs the CSRF token too; after it the cookie is worth nothing, even replayed.
    const stolen = staff.cookies.get('staff_session');
    expect((await staff.call('POST', '/api/auth/logout', { csrf: false })).status).toBe(403);
    expect((await staff.call('POST', '/api/auth/logout')).status).toBe(204);
    const replay = await fetch(`${api.baseUrl}/api/auth/me`, {
      headers: { Cookie: `staff_session=${stolen}` },
    });
    expect(replay.status).toBe(401);
  });

  it('answers a wrong email and a wrong password alike', async () => {
    const staff = new StaffClient(api.baseUrl);
    const wrongUser = await staff.login('nobody@example.com', ADMIN.password);
    const wrongPassword = await staff.login(ADMIN.email, 'not the password at all');
    expect(wrongUser.status).toBe(401);
    expect(await wrongUser.json()).toEqual(await wrongPassword.json());
    expect(staff.cookies.size).toBe(0);
  });

  it('lets admins manage accounts with the CSRF token, and agents do none of it', async () => {
    const noCsrf = await admin.call('POST', '/api/admin/users', {
      body: { ...AGENT, role: 'agent' },
      csrf: false,
    });
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.json()).toMatchObject({ code: 'forbidden' });
    const forged = await admin.call('POST', '/api/admin/users', {
      body: { ...AGENT, role: 'agent' },
      csrf: false,
      headers: { 'X-XSRF-TOKEN': 'forged-token' },
    });
    expect(forged.status).toBe(403);

    const created = await admin.call('POST', '/api/admin/users', {
      body: { ...AGENT, role: 'agent' },
    });
    expect(created.status).toBe(201);
    const agentAccount: StaffAccount = await created.json();
    expect(agentAccount).toMatchObject({ email: AGENT.email, role: 'agent', disabled: false });
    expect(JSON.stringify(agentAccount)).not.toMatch(/password|argon/i);
    expect(
      (await admin.call('POST', '/api/admin/users', { body: { ...AGENT, role: 'agent' } })).status,
    ).toBe(400);
    expect(
      (
        await admin.call('POST', '/api/admin/users', {
          body: { email: 'x@example.com', password: 'short', role: 'agent' },
        })
      ).status,
    ).toBe(400);

    const agent = new StaffClient(api.baseUrl);
    expect((await agent.login(AGENT.email, AGENT.password)).status).toBe(200);
    expect((await agent.call('GET', '/api/auth/me')).status).toBe(200);
    for (const [method, path, body] of [
      ['GET', '/api/admin/users'],
      [
        'POST',
        '/api/admin/users',
        { email: 'y@example.com', password: 'long enough password', role: 'admin' },
      ],
      ['PATCH', `/api/admin/users/${agentAccount.id}`, { role: 'admin' }],
      ['GET', '/api/admin/api-keys'],
      ['POST', '/api/admin/api-keys', { name: 'mine', scopes: ['chat'] }],
      ['DELETE', '/api/admin/api-keys/00000000-0000-4000-8000-000000000000'],
    ] as [string, string, object?][]) {
      const asAgent = await agent.call(method, path, { body });
      expect([method, path, asAgent.status]).toEqual([method, path, 403]);
      const anonymous = await fetch(`${api.baseUrl}${path}`, { method });
      expect([method, path, anonymous.status]).toEqual([method, path, 401]);
    }

    // Disabling the agent ends its session at once; so would a role change.
    const disabled = await admin.call('PATCH', `/api/admin/users/${agentAccount.id}`, {
      body: { disabled: true },
    });
    expect(await disabled.json()).toMatchObject({ disabled: true });
    expect((await agent.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await agent.login(AGENT.email, AGENT.password)).status).toBe(401);

    // The last admin cannot lock everyone out.
    const me = await (await admin.call('GET', '/api/auth/me')).json();
    const demote = await admin.call('PATCH', `/api/admin/users/${me.user.id}`, {
      body: { role: 'agent' },
    });
    expect(demote.status).toBe(400);
    expect((await admin.call('GET', '/api/admin/users')).status).toBe(200);
  });

  it('creates keys shown once, scoped, with their own budget, and revoked at once on every transport', async () => {
    const chatKey = await createKey('Widget backend', ['chat']);
    const readerKey = await createKey('CRM sync', ['leads:read']);
    expect(chatKey.key).toMatch(/^csk_[A-Za-z0-9_-]{43}$/);
    const listed: ApiKeySummary[] = await (await admin.call('GET', '/api/admin/api-keys')).json();
    expect(JSON.stringify(listed)).not.toContain(chatKey.key);
    expect(listed.find((key) => key.id === chatKey.id)).toMatchObject({
      name: 'Widget backend',
      scopes: ['chat'],
      last_used_at: null,
      revoked_at: null,
    });

    // A session created with the key is the key's: no token, and nobody else's.
    const reply = await chatWithKey(api, chatKey.key, { session_id: 'keyed-1', message: 'Hello' });
    expect(reply.status).toBe(200);
    const body: ChatReply = await reply.json();
    expect(body.session_token).toBeUndefined();
    expect(
      (await fetch(`${api.baseUrl}/api/chat/sessions/keyed-1`, { headers: bearer(chatKey.key) }))
        .status,
    ).toBe(200);
    // Without the key the id names another session (none here): the key's stays out of reach.
    expect((await fetch(`${api.baseUrl}/api/chat/sessions/keyed-1`)).status).toBe(404);
    expect(
      (await chatWithKey(api, chatKey.key, { session_id: 'keyed-1', message: 'Again' })).status,
    ).toBe(200);

    // The wrong scope, a made-up key, a malformed header.
    expect((await chatWithKey(api, readerKey.key, { message: 'Hi' })).status).toBe(403);
    expect((await chatWithKey(api, `${chatKey.key}x`, { message: 'Hi' })).status).toBe(401);
    const malformed = await fetch(`${api.baseUrl}/api/chat`, {
      method: 'POST',
      headers: { Authorization: 'Basic abc', 'Content-Type': 'application/json' },
      body: '{"message":"Hi"}',
    });
    expect(malformed.status).toBe(401);
    expect(
      (await fetch(`${api.baseUrl}/api/admin/api-keys`, { headers: bearer(chatKey.key) })).status,
    ).toBe(403);

    // Its own budget (4 a minute here): spent by the key on any transport, not by the address.
    const socketReply = await socketExchange(
      api,
      { ...bearer(chatKey.key), Origin: 'https://evil.example' },
      { type: 'message', message: 'Over the socket' },
    );
    expect(socketReply).toMatchObject({ type: 'start' });
    expect((await chatWithKey(api, chatKey.key, { message: 'Fourth' })).status).toBe(200);
    const limited = await chatWithKey(api, chatKey.key, { message: 'Fifth' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(
      await new ChatVisitor(api.baseUrl).turn({ message: 'A visitor from the same address' }),
    ).toMatchObject({ sessionToken: expect.any(String) });

    const used: ApiKeySummary[] = await (await admin.call('GET', '/api/admin/api-keys')).json();
    expect(used.find((key) => key.id === chatKey.id)?.last_used_at).not.toBeNull();

    // Revoked: the next call fails on HTTP, and a socket opened before is closed.
    const socket = new WebSocket(`${api.baseUrl.replace('http', 'ws')}/api/chat/ws`, {
      headers: bearer(readerKey.key),
    });
    const refusal = await new Promise<number>((resolve) =>
      socket.once('unexpected-response', (_q, response) => resolve(response.statusCode ?? 0)),
    );
    expect(refusal).toBe(403);
    const other = await createKey('Second backend', ['chat']);
    const open = new WebSocket(`${api.baseUrl.replace('http', 'ws')}/api/chat/ws`, {
      headers: bearer(other.key),
    });
    await new Promise((resolve) => open.once('open', resolve));
    const closedWith = new Promise<{ code: number; reason: string }>((resolve) =>
      open.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    expect((await admin.call('DELETE', `/api/admin/api-keys/${other.id}`)).status).toBe(204);
    // The socket it opened is closed at once, before it sends anything more.
    expect(await closedWith).toEqual({ code: 1008, reason: 'The API key was revoked.' });
    expect((await chatWithKey(api, other.key, { message: 'Hi' })).status).toBe(401);
    expect(
      await socketExchange(api, bearer(other.key), { type: 'message', message: 'Hi' }),
    ).toEqual({ refused: 401 });
    expect(
      (await admin.call('DELETE', '/api/admin/api-keys/00000000-0000-4000-8000-000000000000'))
        .status,
    ).toBe(404);
  });

  it('keeps the sessions a key creates in its own namespace: an id claimed first by anyone else is still the key’s', async () => {
    const keyA = await createKey('CRM backend', ['chat']);
    const keyB = await createKey('Shop backend', ['chat']);
    const transcriptOf = async (headers: Record<string, string>) => {
      const response = await fetch(`${api.baseUrl}/api/chat/sessions/order-42`, { headers });
      return {
        status: response.status,
        body: response.status === 200 ? await response.json() : undefined,
      };
    };

    // A stranger claims the id the integration will use, before it does.
    const stranger = new ChatVisitor(api.baseUrl);
    await stranger.turn({ session_id: 'order-42', message: 'I was here first, Mallory' });

    // The key still gets a session of that id, its own, with nothing of the stranger's in it.
    const reply = await chatWithKey(api, keyA.key, {
      session_id: 'order-42',
      message: 'Hello from A',
    });
    expect(reply.status).toBe(200);
    expect((await reply.json()) as ChatReply).toMatchObject({ session_id: 'order-42' });
    const ofA = await transcriptOf(bearer(keyA.key));
    expect(ofA.status).toBe(200);
    expect(ofA.body.session_id).toBe('order-42');
    expect(ofA.body.messages.map((message: { content: string }) => message.content)).toContain(
      'Hello from A',
    );
    expect(JSON.stringify(ofA.body)).not.toContain('Mallory');

    // Another key using the same id has a third session; the stranger's is untouched and still theirs.
    expect(
      (await chatWithKey(api, keyB.key, { session_id: 'order-42', message: 'Hello from B' }))
        .status,
    ).toBe(200);
    const ofB = await transcriptOf(bearer(keyB.key));
    expect(JSON.stringify(ofB.body)).toContain('Hello from B');
    expect(JSON.stringify(ofB.body)).not.toContain('Hello from A');
    const ofStranger = await stranger.session('order-42');
    expect(ofStranger.status).toBe(200);
    expect(JSON.stringify(ofStranger.body)).not.toMatch(/Hello from [AB]/);
    // Without the key, nobody reaches the key's session: the id alone names the stranger's.
    expect(JSON.stringify((await transcriptOf({})).body ?? '')).not.toContain('Hello from A');
  });

  it('slows down, then locks, repeated failures for one email, known or not, without checking the password meanwhile', async () => {
    const target = { email: 'target@example.com', password: 'the guessed-at password' };
    expect(
      (await admin.call('POST', '/api/admin/users', { body: { ...target, role: 'agent' } })).status,
    ).toBe(201);
    for (const email of [target.email, 'ghost@example.com']) {
      const staff = new StaffClient(api.baseUrl);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1)
        statuses.push((await staff.login(email, 'wrong password here')).status);
      expect(statuses).toEqual([401, 401, 401]);
      // The fourth try comes too soon: refused, right password or not.
      const tooSoon = await staff.login(email, target.password);
      expect(tooSoon.status).toBe(429);
      expect(Number(tooSoon.headers.get('retry-after'))).toBe(1);
      expect(await tooSoon.json()).toMatchObject({
        code: 'rate_limited',
        message: expect.stringContaining('failed sign-ins'),
      });
      // Waited out: the next two failures (1 s, then 2 s apart) reach the lockout.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await staff.login(email, 'wrong password here')).status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expect((await staff.login(email, 'wrong password here')).status).toBe(401);
      const locked = await staff.login(email, target.password);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(50);
    }
    // Other accounts are not affected; the admin's existing session neither.
    expect((await admin.call('GET', '/api/auth/me')).status).toBe(200);
  }, 20_000);
});

describe('staff sign-in timing', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOGIN_SLOWDOWN_AFTER: '100',
      LOGIN_LOCKOUT_AFTER: '1000',
    });
  });
  afterAll(() => api.close());

  it('takes as long for an unknown email as for a wrong password (medians printed, not asserted)', async () => {
    const timings = { unknownEmail: [] as number[], wrongPassword: [] as number[] };
    const staff = new StaffClient(api.baseUrl);
    for (let i = 0; i < 30; i += 1) {
      for (const [kind, email] of [
        ['unknownEmail', `nobody-${i}@example.com`],
        ['wrongPassword', ADMIN.email],
      ] as const) {
        const started = performance.now();
        const response = await staff.login(email, 'a wrong password');
        timings[kind].push(performance.now() - started);
        expect(response.status).toBe(401);
      }
    }
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const [unknown, wrong] = [median(timings.unknownEmail), median(timings.wrongPassword)];
    console.log(
      `sign-in timing over 30 tries each: unknown email median ${unknown.toFixed(1)} ms, ` +
        `wrong password median ${wrong.toFixed(1)} ms (ratio ${(unknown / wrong).toFixed(2)})`,
    );
  }, 60_000);
});

describe('the access command line', () => {
  const dirs = new ScratchDirs();
  afterAll(() => dirs.removeAll());

  it('creates the first admin and the first key in the database the API then uses', async () => {
    const dataDir = dirs.make('chat-cli-data-');
    const cli = join(__dirname, '../../../dist/apps/api/apps/api/src/access/access-cli.main.js');
    const { DATABASE_URL: _unused, ...inherited } = process.env;
    const env = { ...inherited, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    for (const weak of ['password1234', 'first@example.com']) {
      const refused = spawnSync(
        process.execPath,
        [cli, 'create-user', '--email', 'first@example.com'],
        { env, input: `${weak}\n`, encoding: 'utf8' },
      );
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/^The password (is too common|must not contain the email)/);
    }
    const user = spawnSync(
      process.execPath,
      [cli, 'create-user', '--email', 'first@example.com', '--role', 'admin'],
      {
        env,
        input: 'a password from stdin\n',
        encoding: 'utf8',
      },
    );
    expect(user.stderr).toBe('');
    expect(user.stdout).toContain('Created the admin account first@example.com');
    const key = spawnSync(
      process.execPath,
      [cli, 'create-api-key', '--name', 'First', '--scopes', 'chat,leads:read'],
      { env, encoding: 'utf8' },
    );
    const secret = key.stdout.match(/csk_[A-Za-z0-9_-]{43}/)?.[0] ?? '';
    expect(secret).not.toBe('');
    expect(
      spawnSync(
        process.execPath,
        [cli, 'create-api-key', '--name', 'Bad', '--scopes', 'everything'],
        { env, encoding: 'utf8' },
      ).status,
    ).toBe(1);

    const api = await startApi({ DATA_DIR: dataDir });
    try {
      expect(
        (await new StaffClient(api.baseUrl).login('first@example.com', 'a password from stdin'))
          .status,
      ).toBe(200);
      expect((await chatWithKey(api, secret, { message: 'Hi' })).status).toBe(200);
    } finally {
      await api.close();
    }
  }, 60_000);
});
