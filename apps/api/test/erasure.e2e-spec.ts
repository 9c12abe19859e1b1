import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Webhook } from 'standardwebhooks';
import type { LeadPage } from '@chat/contracts';
import {
  ChatVisitor,
  freePort,
  type RunningBuiltApi,
  ScratchDirs,
  startBuiltApi,
  stopProcess,
  resumeStream,
  testRedisPrefix,
  testRedisUrl,
  waitFor,
} from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';
import { StaffClient } from '@chat/test-support';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const WEBHOOK_SECRET = `whsec_${Buffer.from('a test secret of 32 bytes, ok!!!').toString('base64')}`;

/** A visitor who gives name, email and experience; answers the turns' readers and the visitor. */
async function completeLead(api: { baseUrl: string }, name: string, sessionId: string) {
  const visitor = new ChatVisitor(api.baseUrl);
  const turns = [];
  for (const message of [`My name is ${name}`, `${sessionId}@example.com`, "I'm a beginner"]) {
    turns.push(await visitor.turn({ message, session_id: sessionId }));
  }
  return { visitor, turns };
}

async function signedInAdmin(api: { baseUrl: string }): Promise<StaffClient> {
  const admin = new StaffClient(api.baseUrl);
  await admin.login(ADMIN.email, ADMIN.password);
  return admin;
}

async function leadIdOf(admin: StaffClient, sessionId: string): Promise<string> {
  const page: LeadPage = await (
    await admin.call('GET', `/api/leads?q=${encodeURIComponent(`${sessionId}@example.com`)}`)
  ).json();
  expect(page.leads).toHaveLength(1);
  return page.leads[0].id;
}

const outboxFilesOf = (api: RunningApi, sessionId: string) => {
  try {
    return readdirSync(api.outboxDir).filter((name) => name.includes(sessionId));
  } catch {
    return [];
  }
};

