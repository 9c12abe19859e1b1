import { type FakeOpenAiServer, startFakeOpenAi } from '@chat/fake-openai';
import { postChatStream, resumeStream, sessionTokenHeader } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';

describe('POST /api/chat/stream on the demo model', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi({ OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined });
  });
  afterAll(() => api.close());

  it('answers the compatibility call with the documented frames', async () => {
    // The exact request of PROTOCOL.md's compatibility promise.
    const response = await fetch(`${api.baseUrl}/api/chat/stream`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip, deflate, br' },
      body: '{"message": "What is momentum trading?", "session_id": "test-123"}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toContain('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const body = await response.text();
    const frames = body.split('\n\n').filter((frame) => frame.trim() !== '');
    const events = frames.map((frame, index) => {
      const [idLine, dataLine, ...rest] = frame.replace(/^\n+/, '').split('\n');
      expect(rest).toEqual([]);
      expect(idLine).toBe(`id: ${index + 1}`);
      expect(dataLine.startsWith('data: ')).toBe(true);
      return JSON.parse(dataLine.slice('data: '.length));
    });
    expect(events[0]).toMatchObject({ type: 'start', session_id: 'test-123', model: 'demo' });
    expect(events.at(-1)).toMatchObject({ type: 'done', finish_reason: 'stop', is_complete: false });
    const chunks = events.filter((e) => e.type === 'chunk');
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.map((e) => e.content).join('')).toMatch(/momentum/i);
    expect(events.at(-1).data_collected).toEqual({});
    expect(events.at(-1).missing_fields).toEqual(expect.arrayContaining(['name', 'email', 'experience']));
  });

  it('starts a new random session when none is given and keeps the conversation', async () => {
    const first = await postChatStream(api.baseUrl, { message: 'Hello!' });
    await first.finished;
    const start = first.find('start');
    expect(start?.session_id).toMatch(/^[A-Za-z0-9_-]{8,}$/);

    const transcript = await (
      await fetch(`${api.baseUrl}/api/chat/sessions/${start?.session_id}`, { headers: sessionTokenHeader(first.sessionToken) })
    ).json();
    expect(transcript.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(transcript.messages[1].content).toBe(first.text);
    expect(transcript.active_stream).toBeNull();
  });
});

