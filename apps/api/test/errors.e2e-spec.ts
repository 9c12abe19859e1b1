import WebSocket from 'ws';
import { type FakeOpenAiServer, startFakeOpenAi } from '@chat/fake-openai';
import { postChatStream, sessionTokenHeader } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';

const SECRET_KEY = 'sk-test-DO-NOT-LEAK-1234567890';

async function post(api: RunningApi, path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe('errors before a stream starts are JSON with the contract codes', () => {
  let fake: FakeOpenAiServer;
  let api: RunningApi;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    api = await startApi({ OPENAI_API_KEY: SECRET_KEY, OPENAI_BASE_URL: fake.url, MESSAGE_MAX_LENGTH: '4000' });
  });
  afterAll(async () => {
    await api.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it.each([
    ['malformed JSON', '{"message": "hi"'],
    ['a missing message', '{"session_id": "abc"}'],
    ['an empty message', '{"message": ""}'],
    ['a blank message', '{"message": "   "}'],
    ['a message over the limit', JSON.stringify({ message: 'x'.repeat(4001) })],
    ['a bad session_id', '{"message": "hi", "session_id": "no spaces allowed"}'],
    ['a session_id over 128 characters', JSON.stringify({ message: 'hi', session_id: 'a'.repeat(129) })],
    ['an unknown field', '{"message": "hi", "admin": true}'],
    ['a message that is not a string', '{"message": 42}'],
  ])('invalid_request for %s', async (_case, body) => {
    for (const path of ['/api/chat/stream', '/api/chat']) {
      const response = await post(api, path, body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ statusCode: 400, code: 'invalid_request', message: expect.any(String) });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('payload_too_large for a body over 64 KiB', async () => {
    const response = await post(api, '/api/chat/stream', JSON.stringify({ message: 'x'.repeat(70 * 1024) }));
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
  });

  it('not_found for unknown streams, sessions and routes', async () => {
    const unknownStream = '00000000-0000-4000-8000-000000000000';
    for (const [method, path] of [
      ['GET', `/api/chat/streams/${unknownStream}/events`],
      ['POST', `/api/chat/streams/${unknownStream}/cancel`],
      ['GET', '/api/chat/sessions/never-seen'],
      ['GET', '/api/nothing-here'],
    ]) {
      const response = await fetch(`${api.baseUrl}${path}`, { method });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ statusCode: 404, code: 'not_found' });
    }
  });

  it('generation_in_progress for a second message while one runs', async () => {
    fake.enqueue({ text: 'a b c d e f', tokenDelayMs: 100 });
    const running = await postChatStream(api.baseUrl, { message: 'first', session_id: 'busy-1' });
    await running.waitUntil((events) => events.length >= 1);
    const second = await post(api, '/api/chat/stream', '{"message": "second", "session_id": "busy-1"}', sessionTokenHeader(running.sessionToken));
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'generation_in_progress' });
    // Which says nothing of the running stream.
    expect(JSON.stringify(second.body)).not.toContain(running.get('start').stream_id);
    await running.finished;
    expect(running.text).toBe('a b c d e f');
  });

  it('upstream_unavailable after the retries are spent, leaving the conversation as it was', async () => {
    fake.enqueue({ status: 500 }, { status: 503 }, { status: 500 });
    const stream = await postChatStream(api.baseUrl, { message: 'hi', session_id: 'fail-1' });
    await stream.finished;
    expect(stream.types).toEqual(['start', 'error']);
    expect(stream.find('error')).toEqual({
      type: 'error',
      code: 'upstream_unavailable',
      retryable: true,
      message: expect.any(String),
    });
    expect(fake.requests.filter((r) => r.stream)).toHaveLength(3);
    const transcript = await (await fetch(`${api.baseUrl}/api/chat/sessions/fail-1`, { headers: sessionTokenHeader(stream.sessionToken) })).json();
    expect(transcript.messages).toEqual([]);
    expect(transcript.active_stream).toBeNull();
  });

  it('retries a 429 before the first token and then streams', async () => {
    fake.enqueue({ status: 429, retryAfterSeconds: 0 }, { text: 'recovered fine' });
    const stream = await postChatStream(api.baseUrl, { message: 'hi' });
    await stream.finished;
    expect(stream.text).toBe('recovered fine');
    expect(fake.requests.filter((r) => r.stream)).toHaveLength(2);
  });

  it('a failure after the first token is an error event, not a retry', async () => {
    fake.enqueue({ text: 'one two three four', breakAfterTokens: 2 });
    const stream = await postChatStream(api.baseUrl, { message: 'hi' });
    await stream.finished;
    expect(stream.types.slice(-1)).toEqual(['error']);
    expect(stream.find('error')).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(fake.requests.filter((r) => r.stream)).toHaveLength(1);
  });

  it('never leaks the API key or provider internals in error messages', async () => {
    fake.enqueue({ status: 401 });
    const stream = await postChatStream(api.baseUrl, { message: 'hi' });
    await stream.finished;
    const raw = JSON.stringify(stream.events);
    expect(raw).not.toContain(SECRET_KEY);
    expect(raw).not.toContain(fake.url);
    expect(stream.find('error')?.code).toBe('upstream_unavailable');
  });

  it('the non-streaming call answers upstream failures with the HTTP status of the code', async () => {
    fake.enqueue({ status: 500 }, { status: 500 }, { status: 500 });
    const response = await post(api, '/api/chat', '{"message": "hi"}');
    expect(response.status).toBe(502);
    expect(response.body).toMatchObject({ code: 'upstream_unavailable' });
  });
});

