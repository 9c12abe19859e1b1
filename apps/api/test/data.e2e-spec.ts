import { type FakeOpenAiServer, startFakeOpenAi } from '@chat/fake-openai';
import { createTestPostgresDatabase, postChatStream, startTcpProxy, testDatabaseEngines, waitFor } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';

describe('bounded growth', () => {
  let fake: FakeOpenAiServer;
  let api: RunningApi;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    api = await startApi({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: fake.url, SESSION_MAX_MESSAGES: '60' });
  });
  afterAll(async () => {
    await api.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const characters = (messages: { role: string; content: string }[]) =>
    messages.filter((m) => m.role !== 'system').reduce((sum, m) => sum + m.content.length, 0);

  it('gives the model a bounded window of a long session, every turn', async () => {
    fake.setDefault({ text: 'A short answer.' });
    const inputs: number[] = [];
    for (let turn = 1; turn <= 28; turn++) {
      const message = `Turn ${turn}: ${'long question '.repeat(285)}`.slice(0, 4000);
      const stream = await postChatStream(api.baseUrl, { message, session_id: 'long-session' });
      await stream.finished;
      expect(stream.find('done')).toBeDefined();
      const reply = fake.requests.filter((request) => request.stream).at(-1)?.body;
      inputs.push(characters(reply.messages));
      // The newest message is always what the model answers.
      expect(reply.messages.at(-1).content).toBe(message);
    }
    // The window (24,000 characters by default) holds, however long the session grows.
    expect(Math.max(...inputs)).toBeLessThanOrEqual(24_000);
    // Once the window is full, a turn's input stops growing.
    const full = inputs.slice(8);
    expect(Math.max(...full) - Math.min(...full)).toBeLessThan(100);
    // The extraction call reads the same window.
    const extraction = fake.requests.filter((request) => !request.stream).at(-1)?.body;
    expect(JSON.stringify(extraction.messages).length).toBeLessThan(24_000 + 6_000);
  });

  it('refuses a message to a full session with a clear invalid_request, keeping the session as it was', async () => {
    fake.setDefault({ text: 'ok' });
    for (let turn = 1; turn <= 30; turn++) {
      await (await postChatStream(api.baseUrl, { message: `m${turn}`, session_id: 'full-session' })).finished;
    }
    const refused = await postChatStream(api.baseUrl, { message: 'one more', session_id: 'full-session' });
    await refused.finished;
    expect(refused.find('error')).toEqual({
      type: 'error',
      code: 'invalid_request',
      message: 'This conversation is full (60 messages). Please start a new one.',
      retryable: false,
    });
    const session = await (await fetch(`${api.baseUrl}/api/chat/sessions/full-session`)).json();
    expect(session.messages).toHaveLength(60);
  });
});

const describeOnPostgres = testDatabaseEngines().includes('postgres') ? describe : describe.skip;

describeOnPostgres('a database that goes away and comes back', () => {
  it('fails new turns with a retryable internal_error, reports not ready, and recovers without a restart', async () => {
    const database = await createTestPostgresDatabase();
    const target = new URL(database.url);
    const proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
    const viaProxy = new URL(target);
    viaProxy.port = String(proxy.port);
    const api = await startApi({ DATABASE_URL: viaProxy.toString(), DATABASE_TIMEOUT_MS: '1000' });
    try {
      const ok = await postChatStream(api.baseUrl, { message: 'Hello', session_id: 'db-away' });
      await ok.finished;
      expect(ok.find('done')).toBeDefined();

      proxy.cut();
      const failed = await postChatStream(api.baseUrl, { message: 'Are you there?', session_id: 'db-away' });
      await failed.finished;
      const error = failed.find('error');
      expect(error).toMatchObject({ code: 'internal_error', retryable: true });
      // Nothing of the database's own words, address or credentials.
      expect(error?.message).toBe('Something went wrong on our side. Please try again.');
      expect((await fetch(`${api.baseUrl}/api/health/ready`)).status).toBe(503);

      proxy.restore();
      await waitFor(async () => (await fetch(`${api.baseUrl}/api/health/ready`)).status === 200, 10_000, 100);
      const recovered = await postChatStream(api.baseUrl, { message: 'Back?', session_id: 'db-away' });
      await recovered.finished;
      expect(recovered.find('done')).toBeDefined();
      const session = await (await fetch(`${api.baseUrl}/api/chat/sessions/db-away`)).json();
      expect(session.messages.map((m: { content: string }) => m.content).filter((c: string) => c !== '')).toEqual([
        'Hello',
        expect.any(String),
        'Back?',
        expect.any(String),
      ]);
    } finally {
      await api.close();
      await proxy.close();
      await database.drop();
    }
  });
});