describe('erasure removes every copy (in process)', () => {
  let api: RunningApi;
  let admin: StaffClient;

  beforeAll(async () => {
    api = await startApi({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    admin = await signedInAdmin(api);
  }, 60_000);
  afterAll(() => api.close());

  it("removes the lead's .eml from the mail outbox", async () => {
    await completeLead(api, 'Olive Outbox', 'erase-outbox');
    const [file] = outboxFilesOf(api, 'erase-outbox');
    expect(file).toMatch(/\.eml$/);
    expect(readFileSync(join(api.outboxDir, file), 'utf8')).toContain('erase-outbox@example.com');

    expect(
      (await admin.call('DELETE', `/api/leads/${await leadIdOf(admin, 'erase-outbox')}`)).status,
    ).toBe(204);
    expect(outboxFilesOf(api, 'erase-outbox')).toEqual([]);
    // Nothing else in the outbox holds the address either (no temporary file left behind).
    for (const name of readdirSync(api.outboxDir)) {
      expect(readFileSync(join(api.outboxDir, name), 'utf8')).not.toContain(
        'erase-outbox@example.com',
      );
    }
  });

  it('leaves no finished stream to resume: a replay after erasure is not found', async () => {
    const { visitor, turns } = await completeLead(api, 'Rita Resume', 'erase-resume');
    const streamId = turns[1].find('start')?.stream_id ?? '';
    const token = visitor.tokenOf('erase-resume');
    // Before: the finished stream replays what the visitor typed back to them.
    const before = await resumeStream(api.baseUrl, streamId, 0, token);
    await before.finished;
    expect(before.response.status).toBe(200);
    expect(before.types).toContain('done');

    expect(
      (await admin.call('DELETE', `/api/leads/${await leadIdOf(admin, 'erase-resume')}`)).status,
    ).toBe(204);
    for (const turn of turns) {
      const after = await fetch(
        `${api.baseUrl}/api/chat/streams/${turn.find('start')?.stream_id}/events`,
        {
          headers: { 'Last-Event-ID': '0', ...visitor.headers('erase-resume') },
        },
      );
      expect(after.status).toBe(404);
      expect(await after.text()).not.toContain('Rita');
    }
  });
});

const describeRedis = testRedisUrl() ? describe : describe.skip;

describeRedis('erasure removes every copy (with Redis)', () => {
  const prefix = testRedisPrefix();
  let api: RunningApi;
  let admin: StaffClient;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(testRedisUrl() as string);
    api = await startApi({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
    });
    admin = await signedInAdmin(api);
  }, 60_000);
  afterAll(async () => {
    await api.close();
    const left = await redis.keys(`${prefix}*`);
    if (left.length > 0) await redis.del(...left);
    redis.disconnect();
  });

  /** Every key of this run and what it holds, as text. */
  async function keysAndValues(): Promise<Map<string, string>> {
    const held = new Map<string, string>();
    for (const key of await redis.keys(`${prefix}*`)) {
      const type = await redis.type(key);
      const value =
        type === 'stream'
          ? JSON.stringify(await redis.xrange(key, '-', '+'))
          : type === 'hash'
            ? JSON.stringify(await redis.hgetall(key))
            : type === 'set'
              ? JSON.stringify(await redis.smembers(key))
              : type === 'string'
                ? ((await redis.get(key)) ?? '')
                : type;
      held.set(key, value);
    }
    return held;
  }

  it("deletes the session's stream keys from Redis, and nothing can be resumed", async () => {
    const { visitor, turns } = await completeLead(api, 'Reda Redis', 'erase-redis');
    const streamIds = turns.map((turn) => turn.find('start')?.stream_id ?? '');
    // Before: the streams are in Redis, with what the visitor typed in their events.
    await waitFor(
      async () =>
        [...(await keysAndValues()).values()].some((value) =>
          value.includes('erase-redis@example.com'),
        ),
      5_000,
    );
    const before = [...(await keysAndValues()).keys()];
    for (const streamId of streamIds)
      expect(before.some((key) => key.includes(streamId))).toBe(true);

    expect(
      (await admin.call('DELETE', `/api/leads/${await leadIdOf(admin, 'erase-redis')}`)).status,
    ).toBe(204);
    const after = await keysAndValues();
    for (const [key, value] of after) {
      expect(streamIds.some((streamId) => key.includes(streamId))).toBe(false);
      expect(key).not.toContain('erase-redis');
      expect(value).not.toContain('erase-redis@example.com');
      expect(value).not.toContain('Reda');
    }
    for (const streamId of streamIds) {
      const resumed = await fetch(`${api.baseUrl}/api/chat/streams/${streamId}/events`, {
        headers: { 'Last-Event-ID': '0', ...visitor.headers('erase-redis') },
      });
      expect(resumed.status).toBe(404);
    }
  });
});

