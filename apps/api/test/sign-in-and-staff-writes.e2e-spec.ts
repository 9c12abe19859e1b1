import { connect, type Socket } from 'node:net';
import type { CreatedApiKey, StaffAccount } from '@chat/contracts';
import {
  createTestPostgresDatabase,
  type RunningBuiltApi,
  ScratchDirs,
  startBuiltApi,
  stopProcess,
  type TestPostgresDatabase,
  testDatabaseEngines,
  waitFor,
} from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';
import { StaffClient } from '@chat/test-support';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };

/** An open connection to `url`, ready to carry one request. */
function openConnection(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes a sign-in on an open connection; resolves with the answer's status. */
function signInOver(socket: Socket, email: string, password: string): Promise<number> {
  const body = JSON.stringify({ email, password });
  const answer = new Promise<number>((resolve, reject) => {
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (status) {
        resolve(Number(status[1]));
        socket.destroy();
      }
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed without an answer')));
  });
  socket.write(
    `POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  return answer;
}

/**
 * The security review's attack on the sign-in lockout: 60 sign-ins for one email sent at once
 * (every connection opened first, then every request written in the same tick), 59 wrong and the
 * last one right. Each answer other than `rate_limited` is a password the server checked;
 * concurrency must not check more of them than the same tries one after the other would (3
 * before the slowdown, 10 before the lockout at the most). On PostgreSQL the tries are spread
 * over two instances sharing the database.
 */
describe.each(testDatabaseEngines())('sign-in lockout under concurrency on %s', (engine) => {
  const scratch = new ScratchDirs();
  let database: TestPostgresDatabase | undefined;
  const apis: RunningBuiltApi[] = [];

  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      LOG_LEVEL: 'silent',
      MAIL_OUTBOX_DIR: scratch.make('outbox-'),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOGIN_SLOWDOWN_AFTER: '3',
      LOGIN_LOCKOUT_AFTER: '10',
      RATE_LIMIT_MESSAGES: '1000',
    };
    if (engine === 'postgres') {
      database = await createTestPostgresDatabase('chat_signin');
      apis.push(
        ...(await Promise.all(
          [0, 1].map(() =>
            startBuiltApi({ ...env, DATABASE_URL: database?.url }, { timeoutMs: 60_000 }),
          ),
        )),
      );
    } else {
      apis.push(
        await startBuiltApi({ ...env, DATA_DIR: scratch.make('data-') }, { timeoutMs: 60_000 }),
      );
    }
  }, 90_000);
  afterAll(async () => {
    await Promise.all(apis.map((api) => stopProcess(api.child)));
    await database?.drop();
    scratch.removeAll();
  });

  it('checks no more passwords than sequential tries would, and the right one, sent last, is refused', async () => {
    const tries = Array.from({ length: 60 }, (_, i) =>
      i === 59 ? ADMIN.password : `wrong password number ${i}`,
    );
    const sockets = await Promise.all(
      tries.map((_, i) => openConnection(apis[i % apis.length].url)),
    );
    const statuses = await Promise.all(
      tries.map((password, i) => signInOver(sockets[i], ADMIN.email, password)),
    );
    const checked = statuses.filter((status) => status !== 429).length;
    console.log(
      `${engine}: ${checked} of 60 concurrent sign-ins had their password checked; the right one answered ${statuses[59]}`,
    );
    expect(statuses.every((status) => status === 401 || status === 429 || status === 200)).toBe(
      true,
    );
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(checked).toBeLessThanOrEqual(3);
    expect(statuses[59]).toBe(429);
  }, 60_000);
});

/** 60 KB of nesting: `[[[…]]]` or `{"a":{"a":…}}`. */
function deeplyNested(kind: 'array' | 'object', bytes = 60_000): string {
  const depth = kind === 'array' ? bytes / 2 : Math.floor(bytes / 6);
  return kind === 'array'
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

describe('deeply nested JSON', () => {
  const scratch = new ScratchDirs();
  let api: RunningBuiltApi;

  beforeAll(async () => {
    api = await startBuiltApi(
      {
        PATH: process.env['PATH'],
        LOG_LEVEL: 'info',
        MAIL_OUTBOX_DIR: scratch.make('outbox-'),
        DATA_DIR: scratch.make('data-'),
      },
      { timeoutMs: 60_000 },
    );
  }, 90_000);
  afterAll(async () => {
    await stopProcess(api.child);
    scratch.removeAll();
  });

  it.each([
    ['/api/chat/stream', 'array'],
    ['/api/chat/stream', 'object'],
    ['/api/auth/login', 'array'],
    ['/api/auth/login', 'object'],
    ['/api/chat', 'object'],
  ] as const)(
    'POST %s with 60 KB of a nested %s answers 400 invalid_request, and logs no stack',
    async (path, kind) => {
      const body =
        kind === 'object'
          ? `{"message":"hi","x":${deeplyNested('object')}}`
          : deeplyNested('array');
      const logged = api.output().length;
      const answer = await fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({
        statusCode: 400,
        code: 'invalid_request',
        message: expect.stringMatching(/nest/i),
      });
      // The request's own log line, and nothing failed on the server's side: no error line, no stack.
      await waitFor(() => api.output().slice(logged).includes(`"url":"${path}"`));
      expect(api.output().slice(logged)).not.toMatch(
        /RangeError|Maximum call stack|internal_error|"level":50/,
      );
    },
  );
});

describe('staff accounts and writes', () => {
  let api: RunningApi;
  let admin: StaffClient;
  let readerKey: string;

  beforeAll(async () => {
    api = await startApi({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      CORS_ORIGINS: 'https://portal.example',
    });
    admin = new StaffClient(api.baseUrl);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
    const created = await admin.call('POST', '/api/admin/api-keys', {
      body: { name: 'Reader', scopes: ['leads:read'] },
    });
    readerKey = ((await created.json()) as CreatedApiKey).key;
  }, 60_000);
  afterAll(() => api.close());

  it('refuses common passwords and passwords made of the email, naming the field', async () => {
    for (const [email, password] of [
      ['weak@example.com', 'password1234'],
      ['weak@example.com', 'qwertyuiop123'],
      ['ada.lovelace@example.com', 'Ada.Lovelace@example.com'],
      ['ada.lovelace@example.com', 'ada.lovelace1815'],
    ]) {
      const refused = await admin.call('POST', '/api/admin/users', {
        body: { email, password, role: 'agent' },
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({
        statusCode: 400,
        code: 'invalid_request',
        message: expect.stringMatching(/^The password /),
      });
    }
    const accepted = await admin.call('POST', '/api/admin/users', {
      body: {
        email: 'ada.lovelace@example.com',
        password: 'analytical engine notes',
        role: 'agent',
      },
    });
    expect(accepted.status).toBe(201);
  });

  it('marks every authenticated JSON answer Cache-Control: no-store', async () => {
    const answers = [
      await admin.call('GET', '/api/auth/me'),
      await admin.call('GET', '/api/leads'),
      await admin.call('GET', '/api/admin/users'),
      await admin.call('GET', '/api/admin/api-keys'),
      await fetch(`${api.baseUrl}/api/leads`, {
        headers: { Authorization: `Bearer ${readerKey}` },
      }),
      await new StaffClient(api.baseUrl).login(ADMIN.email, ADMIN.password),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('refuses a cross-site write made with the staff cookie, even with a valid CSRF token', async () => {
    const victim = new StaffClient(api.baseUrl);
    expect((await victim.login(ADMIN.email, ADMIN.password)).status).toBe(200);
    const create = (headers: Record<string, string>, email: string) =>
      victim.call('POST', '/api/admin/users', {
        body: { email, password: 'a long enough phrase here', role: 'admin' },
        headers,
      });
    const crossSite: Record<string, string>[] = [
      { 'Sec-Fetch-Site': 'cross-site' },
      { Origin: 'https://evil.example' },
      { Origin: 'null' },
      { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'same-site' },
      { Origin: api.baseUrl, 'Sec-Fetch-Site': 'cross-site' },
    ];
    for (const [i, headers] of crossSite.entries()) {
      const refused = await create(headers, `planted-${i}@example.com`);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({
        statusCode: 403,
        code: 'forbidden',
        message: expect.stringMatching(/cross-site/i),
      });
    }
    const logout = await victim.call('POST', '/api/auth/logout', {
      headers: { Origin: 'https://evil.example' },
    });
    expect(logout.status).toBe(403);
    // Not one account was made.
    const users: StaffAccount[] = await (await admin.call('GET', '/api/admin/users')).json();
    expect(users.filter((user) => user.email.startsWith('planted-'))).toEqual([]);

    // Same origin, a listed portal origin, and no such headers at all (a non-browser client): today's rules.
    expect(
      (
        await create(
          { Origin: api.baseUrl, 'Sec-Fetch-Site': 'same-origin' },
          'same-origin@example.com',
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await create(
          { Origin: 'https://portal.example', 'Sec-Fetch-Site': 'same-site' },
          'portal@example.com',
        )
      ).status,
    ).toBe(201);
    expect((await create({ 'Sec-Fetch-Site': 'none' }, 'typed@example.com')).status).toBe(201);
    expect((await create({}, 'script@example.com')).status).toBe(201);
    expect(
      (
        await victim.call('POST', '/api/admin/users', {
          body: { email: 'x@example.com', password: 'a long enough phrase here', role: 'agent' },
          csrf: false,
        })
      ).status,
    ).toBe(403);
  });
});
