import { type FakeOpenAiServer, startFakeOpenAi } from '@chat/fake-openai';
import { ChatVisitor, createTestPostgresDatabase, startTcpProxy, waitFor } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';
import { describeOnPostgres } from './support/test-database';

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
    const visitor = new ChatVisitor(api.baseUrl);
    for (let turn = 1; turn <= 28; turn++) {
      const message = `Turn ${turn}: ${'long question '.repeat(285)}`.slice(0, 4000);
      const stream = await visitor.turn({ message, session_id: 'long-session' });
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
    const visitor = new ChatVisitor(api.baseUrl);
    for (let turn = 1; turn <= 30; turn++) await visitor.turn({ message: `m${turn}`, session_id: 'full-session' });
    // Refused before the stream starts: a plain HTTP error.
    const refused = await visitor.post({ message: 'one more', session_id: 'full-session' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      statusCode: 400,
      code: 'invalid_request',
      message: 'This conversation is full (60 messages). Please start a new one.',
    });
    const session = (await visitor.session('full-session')).body;
    expect(session.messages).toHaveLength(60);
  });
});

describeOnPostgres('a database that goes away and comes back', () => {
  it('fails new turns with a retryable internal_error, reports not ready, and recovers without a restart', async () => {
    const database = await createTestPostgresDatabase();
    const target = new URL(database.url);
    const proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
    const viaProxy = new URL(target);
    viaProxy.port = String(proxy.port);
    const api = await startApi({ DATABASE_URL: viaProxy.toString(), DATABASE_TIMEOUT_MS: '1000' });
    try {
      const visitor = new ChatVisitor(api.baseUrl);
      const ok = await visitor.turn({ message: 'Hello', session_id: 'db-away' });
      expect(ok.find('done')).toBeDefined();

      proxy.cut();
      const failed = await visitor.post({ message: 'Are you there?', session_id: 'db-away' });
      // Refused before the stream starts, with nothing of the database's own words, address or credentials.
      expect(failed.status).toBe(500);
      expect(await failed.json()).toEqual({
        statusCode: 500,
        code: 'internal_error',
        message: 'Something went wrong on our side. Please try again.',
      });
      expect((await fetch(`${api.baseUrl}/api/health/ready`)).status).toBe(503);

      proxy.restore();
      await waitFor(async () => (await fetch(`${api.baseUrl}/api/health/ready`)).status === 200, 10_000, 100);
      const recovered = await visitor.turn({ message: 'Back?', session_id: 'db-away' });
      expect(recovered.find('done')).toBeDefined();
      const session = (await visitor.session('db-away')).body;
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