/** A webhook receiver verifying each delivery with the reference verifier, on `port` (any free one by default). */
async function startReceiver(port = 0) {
  const verifier = new Webhook(WEBHOOK_SECRET);
  const received: { headers: IncomingHttpHeaders; body: string; verified: unknown }[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      let verified: unknown;
      try {
        verified = verifier.verify(body, request.headers as Record<string, string>);
      } catch {
        verified = undefined;
      }
      received.push({ headers: request.headers, body, verified });
      response.writeHead(verified ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/leads`,
    received,
    ofType: (type: string) =>
      received.filter(
        (delivery) => (delivery.verified as { type?: string } | undefined)?.type === type,
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the lead.erased webhook', () => {
  it('tells the receiver that a lead it was sent is erased: signed, with only its id and time', async () => {
    const receiver = await startReceiver();
    const api = await startApi({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LEAD_WEBHOOK_URL: receiver.url,
      LEAD_WEBHOOK_SECRET: WEBHOOK_SECRET,
      OUTBOUND_ALLOW_PRIVATE: 'true',
      OUTBOX_POLL_MS: '50',
    });
    try {
      const admin = await signedInAdmin(api);
      await completeLead(api, 'Wendy Webhook', 'erase-webhook');
      await waitFor(() => receiver.ofType('lead.completed').length === 1, 10_000);
      const leadId = await leadIdOf(admin, 'erase-webhook');
      const erasedAt = Date.now();
      expect((await admin.call('DELETE', `/api/leads/${leadId}`)).status).toBe(204);
      await waitFor(() => receiver.ofType('lead.erased').length === 1, 10_000);
      const [erased] = receiver.ofType('lead.erased');
      expect(erased.verified).toEqual({
        type: 'lead.erased',
        id: erased.headers['webhook-id'],
        occurred_at: expect.stringMatching(/Z$/),
        data: { id: leadId },
      });
      const occurredAt = Date.parse((erased.verified as { occurred_at: string }).occurred_at);
      expect(Math.abs(occurredAt - erasedAt)).toBeLessThan(5_000);
      expect(erased.headers['webhook-id']).not.toBe(
        receiver.ofType('lead.completed')[0].headers['webhook-id'],
      );
      expect(erased.body).not.toContain('Wendy');
      expect(receiver.received.every((delivery) => delivery.verified !== undefined)).toBe(true);
    } finally {
      await api.close();
      await receiver.close();
    }
  }, 30_000);
});

describe('the lead.erased webhook across a restart (the built server)', () => {
  const scratch = new ScratchDirs();
  let api: RunningBuiltApi | undefined;
  afterEach(async () => {
    await stopProcess(api?.child, { signal: 'SIGKILL' });
    api = undefined;
  });
  afterAll(() => scratch.removeAll());

  it('is delivered once the receiver is back, by the next instance, when the one that erased died first', async () => {
    const port = await freePort();
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'warn',
      DATA_DIR: scratch.make('erased-restart-'),
      MAIL_OUTBOX_DIR: scratch.make('erased-mail-'),
      DEMO_MODEL_WORD_DELAY_MS: '0',
      RATE_LIMIT_MESSAGES: '10000',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LEAD_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks/leads`,
      LEAD_WEBHOOK_SECRET: WEBHOOK_SECRET,
      OUTBOUND_ALLOW_PRIVATE: 'true',
      OUTBOX_POLL_MS: '50',
      OUTBOX_RETRY_BASE_MS: '200',
      OUTBOX_RETRY_MAX_MS: '400',
      OUTBOX_MAX_ATTEMPTS: '50',
    };
    const first = await startReceiver(port);
    api = await startBuiltApi(env, { timeoutMs: 30_000 });
    const running = { baseUrl: api.url };
    const admin = await signedInAdmin(running);
    await completeLead(running, 'Dora Durable', 'erase-durable');
    await waitFor(() => first.ofType('lead.completed').length === 1, 10_000);
    const leadId = await leadIdOf(admin, 'erase-durable');

    // The receiver is down when the lead is erased, and the instance dies before it is back.
    await first.close();
    expect((await admin.call('DELETE', `/api/leads/${leadId}`)).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stopProcess(api.child, { signal: 'SIGKILL' });

    const second = await startReceiver(port);
    try {
      api = await startBuiltApi(env, { timeoutMs: 30_000 });
      await waitFor(() => second.ofType('lead.erased').length >= 1, 15_000);
      // And no second one comes later.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const erased = second.ofType('lead.erased');
      expect(erased).toHaveLength(1);
      expect(erased[0].verified).toEqual({
        type: 'lead.erased',
        id: erased[0].headers['webhook-id'],
        occurred_at: expect.stringMatching(/Z$/),
        data: { id: leadId },
      });
      expect(erased[0].body).not.toContain('Dora');
      expect(second.received.every((delivery) => delivery.verified !== undefined)).toBe(true);
    } finally {
      await second.close();
    }
  }, 90_000);
});