describe('timeouts and malformed upstream answers', () => {
  let fake: FakeOpenAiServer;
  let api: RunningApi;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    api = await startApi({
      OPENAI_API_KEY: SECRET_KEY,
      OPENAI_BASE_URL: fake.url,
      OPENAI_FIRST_TOKEN_TIMEOUT_MS: '300',
      OPENAI_STALL_TIMEOUT_MS: '300',
      OPENAI_MAX_ATTEMPTS: '1',
    });
  });
  afterAll(async () => {
    await api.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('upstream_timeout when the stream stalls mid-reply, and the upstream socket is closed', async () => {
    fake.enqueue({ text: 'one two three', stallAfterTokens: 1 });
    const stream = await postChatStream(api.baseUrl, { message: 'hi' });
    await stream.finished;
    expect(stream.text).toMatch(/^one ?$/);
    expect(stream.find('error')).toMatchObject({ code: 'upstream_timeout', retryable: true });
    await fake.waitForSocketsClosed(2_000);
  });

  it('a reply slower in total than the stall period is not a stall while its tokens keep coming', async () => {
    // 8 tokens 100 ms apart: 800 ms in all against a 300 ms stall period.
    fake.enqueue({ text: 'a b c d e f g h', tokenDelayMs: 100 });
    const stream = await postChatStream(api.baseUrl, { message: 'hi' });
    await stream.finished;
    expect(stream.find('error')).toBeUndefined();
    expect(stream.text).toBe('a b c d e f g h');
    expect(stream.find('done')?.finish_reason).toBe('stop');
  });

  it('upstream_timeout when no first token comes in time', async () => {
    fake.enqueue({ text: 'late', firstTokenDelayMs: 2_000 });
    const stream = await postChatStream(api.baseUrl, { message: 'hi' });
    await stream.finished;
    expect(stream.types).toEqual(['start', 'error']);
    expect(stream.find('error')?.code).toBe('upstream_timeout');
  });

  it('upstream_timeout as 504 on the non-streaming call', async () => {
    fake.enqueue({ text: 'late', firstTokenDelayMs: 2_000 });
    const response = await post(api, '/api/chat', '{"message": "hi"}');
    expect(response.status).toBe(504);
    expect(response.body).toMatchObject({ code: 'upstream_timeout' });
  });
});

describe('rate limiting: one budget per client across transports', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_MESSAGES: '3', RATE_LIMIT_READS: '4', RATE_LIMIT_WINDOW_MS: '60000' });
  });
  afterAll(() => api.close());

  /** One WebSocket message and the terminal event it gets. */
  async function overSocket(message: object): Promise<{ type: string; code?: string; message?: string }> {
    const socket = new WebSocket(`${api.baseUrl.replace('http', 'ws')}/api/chat/ws`);
    const events: Array<{ type: string; code?: string; message?: string }> = [];
    socket.on('message', (data) => events.push(JSON.parse(data.toString())));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify(message));
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => e.type === 'done' || e.type === 'error') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    socket.close();
    return events.find((e) => e.type === 'done' || e.type === 'error') ?? { type: 'nothing' };
  }

  it('spends one message budget over SSE, REST and the WebSocket, then refuses on each, whatever X-Forwarded-For says', async () => {
    const sse = await postChatStream(api.baseUrl, { message: 'hello' });
    await sse.finished;
    expect(sse.response.status).toBe(200);
    expect((await post(api, '/api/chat', '{"message": "hello"}')).status).toBe(200);
    expect(await overSocket({ type: 'message', message: 'hello' })).toMatchObject({ type: 'done' });

    const limited = await post(api, '/api/chat/stream', '{"message": "hello"}', { 'X-Forwarded-For': '203.0.113.7' });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ statusCode: 429, code: 'rate_limited', message: expect.stringMatching(/^Too many requests\. Try again in \d+ s\.$/) });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await post(api, '/api/chat', '{"message": "hello"}', { 'X-Forwarded-For': '198.51.100.9' })).status).toBe(429);
    expect(await overSocket({ type: 'message', message: 'hello' })).toMatchObject({
      type: 'error',
      code: 'rate_limited',
      message: expect.stringMatching(/try again in \d+ s/i),
    });
  });

  it('gives reads their own looser budget', async () => {
    for (let i = 0; i < 4; i++) expect((await fetch(`${api.baseUrl}/api/chat/profile`)).status).toBe(200);
    const limited = await fetch(`${api.baseUrl}/api/chat/sessions/anything`);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ statusCode: 429, code: 'rate_limited' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
