import { Redis } from 'ioredis';
import WebSocket from 'ws';
import type { AssistantDetail, CreatedApiKey, LeadPage, StaffAccount } from '@chat/contracts';
import { keyedSocket, openLeadFeed, within } from './support/access-streams';
import { type FakeOpenAiServer, startFakeOpenAi } from '@chat/fake-openai';
import { StaffClient } from '@chat/test-support';
import {
  ChatVisitor,
  createTestPostgresDatabase,
  resumeStream,
  type RunningBuiltApi,
  ScratchDirs,
  SessionEventReader,
  startBuiltApi,
  startTcpProxy,
  stopProcess,
  type TestPostgresDatabase,
  testDatabaseEngines,
  testRedisPrefix,
  testRedisUrl,
  waitFor,
} from '@chat/test-support';

/** Several instances need PostgreSQL and Redis: skipped (loudly, by the probes) without them, never under CI. */
const describeScaleOut =
  testRedisUrl() && testDatabaseEngines().includes('postgres') ? describe : describe.skip;

const REPLY = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ') + '.';

describeScaleOut('two instances on PostgreSQL and Redis', () => {
  const scratch = new ScratchDirs();
  let fake: FakeOpenAiServer;
  let database: TestPostgresDatabase;
  let env: NodeJS.ProcessEnv;
  let a: RunningBuiltApi;
  let b: RunningBuiltApi;

  const instances = (overrides: NodeJS.ProcessEnv = {}) =>
    Promise.all([
      startBuiltApi({ ...env, ...overrides }, { timeoutMs: 60_000 }),
      startBuiltApi({ ...env, ...overrides }, { timeoutMs: 60_000 }),
    ]);

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    database = await createTestPostgresDatabase('chat_scale');
    env = {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: testRedisPrefix(),
      LIVE_CLAIM_TTL_MS: '3000',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.url,
      MAIL_OUTBOX_DIR: scratch.make('outbox-'),
      LOG_LEVEL: 'warn',
      ADMIN_EMAIL: 'admin@example.com',
      ADMIN_PASSWORD: 'correct horse battery staple',
    };
    [a, b] = await instances();
  }, 90_000);
  afterAll(async () => {
    await Promise.all([a, b].map((api) => stopProcess(api?.child)));
    await fake.close();
    await database.drop();
    scratch.removeAll();
  });
  beforeEach(() => fake.reset());

  it('resumes on B a stream started on A, byte for byte, after cuts at several points', async () => {
    fake.enqueue({ text: REPLY, tokenDelayMs: 15 });
    const visitor = new ChatVisitor(a.url);
    const first = await visitor.send({
      session_id: 'scale-resume',
      message: 'Tell me a long story',
    });
    await first.waitUntil((events) => events.length >= 6);
    first.abort();
    const start = first.get('start');
    const token = first.sessionToken;
    let received = first.text;
    let lastId = first.lastId;
    // Cut again on B, then on A, then read the rest on B.
    for (const [api, events] of [
      [b, 8],
      [a, 8],
    ] as const) {
      const resumed = await resumeStream(api.url, start.stream_id, lastId, token);
      expect(resumed.response.status).toBe(200);
      await resumed.waitUntil((seen) => seen.length >= events);
      resumed.abort();
      expect(resumed.events[0].id).toBe(lastId + 1);
      received += resumed.text;
      lastId = resumed.lastId;
    }
    const rest = await resumeStream(b.url, start.stream_id, lastId, token);
    await rest.finished;
    received += rest.text;
    expect(rest.get('done').finish_reason).toBe('stop');
    expect(received).toBe(REPLY);
    // From the start, on either instance, a finished stream replays the same.
    for (const api of [a, b]) {
      const replay = await resumeStream(api.url, start.stream_id, 0, token);
      await replay.finished;
      expect(replay.text).toBe(REPLY);
      expect(replay.types.at(-1)).toBe('done');
    }
    // The session token is in the first start only: Redis keeps no secret in clear.
    expect(first.get('start').session_token).toBe(token);
    const fromZeroOnB = await resumeStream(b.url, start.stream_id, 0, token);
    await fromZeroOnB.finished;
    expect(fromZeroOnB.get('start')).not.toHaveProperty('session_token');
    // Strangers get nothing, on either instance.
    for (const api of [a, b])
      expect((await resumeStream(api.url, start.stream_id, 0, 'wrong-token')).response.status).toBe(
        403,
      );
  }, 30_000);

  it('replays a burst (several events to one Redis entry) on B from any point, the same as A sent it', async () => {
    fake.enqueue({ text: REPLY, tokenDelayMs: 0 });
    const visitor = new ChatVisitor(a.url);
    const onA = await visitor.turn({ session_id: 'scale-burst', message: 'All at once' });
    const streamId = onA.get('start').stream_id;
    const redis = new Redis(testRedisUrl() ?? '');
    try {
      const entries = await redis.xlen(`${env['REDIS_KEY_PREFIX']}stream:{${streamId}}:events`);
      expect(entries).toBeLessThan(onA.events.length);
    } finally {
      redis.disconnect();
    }
    for (const from of [0, 1, 7, 30, onA.lastId - 1]) {
      const onB = await resumeStream(b.url, streamId, from, visitor.tokenOf('scale-burst'));
      await onB.finished;
      const expected = onA.events.filter((event) => event.id > from);
      expect(onB.events.map((event) => event.id)).toEqual(expected.map((event) => event.id));
      expect(
        onB.events.slice(from === 0 ? 1 : 0).map((event) => JSON.stringify(event.event)),
      ).toEqual(expected.slice(from === 0 ? 1 : 0).map((event) => JSON.stringify(event.event)));
    }
  });

  it('stops the generation on A when B is asked to cancel, and closes its upstream socket', async () => {
    fake.enqueue({ text: REPLY, tokenDelayMs: 100 });
    const visitor = new ChatVisitor(a.url);
    const stream = await visitor.send({ session_id: 'scale-cancel', message: 'Go slowly' });
    await stream.waitUntil((events) => events.filter((e) => e.event.type === 'chunk').length >= 2);
    const streamId = stream.get('start').stream_id;
    const token = visitor.tokenOf('scale-cancel');
    const cancelOnB = (sessionToken: string) =>
      fetch(`${b.url}/api/chat/streams/${streamId}/cancel`, {
        method: 'POST',
        headers: { 'X-Session-Token': sessionToken },
      });
    // A stranger's cancel on B is refused and stops nothing.
    expect((await cancelOnB('not-the-token')).status).toBe(403);
    const chunksBefore = stream.events.length;
    await stream.waitUntil((events) => events.length > chunksBefore);
    const sentAt = performance.now();
    const cancel = await cancelOnB(token ?? '');
    expect(await cancel.json()).toEqual({ stream_id: streamId, cancelled: true });
    await fake.waitForSocketsClosed(5_000);
    const closedMs = performance.now() - sentAt;
    await stream.finished;
    expect(stream.get('done').finish_reason).toBe('cancelled');
    // Once it has ended, B tells its owner there was nothing left to cancel.
    expect(await (await cancelOnB(token ?? '')).json()).toEqual({
      stream_id: streamId,
      cancelled: false,
    });
    console.log(`cancel on B → upstream socket of A closed in ${closedMs.toFixed(1)} ms`);
  });

  it('refuses a second message on B while A generates: 409 to the owner, 403 to anyone else', async () => {
    fake.enqueue({ text: REPLY, tokenDelayMs: 30 });
    const onA = new ChatVisitor(a.url);
    const running = await onA.send({ session_id: 'scale-busy', message: 'First' });
    await running.waitUntil((events) => events.some((e) => e.event.type === 'chunk'));
    const token = onA.tokenOf('scale-busy') ?? '';
    const post = (headers: Record<string, string>) =>
      fetch(`${b.url}/api/chat/stream`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({ session_id: 'scale-busy', message: 'Second' }),
      });
    const owner = await post({ 'X-Session-Token': token });
    expect(owner.status).toBe(409);
    expect(await owner.json()).toMatchObject({ code: 'generation_in_progress' });
    const stranger = await post({ 'X-Session-Token': 'not-the-token' });
    expect(stranger.status).toBe(403);
    await running.finished;
    // Free again once A is done, from either instance.
    const after = await post({ 'X-Session-Token': token });
    expect(after.status).toBe(200);
    await after.text();
  }, 30_000);

  it('shows staff signed in on B the lead a visitor completes on A, live', async () => {
    const staff = new StaffClient(b.url);
    expect((await staff.login('admin@example.com', 'correct horse battery staple')).status).toBe(
      200,
    );
    const controller = new AbortController();
    const feed = await fetch(`${b.url}/api/leads/events`, {
      headers: { Cookie: `staff_session=${staff.cookies.get('staff_session')}` },
      signal: controller.signal,
    });
    let received = '';
    const reading = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of feed.body as unknown as AsyncIterable<Uint8Array>)
        received += decoder.decode(chunk, { stream: true });
    })().catch(() => undefined);
    fake.setStructuredReply({
      json: {
        name: 'Cross Instance',
        email: 'cross@example.com',
        phone: null,
        goals: null,
        experience: 'beginner',
      },
    });
    fake.enqueue({ text: 'Thank you.' });
    await new ChatVisitor(a.url).turn({
      session_id: 'scale-lead',
      message: 'I am Cross Instance, cross@example.com, a beginner',
    });
    await waitFor(
      () => received.includes('Cross Instance') && received.includes('"state":"complete"'),
      5_000,
    );
    controller.abort();
    await reading;
  });

  it('ends on B the feed and the API key socket that access revoked on A', async () => {
    const admin = new StaffClient(a.url);
    expect((await admin.login('admin@example.com', 'correct horse battery staple')).status).toBe(
      200,
    );
    const created = await admin.call('POST', '/api/admin/users', {
      body: {
        email: 'scale-agent@example.com',
        password: 'a long enough passphrase',
        role: 'agent',
      },
    });
    expect(created.status).toBe(201);
    const agent = new StaffClient(b.url);
    expect((await agent.login('scale-agent@example.com', 'a long enough passphrase')).status).toBe(
      200,
    );
    const feed = await openLeadFeed(b.url, agent);
    const keyAnswer = await admin.call('POST', '/api/admin/api-keys', {
      body: { name: 'Scale revoked', scopes: ['chat'] },
    });
    const key: CreatedApiKey = await keyAnswer.json();
    const { closed } = await keyedSocket(b.url, key.key);

    const { id } = (await created.json()) as StaffAccount;
    const revokedAt = Date.now();
    expect(
      (await admin.call('PATCH', `/api/admin/users/${id}`, { body: { disabled: true } })).status,
    ).toBe(200);
    expect((await admin.call('DELETE', `/api/admin/api-keys/${key.id}`)).status).toBe(204);
    await within(feed.ended, 1_000, "the end of the agent's feed on B");
    expect((await within(closed, 1_000, 'the close of the key socket on B')).code).toBe(1008);
    console.log(`revoked on A: feed and socket on B ended ${Date.now() - revokedAt} ms after`);
  });

  it('erases on B what A keeps in memory: a stream of the erased session resumes nowhere', async () => {
    fake.setStructuredReply({
      json: {
        name: 'Erin Erased',
        email: 'erin@example.com',
        phone: null,
        goals: null,
        experience: null,
      },
    });
    fake.enqueue({ text: 'Thank you, Erin.' });
    const visitor = new ChatVisitor(a.url);
    const turn = await visitor.turn({
      session_id: 'scale-erase',
      message: 'I am Erin Erased, erin@example.com',
    });
    const streamId = turn.get('start').stream_id;
    const resume = (api: RunningBuiltApi) =>
      fetch(`${api.url}/api/chat/streams/${streamId}/events`, {
        headers: { 'Last-Event-ID': '0', ...visitor.headers('scale-erase') },
      });
    const before = await resume(a);
    expect(before.status).toBe(200);
    await before.text();
    const live = await SessionEventReader.open(
      `${a.url}/api/chat/sessions/scale-erase/events`,
      visitor.headers('scale-erase'),
    );
    await live.waitUntil((events) => events.length > 0);

    const staff = new StaffClient(b.url);
    await staff.login('admin@example.com', 'correct horse battery staple');
    const page: LeadPage = await (
      await staff.call('GET', '/api/leads?q=erin%40example.com')
    ).json();
    expect((await staff.call('DELETE', `/api/leads/${page.leads[0].id}`)).status).toBe(204);
    // A hears of it through Redis and forgets the stream it finished.
    const status = async (api: RunningBuiltApi) => {
      const response = await resume(api);
      await response.text();
      return response.status;
    };
    await waitFor(async () => (await status(a)) === 404, 5_000, 50);
    expect(await status(b)).toBe(404);
    // The session's live channel on A ends, and its entries are gone from Redis.
    await within(live.finished, 5_000, 'the end of the erased channel');
    const redis = new Redis(testRedisUrl() ?? '');
    try {
      expect(await redis.exists(`${env['REDIS_KEY_PREFIX']}session:{scale-erase}:live`)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('hands a visitor on A to a staff member on B: request, takeover, messages both ways, typing, release', async () => {
    const staff = new StaffClient(b.url);
    await staff.login('admin@example.com', 'correct horse battery staple');
    fake.enqueue({ text: 'Hello, how can I help?' });
    const visitor = new ChatVisitor(a.url);
    await visitor.turn({ session_id: 'scale-handoff', message: 'Hi' });
    // Online on B: connected to its Conversations feed.
    const feed = await fetch(`${b.url}/api/conversations/events`, { headers: staff.credentials() });
    expect(feed.status).toBe(200);
    const live = await SessionEventReader.open(
      `${a.url}/api/chat/sessions/scale-handoff/events`,
      visitor.headers('scale-handoff'),
    );
    await waitFor(
      async () => {
        const asked = await fetch(`${a.url}/api/chat/sessions/scale-handoff/handoff`, {
          method: 'POST',
          headers: visitor.headers('scale-handoff'),
        });
        return ((await asked.json()) as { available?: boolean }).available === true;
      },
      15_000,
      200,
    );
    const watching = await SessionEventReader.open(
      `${b.url}/api/conversations/scale-handoff/events`,
      staff.credentials(),
    );
    expect((await staff.call('POST', '/api/conversations/scale-handoff/takeover')).status).toBe(
      200,
    );
    await live.waitUntil(() => live.of('handoff').some((e) => e.state === 'human'));
    expect((await staff.call('POST', '/api/conversations/scale-handoff/typing')).status).toBe(204);
    await staff.call('POST', '/api/conversations/scale-handoff/messages', {
      body: { content: 'Hi, Admin here.' },
    });
    await live.waitUntil(() => live.of('message').some((e) => e.message.role === 'staff'));
    expect(live.of('typing')).toContainEqual({ type: 'typing', role: 'staff' });
    const requests = fake.requests.length;
    const held = await visitor.turn({ session_id: 'scale-handoff', message: 'Thanks, Admin' });
    expect(held.get('done').finish_reason).toBe('handoff');
    expect(fake.requests.length).toBe(requests);
    await watching.waitUntil(() =>
      watching.of('message').some((e) => e.message.content === 'Thanks, Admin'),
    );
    expect((await staff.call('POST', '/api/conversations/scale-handoff/release')).status).toBe(200);
    await live.waitUntil(() => live.of('handoff').at(-1)?.state === 'assistant');
    live.close();
    watching.close();
    await feed.body?.cancel();
  });

  it('stops telling a socket on A of a session erased on B, even once a new visitor takes its id', async () => {
    const staff = new StaffClient(b.url);
    await staff.login('admin@example.com', 'correct horse battery staple');
    fake.setStructuredReply({
      json: {
        name: 'Wes Socket',
        email: 'wes@example.com',
        phone: null,
        goals: null,
        experience: null,
      },
    });
    fake.enqueue({ text: 'Hello Wes.' });
    const socket = new WebSocket(`${a.url.replace('http', 'ws')}/api/chat/ws`);
    const heard: string[] = [];
    socket.on('message', (data) => heard.push(data.toString()));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(
      JSON.stringify({
        type: 'message',
        session_id: 'scale-ws-erase',
        message: 'I am Wes Socket, wes@example.com',
      }),
    );
    await waitFor(() => heard.some((frame) => frame.includes('"type":"done"')), 10_000);
    // The socket hears staff on B write in its session.
    await staff.call('POST', '/api/conversations/scale-ws-erase/takeover');
    await staff.call('POST', '/api/conversations/scale-ws-erase/messages', {
      body: { content: 'For Wes.' },
    });
    await waitFor(() => heard.some((frame) => frame.includes('For Wes.')), 5_000);
    // Erased on B; then someone else starts a session of the same id, and staff write to them.
    const page: LeadPage = await (await staff.call('GET', '/api/leads?q=wes%40example.com')).json();
    expect((await staff.call('DELETE', `/api/leads/${page.leads[0].id}`)).status).toBe(204);
    fake.setStructuredReply({ json: {} });
    fake.enqueue({ text: 'Hello.' });
    const stranger = new ChatVisitor(a.url);
    await waitFor(
      async () => {
        const turn = await stranger.turn({ session_id: 'scale-ws-erase', message: 'Hi, I am new' });
        return turn.find('done') !== undefined;
      },
      5_000,
      100,
    );
    await staff.call('POST', '/api/conversations/scale-ws-erase/takeover');
    await staff.call('POST', '/api/conversations/scale-ws-erase/messages', {
      body: { content: 'Only for the new visitor.' },
    });
    const live = await SessionEventReader.open(
      `${a.url}/api/chat/sessions/scale-ws-erase/events`,
      stranger.headers('scale-ws-erase'),
    );
    await live.waitUntil((events) => events.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(heard.some((frame) => frame.includes('Only for the new visitor.'))).toBe(false);
    live.close();
    socket.close();
  });

  it("runs on B, at once, the version an admin publishes on A, keeps B's earlier session on its own, and 404s a new one once archived", async () => {
    const admin = new StaffClient(a.url);
    expect((await admin.login('admin@example.com', 'correct horse battery staple')).status).toBe(
      200,
    );
    const imported = await admin.call('GET', '/api/admin/assistants/trading-education');
    const base = ((await imported.json()) as AssistantDetail).draft as Record<string, unknown>;
    // Each version asks for one field of its own: `done.missing_fields` names the version run.
    const version = (greeting: string, field: string) => ({
      ...base,
      id: 'scale-pinned',
      name: 'Scale pinned',
      greeting,
      knowledge: [],
      fields: [
        {
          name: field,
          label: field,
          description: `The visitor's ${field}.`,
          kind: 'text',
          required: true,
          question: `What is your ${field}?`,
        },
      ],
    });
    const created = await admin.call('POST', '/api/admin/assistants', {
      body: { id: 'scale-pinned', draft: version('Hello from version one.', 'company') },
    });
    expect(created.status).toBe(201);
    expect((await admin.call('POST', '/api/admin/assistants/scale-pinned/publish')).status).toBe(
      200,
    );
    fake.setStructuredReply({ json: { company: null, budget: null } });
    const onB = new ChatVisitor(b.url);
    const turnOnB = async (body: { session_id: string; assistant_id?: string }) => {
      fake.enqueue({ text: 'Noted.' });
      return onB.turn({ ...body, message: 'Hello' });
    };
    const earlier = await turnOnB({ session_id: 'scale-pinned-1', assistant_id: 'scale-pinned' });
    expect(earlier.get('start')).toMatchObject({
      assistant_id: 'scale-pinned',
      assistant_version: 1,
    });
    expect(earlier.get('done').missing_fields).toEqual(['company']);
    const described = async () => {
      const response = await fetch(`${b.url}/api/assistants/scale-pinned`);
      return { status: response.status, body: await response.json() };
    };
    expect((await described()).body).toMatchObject({
      version: 1,
      greeting: 'Hello from version one.',
    });

    const saved = await admin.call('PUT', '/api/admin/assistants/scale-pinned/draft', {
      body: version('Hello from version two.', 'budget'),
    });
    expect(saved.status).toBe(200);
    expect((await admin.call('POST', '/api/admin/assistants/scale-pinned/publish')).status).toBe(
      200,
    );
    // No waiting: the next new session on B is version 2's.
    const fresh = await turnOnB({ session_id: 'scale-pinned-2', assistant_id: 'scale-pinned' });
    expect(fresh.get('start')).toMatchObject({
      assistant_id: 'scale-pinned',
      assistant_version: 2,
    });
    expect(fresh.get('done').missing_fields).toEqual(['budget']);
    expect((await described()).body).toMatchObject({
      version: 2,
      greeting: 'Hello from version two.',
    });
    const continued = await turnOnB({ session_id: 'scale-pinned-1' });
    expect(continued.get('start')).toMatchObject({
      assistant_id: 'scale-pinned',
      assistant_version: 1,
    });
    expect(continued.get('done').missing_fields).toEqual(['company']);

    expect((await admin.call('DELETE', '/api/admin/assistants/scale-pinned')).status).toBe(204);
    const refused = await fetch(`${b.url}/api/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ message: 'Hello', assistant_id: 'scale-pinned' }),
    });
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ code: 'not_found' });
    expect((await described()).status).toBe(404);
    // A session whose assistant is archived later goes on, on its version.
    const after = await turnOnB({ session_id: 'scale-pinned-1' });
    expect(after.get('start')).toMatchObject({ assistant_version: 1 });
  });

  it('lets a stream finish through a SIGTERM of its instance, for its client there and a reader on B', async () => {
    fake.enqueue({ text: REPLY, tokenDelayMs: 25 });
    const visitor = new ChatVisitor(a.url);
    const onA = await visitor.send({
      session_id: 'scale-drain',
      message: 'A rolling restart is coming',
    });
    await onA.waitUntil((events) => events.some((e) => e.event.type === 'chunk'));
    const onB = await resumeStream(
      b.url,
      onA.get('start').stream_id,
      0,
      visitor.tokenOf('scale-drain'),
    );
    await onB.waitUntil((events) => events.some((e) => e.event.type === 'chunk'));
    const stopped = stopProcess(a.child, { signal: 'SIGTERM', killAfterMs: 15_000 });
    await Promise.all([onA.finished, onB.finished]);
    await stopped;
    for (const reader of [onA, onB]) {
      expect(reader.get('done').finish_reason).toBe('stop');
      expect(reader.text).toBe(REPLY);
    }
    a = await startBuiltApi(env, { timeoutMs: 60_000 });
  }, 60_000);

  it('survives kill -9 of A mid-generation: a resume on B ends with a retryable error, and the session goes on', async () => {
    fake.enqueue({ text: REPLY, tokenDelayMs: 100 });
    const visitor = new ChatVisitor(a.url);
    const stream = await visitor.send({ session_id: 'scale-crash', message: 'Then crash' });
    await stream.waitUntil((events) => events.filter((e) => e.event.type === 'chunk').length >= 2);
    stream.abort();
    const token = visitor.tokenOf('scale-crash') ?? '';
    await stopProcess(a.child, { signal: 'SIGKILL' });
    const killedAt = performance.now();
    const resumed = await resumeStream(b.url, stream.get('start').stream_id, stream.lastId, token);
    await resumed.finished;
    const endedMs = performance.now() - killedAt;
    expect(resumed.types.at(-1)).toBe('error');
    expect(resumed.find('error')).toMatchObject({ code: 'internal_error', retryable: true });
    console.log(
      `kill -9 of A: the resume on B ended with a retryable error ${endedMs.toFixed(0)} ms later`,
    );
    // A's claim on the session has expired with it: B takes the next message.
    fake.enqueue({ text: 'Back again.' });
    const again = await fetch(`${b.url}/api/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Session-Token': token },
      body: JSON.stringify({ session_id: 'scale-crash', message: 'Hello?' }),
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ reply: 'Back again.' });
    a = await startBuiltApi(env, { timeoutMs: 60_000 });
  }, 60_000);
});

describeScaleOut('two instances sharing rate limits through Redis', () => {
  it('counts one budget across A and B', async () => {
    const database = await createTestPostgresDatabase('chat_scale_limits');
    const scratch = new ScratchDirs();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: testRedisPrefix(),
      RATE_LIMIT_MESSAGES: '3',
      DEMO_MODEL_WORD_DELAY_MS: '0',
      MAIL_OUTBOX_DIR: scratch.make('outbox-'),
      LOG_LEVEL: 'warn',
    };
    const [a, b] = await Promise.all([
      startBuiltApi(env, { timeoutMs: 60_000 }),
      startBuiltApi(env, { timeoutMs: 60_000 }),
    ]);
    try {
      const statuses: number[] = [];
      for (const api of [a, b, a, b]) {
        const response = await fetch(`${api.url}/api/chat`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{"message":"Hi"}',
        });
        statuses.push(response.status);
        await response.text();
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await Promise.all([stopProcess(a.child), stopProcess(b.child)]);
      await database.drop();
      scratch.removeAll();
    }
  }, 90_000);
});

describeScaleOut('an instance whose Redis goes away', () => {
  it('refuses new turns with a retryable error, says so in readiness, and recovers when Redis returns', async () => {
    const database = await createTestPostgresDatabase('chat_scale_outage');
    const scratch = new ScratchDirs();
    const redis = await startTcpProxy(Number(new URL(testRedisUrl() ?? '').port || 6379));
    const api = await startBuiltApi(
      {
        PATH: process.env['PATH'],
        DATABASE_URL: database.url,
        REDIS_URL: `redis://127.0.0.1:${redis.port}`,
        REDIS_KEY_PREFIX: testRedisPrefix(),
        DEMO_MODEL_WORD_DELAY_MS: '0',
        MAIL_OUTBOX_DIR: scratch.make('outbox-'),
        LOG_LEVEL: 'error',
      },
      { timeoutMs: 60_000 },
    );
    const turn = () =>
      fetch(`${api.url}/api/chat`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"message":"Hi"}',
      });
    try {
      expect((await turn()).status).toBe(200);
      redis.cut();
      const refused = await turn();
      const body = await refused.json();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(body).toMatchObject({ code: 'internal_error' });
      expect(JSON.stringify(body)).not.toMatch(/redis|ECONN|6379/i);
      const ready = await fetch(`${api.url}/api/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { redis: 'down' } });
      redis.restore();
      await waitFor(
        async () => (await fetch(`${api.url}/api/health/ready`)).status === 200,
        10_000,
        100,
      );
      expect((await turn()).status).toBe(200);
    } finally {
      await stopProcess(api.child);
      await redis.close();
      await database.drop();
      scratch.removeAll();
    }
  }, 90_000);
});