describe('streams outlive their connection (local model server)', () => {
  let fake: FakeOpenAiServer;
  let api: RunningApi;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    api = await startApi({
      OPENAI_API_KEY: 'sk-test-key',
      OPENAI_BASE_URL: fake.url,
      GENERATION_ORPHAN_TIMEOUT_MS: '400',
    });
  });
  afterAll(async () => {
    await api.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const REPLY = 'Momentum trading buys what is rising,\n\n- and **sells** what is falling: "trend" ✓ 📈 end.';

  it('leaves the upstream connection of a finished reply open for the next call', async () => {
    // The body ends 100 ms after `[DONE]`, as providers' bodies often do.
    fake.enqueue({ text: REPLY, tokenDelayMs: 5, endDelayMs: 100 });
    const stream = await postChatStream(api.baseUrl, { message: 'hi', session_id: 'pool-1' });
    await stream.finished;
    expect(stream.text).toBe(REPLY);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const upstream = fake.requests.find((request) => request.stream);
    expect(upstream).toBeDefined();
    expect(upstream?.socketClosedAt).toBeUndefined();
  });

  it('resumes after a dropped connection with byte-identical text', async () => {
    fake.enqueue({ text: REPLY, tokenDelayMs: 0 }, { text: REPLY, tokenDelayMs: 25 });
    const reference = await postChatStream(api.baseUrl, { message: 'hi', session_id: 'resume-ref' });
    await reference.finished;
    expect(reference.text).toBe(REPLY);

    const first = await postChatStream(api.baseUrl, { message: 'hi', session_id: 'resume-1' });
    await first.waitUntil((events) => events.filter((e) => e.event.type === 'chunk').length >= 4);
    first.abort();
    const streamId = first.get('start').stream_id;
    const missedFrom = first.lastId;

    const resumed = await resumeStream(api.baseUrl, streamId, missedFrom, first.sessionToken);
    await resumed.finished;
    expect(resumed.response.status).toBe(200);
    expect(resumed.events[0].id).toBe(missedFrom + 1);
    const ids = [...first.events, ...resumed.events].map((e) => e.id);
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    expect(first.text + resumed.text).toBe(reference.text);
    expect(resumed.types.at(-1)).toBe('done');
  });

  it('replays a finished stream from ?last_event_id=', async () => {
    fake.enqueue({ text: REPLY });
    const stream = await postChatStream(api.baseUrl, { message: 'hi', session_id: 'replay' });
    await stream.finished;
    const streamId = stream.get('start').stream_id;
    // As an `EventSource` can: the session token in the query.
    const replay = await fetch(`${api.baseUrl}/api/chat/streams/${streamId}/events?last_event_id=1&session_token=${stream.sessionToken}`);
    const body = await replay.text();
    expect(body).toContain('id: 2\n');
    expect(body).not.toContain('id: 1\n');
    expect(body).toContain('"type":"done"');
    // A finished stream keeps its events in a compact form: the replay is still every event as sent.
    const parsed = await resumeStream(api.baseUrl, streamId, 1, stream.sessionToken);
    await parsed.finished;
    expect(parsed.events).toEqual(stream.events.slice(1));
    expect(parsed.text).toBe(REPLY);
  });

  it('cancel aborts the upstream request at once and ends with finish_reason cancelled', async () => {
    fake.enqueue({ text: 'one two three four five six seven eight nine ten', tokenDelayMs: 200 });
    const stream = await postChatStream(api.baseUrl, { message: 'hi', session_id: 'cancel-1' });
    await stream.waitUntil((events) => events.some((e) => e.event.type === 'chunk'));
    expect(fake.openSockets()).toBe(1);
    const streamId = stream.get('start').stream_id;

    const cancel = await fetch(`${api.baseUrl}/api/chat/streams/${streamId}/cancel`, {
      method: 'POST',
      headers: sessionTokenHeader(stream.sessionToken),
    });
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toEqual({ stream_id: streamId, cancelled: true });
    await stream.finished;
    await fake.waitForSocketsClosed(2_000);
    expect(fake.requests.find((r) => r.stream)?.socketClosedAt).toBeDefined();

    const done = stream.find('done');
    expect(done?.finish_reason).toBe('cancelled');
    expect(stream.text.length).toBeGreaterThan(0);
    const transcript = await (await fetch(`${api.baseUrl}/api/chat/sessions/cancel-1`, { headers: sessionTokenHeader(stream.sessionToken) })).json();
    expect(transcript.messages[1]).toMatchObject({ content: stream.text, finish_reason: 'cancelled' });
  });

  it('aborts an orphaned generation after the grace period, closing the upstream socket', async () => {
    fake.enqueue({ text: 'a b c d e f g h i j k l m n o p', tokenDelayMs: 150 });
    const stream = await postChatStream(api.baseUrl, { message: 'hi', session_id: 'orphan-1' });
    await stream.waitUntil((events) => events.some((e) => e.event.type === 'chunk'));
    const streamId = stream.get('start').stream_id;
    // The client goes away: the server must notice the POST stream's disconnect.
    stream.abort();
    await fake.waitForSocketsClosed(3_000);

    const replay = await resumeStream(api.baseUrl, streamId, 0, stream.sessionToken);
    await replay.finished;
    expect(replay.find('done')?.finish_reason).toBe('cancelled');
    expect(replay.text.length).toBeLessThan('a b c d e f g h i j k l m n o p'.length);
  });

  it('keeps a generation whose client reconnects within the grace period', async () => {
    fake.enqueue({ text: 'a b c d e f g h', tokenDelayMs: 100 });
    const stream = await postChatStream(api.baseUrl, { message: 'hi', session_id: 'orphan-2' });
    await stream.waitUntil((events) => events.some((e) => e.event.type === 'chunk'));
    stream.abort();
    const resumed = await resumeStream(api.baseUrl, stream.get('start').stream_id, stream.lastId, stream.sessionToken);
    await resumed.finished;
    expect(resumed.find('done')?.finish_reason).toBe('stop');
    expect(stream.text + resumed.text).toBe('a b c d e f g h');
  });

  it('sends a heartbeat comment while a stream is quiet', async () => {
    const quiet = await startApi({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: fake.url, SSE_HEARTBEAT_MS: '100' });
    try {
      fake.enqueue({ text: 'slow', firstTokenDelayMs: 450 });
      const stream = await postChatStream(quiet.baseUrl, { message: 'hi' });
      await stream.finished;
      expect(stream.comments).toContain('ping');
      expect(stream.text).toBe('slow');
    } finally {
      await quiet.close();
    }
  });
});
