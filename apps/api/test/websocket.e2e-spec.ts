import WebSocket from 'ws';
import { type FakeOpenAiServer, startFakeOpenAi } from '@chat/fake-openai';
import type { ChatEvent } from '@chat/contracts';
import { resumeStream } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';

/** A WebSocket client collecting the events the server sends. */
async function connect(
  api: RunningApi,
): Promise<{ socket: WebSocket; events: ChatEvent[]; until(type: string): Promise<void> }> {
  const socket = new WebSocket(`${api.baseUrl.replace('http', 'ws')}/api/chat/ws`);
  const events: ChatEvent[] = [];
  socket.on('message', (data) => events.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const until = async (type: string) => {
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => e.type === type)) {
      if (Date.now() > deadline) throw new Error(`no ${type}; got ${events.map((e) => e.type)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { socket, events, until };
}

describe('WebSocket /api/chat/ws', () => {
  let fake: FakeOpenAiServer;
  let api: RunningApi;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    api = await startApi({
      OPENAI_API_KEY: 'k',
      OPENAI_BASE_URL: fake.url,
      GENERATION_ORPHAN_TIMEOUT_MS: '5000',
    });
  });
  afterAll(async () => {
    await api.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('streams the same event objects as SSE', async () => {
    fake.enqueue({ text: 'Hello over the socket' });
    const client = await connect(api);
    client.socket.send(JSON.stringify({ type: 'message', message: 'hi', session_id: 'ws-1' }));
    await client.until('done');
    expect(client.events.map((e) => e.type)).toEqual([
      'start',
      'chunk',
      'chunk',
      'chunk',
      'chunk',
      'done',
    ]);
    expect(client.events[0]).toMatchObject({
      type: 'start',
      session_id: 'ws-1',
      model: expect.any(String),
    });
    const text = client.events.map((e) => (e.type === 'chunk' ? e.content : '')).join('');
    expect(text).toBe('Hello over the socket');
    client.socket.close();
  });

  it('cancels over the socket', async () => {
    fake.enqueue({ text: 'a b c d e f g h i j', tokenDelayMs: 150 });
    const client = await connect(api);
    client.socket.send(JSON.stringify({ type: 'message', message: 'hi' }));
    await client.until('chunk');
    const start = client.events[0] as Extract<ChatEvent, { type: 'start' }>;
    client.socket.send(
      JSON.stringify({
        type: 'cancel',
        stream_id: start.stream_id,
        session_token: start.session_token,
      }),
    );
    await client.until('done');
    expect(client.events.at(-1)).toMatchObject({ type: 'done', finish_reason: 'cancelled' });
    await fake.waitForSocketsClosed(2_000);
    client.socket.close();
  });

  it('answers bad messages with an invalid_request error event', async () => {
    const client = await connect(api);
    client.socket.send('not json');
    client.socket.send(JSON.stringify({ type: 'message', message: '' }));
    client.socket.send(JSON.stringify({ type: 'dance' }));
    await new Promise((r) => setTimeout(r, 200));
    expect(client.events).toHaveLength(3);
    for (const event of client.events) {
      expect(event).toMatchObject({ type: 'error', code: 'invalid_request', retryable: false });
    }
    client.socket.close();
  });

  it('runs no draft: a preview is for an admin over HTTP, with the staff cookie and CSRF header', async () => {
    const client = await connect(api);
    client.socket.send(JSON.stringify({ type: 'message', message: 'Hi', preview: true }));
    await client.until('error');
    expect(client.events).toEqual([expect.objectContaining({ type: 'error', code: 'unauthorized' })]);
    client.socket.close();
  });

  it('answers a deeply nested message with invalid_request, not an internal error', async () => {
    const client = await connect(api);
    const nested = '['.repeat(20_000) + ']'.repeat(20_000);
    client.socket.send(`{"type":"message","message":"hi","metadata":${nested}}`);
    await client.until('error');
    expect(client.events).toEqual([
      expect.objectContaining({
        type: 'error',
        code: 'invalid_request',
        message: expect.stringContaining('nested'),
      }),
    ]);
    client.socket.close();
  });

  it('closing the socket leaves the generation running and resumable over SSE', async () => {
    fake.enqueue({ text: 'one two three four five six', tokenDelayMs: 60 });
    const client = await connect(api);
    client.socket.send(JSON.stringify({ type: 'message', message: 'hi' }));
    await client.until('chunk');
    client.socket.close();
    const start = client.events[0] as Extract<ChatEvent, { type: 'start' }>;
    const resumed = await resumeStream(api.baseUrl, start.stream_id, 0, start.session_token);
    await resumed.finished;
    expect(resumed.text).toBe('one two three four five six');
    expect(resumed.find('done')?.finish_reason).toBe('stop');
  });
});

describe('WebSocket limits', () => {
  let api: RunningApi;
  const url = () => `${api.baseUrl.replace('http', 'ws')}/api/chat/ws`;

  beforeAll(async () => {
    api = await startApi({
      CORS_ORIGINS: 'https://shop.example',
      WS_MAX_SOCKETS_PER_CLIENT: '3',
      WS_PING_INTERVAL_MS: '1000',
    });
  });
  afterAll(() => api.close());

  /** The close code of each socket, watched from its creation (a close may follow `open` at once). */
  const closes = new WeakMap<WebSocket, Promise<number>>();

  /** How the upgrade ends: opened, or refused with an HTTP status. */
  function upgrade(
    options: WebSocket.ClientOptions,
  ): Promise<{ socket?: WebSocket; status?: number }> {
    return new Promise((resolve) => {
      const socket = new WebSocket(url(), options);
      closes.set(
        socket,
        new Promise<number>((closed) => socket.once('close', (code: number) => closed(code))),
      );
      socket.once('open', () => resolve({ socket }));
      socket.once('unexpected-response', (_request, response) =>
        resolve({ status: response.statusCode }),
      );
    });
  }

  const closed = (socket: WebSocket) => closes.get(socket) as Promise<number>;

  it('refuses a page of another site, and takes the allowed origins, its own and non-browsers', async () => {
    expect(await upgrade({ origin: 'https://evil.example' })).toEqual({ status: 403 });
    for (const origin of ['https://shop.example', api.baseUrl, undefined]) {
      const { socket } = await upgrade(origin ? { origin } : {});
      expect(socket?.readyState).toBe(WebSocket.OPEN);
      // Closed before the next test counts this client's sockets.
      socket?.close();
      await closed(socket as WebSocket);
    }
  });

  it('closes a socket that sends a frame over the body limit with 1009', async () => {
    const { socket } = await upgrade({});
    const code = closed(socket as WebSocket);
    socket?.send('x'.repeat(8 * 1024 * 1024));
    expect(await code).toBe(1009);
  });

  it('caps the sockets one client holds', async () => {
    const held = await Promise.all([upgrade({}), upgrade({}), upgrade({})]);
    const { socket: extra } = await upgrade({});
    expect(await closed(extra as WebSocket)).toBe(1008);
    await Promise.all(
      held.map(({ socket }) => {
        const done = closed(socket as WebSocket);
        socket?.close();
        return done;
      }),
    );
  });

  it('closes a socket that stops answering pings', async () => {
    const { socket } = await upgrade({ autoPong: false });
    const started = Date.now();
    expect(await closed(socket as WebSocket)).toBe(1006);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
