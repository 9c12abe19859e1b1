import WebSocket from 'ws';
import { type FakeOpenAiServer, startFakeOpenAi } from '@chat/fake-openai';
import type { ChatEvent } from '@chat/contracts';
import { ChatVisitor, sessionTokenHeader } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';

/** `[role, content]` of each message of `sessionId`'s transcript, as its owner reloads it. */
async function transcriptOf(visitor: ChatVisitor, sessionId: string): Promise<[string, string][]> {
  const { status, body } = await visitor.session(sessionId);
  expect(status).toBe(200);
  return body.messages.map((m: { role: string; content: string }) => [m.role, m.content]);
}

describe('regenerate: true replaces the last reply', () => {
  let fake: FakeOpenAiServer;
  let api: RunningApi;
  let visitor: ChatVisitor;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    api = await startApi({ OPENAI_API_KEY: 'sk-test-key', OPENAI_BASE_URL: fake.url });
    visitor = new ChatVisitor(api.baseUrl);
  });
  afterAll(async () => {
    await api.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  /** Two whole turns on `sessionId`. */
  async function twoTurns(sessionId: string): Promise<void> {
    fake.enqueue({ text: 'First answer.' }, { text: 'Second answer.' });
    await visitor.turn({ message: 'first question', session_id: sessionId });
    await visitor.turn({ message: 'second question', session_id: sessionId });
  }

  it('streams a new reply to the last user message, which replaces the old reply (SSE)', async () => {
    await twoTurns('regen-sse');
    fake.enqueue({ text: 'Another second answer.' });
    const stream = await visitor.turn({ regenerate: true, session_id: 'regen-sse' });
    expect(stream.response.status).toBe(200);
    expect(stream.types[0]).toBe('start');
    expect(stream.types.at(-1)).toBe('done');
    expect(stream.types.slice(1, -1).every((type) => type === 'chunk')).toBe(true);
    expect(stream.text).toBe('Another second answer.');
    // The model read the conversation up to the regenerated message, once.
    const call = fake.requests.filter((request) => request.stream).at(-1);
    const said = call?.body.messages
      .filter((m: { role: string }) => m.role !== 'system')
      .map((m: { content: string }) => m.content);
    expect(said).toEqual(['first question', 'First answer.', 'second question']);
    expect(await transcriptOf(visitor, 'regen-sse')).toEqual([
      ['user', 'first question'],
      ['assistant', 'First answer.'],
      ['user', 'second question'],
      ['assistant', 'Another second answer.'],
    ]);
    // The new reply is the transcript's: its id is the one `start` announced.
    const { body } = await visitor.session('regen-sse');
    expect(body.messages.at(-1).id).toBe(stream.get('start').message_id);
  });

  it('ignores a message sent with regenerate, and answers over REST too', async () => {
    await twoTurns('regen-rest');
    fake.enqueue({ text: 'A REST answer.' });
    const response = await fetch(`${api.baseUrl}/api/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...visitor.headers('regen-rest') },
      body: JSON.stringify({ regenerate: true, session_id: 'regen-rest', message: 'not this' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      session_id: 'regen-rest',
      reply: 'A REST answer.',
    });
    expect(await transcriptOf(visitor, 'regen-rest')).toEqual([
      ['user', 'first question'],
      ['assistant', 'First answer.'],
      ['user', 'second question'],
      ['assistant', 'A REST answer.'],
    ]);
  });

  it('regenerates over the WebSocket', async () => {
    await twoTurns('regen-ws');
    fake.enqueue({ text: 'A socket answer.' });
    const socket = new WebSocket(`${api.baseUrl.replace('http', 'ws')}/api/chat/ws`);
    const events: ChatEvent[] = [];
    socket.on('message', (data) => events.push(JSON.parse(data.toString())));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(
      JSON.stringify({
        type: 'message',
        regenerate: true,
        session_id: 'regen-ws',
        session_token: visitor.tokenOf('regen-ws'),
      }),
    );
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => e.type === 'done' || e.type === 'error') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    socket.close();
    expect(events.map((e) => e.type)).toEqual(['start', 'chunk', 'chunk', 'chunk', 'done']);
    expect((await transcriptOf(visitor, 'regen-ws')).at(-1)).toEqual([
      'assistant',
      'A socket answer.',
    ]);
  });

  it('refuses a session with nothing to regenerate (400), and an unknown one (404) without creating it', async () => {
    // A session whose only turn failed holds no message.
    fake.enqueue({ status: 401 });
    const failed = await visitor.turn({ message: 'hello', session_id: 'regen-empty' });
    expect(failed.types.at(-1)).toBe('error');
    const empty = await visitor.post({ regenerate: true, session_id: 'regen-empty' });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({
      code: 'invalid_request',
      message: 'Nothing to regenerate: the session has no message yet.',
    });

    const unknown = await visitor.post({ regenerate: true, session_id: 'regen-unknown' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'not_found' });
    expect((await fetch(`${api.baseUrl}/api/chat/sessions/regen-unknown`)).status).toBe(404);

    // Regenerating needs a session to regenerate in.
    const none = await visitor.post({ regenerate: true });
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ code: 'invalid_request' });
    expect(fake.requests.filter((request) => request.stream)).toHaveLength(1);
  });

  it('still wants a message without regenerate', async () => {
    const response = await visitor.post({ session_id: 'regen-no-message' } as never);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'invalid_request' });
  });

  it('refuses a stranger (403), with no token or another one, and leaves the transcript alone', async () => {
    await twoTurns('regen-owned');
    const before = await transcriptOf(visitor, 'regen-owned');
    const stranger = new ChatVisitor(api.baseUrl);
    expect((await stranger.post({ regenerate: true, session_id: 'regen-owned' })).status).toBe(403);
    fake.enqueue({ text: 'Elsewhere.' });
    await stranger.turn({ message: 'my own', session_id: 'regen-other' });
    const withOtherToken = await fetch(`${api.baseUrl}/api/chat/stream`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...sessionTokenHeader(stranger.tokenOf('regen-other')),
      },
      body: JSON.stringify({ regenerate: true, session_id: 'regen-owned' }),
    });
    expect(withOtherToken.status).toBe(403);
    expect(await withOtherToken.json()).toMatchObject({ code: 'forbidden' });
    expect(await transcriptOf(visitor, 'regen-owned')).toEqual(before);
  });

  it('answers 409 while a reply runs', async () => {
    await twoTurns('regen-busy');
    fake.enqueue({ text: 'one two three four five six', tokenDelayMs: 100 });
    const running = await visitor.send({ regenerate: true, session_id: 'regen-busy' });
    await running.waitUntil((events) => events.some((e) => e.event.type === 'chunk'));
    const again = await visitor.post({ regenerate: true, session_id: 'regen-busy' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'generation_in_progress' });
    // A reload meanwhile shows the transcript as it will be: the message asked again, once, and the
    // running reply to re-attach to; the old reply is only gone for good when the new one completes.
    const reload = await visitor.session('regen-busy');
    expect(reload.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'first question',
      'First answer.',
      'second question',
    ]);
    expect(reload.body.active_stream).toEqual({
      stream_id: running.get('start').stream_id,
      message_id: running.get('start').message_id,
    });
    // Once it completes, the regenerated message is there once, with the new reply.
    await running.finished;
    expect(await transcriptOf(visitor, 'regen-busy')).toEqual([
      ['user', 'first question'],
      ['assistant', 'First answer.'],
      ['user', 'second question'],
      ['assistant', 'one two three four five six'],
    ]);
  });

  it('leaves the old transcript when the regenerated reply fails', async () => {
    await twoTurns('regen-fails');
    const before = await transcriptOf(visitor, 'regen-fails');
    fake.enqueue({ status: 401 });
    const failed = await visitor.turn({ regenerate: true, session_id: 'regen-fails' });
    expect(failed.types.at(-1)).toBe('error');
    expect(await transcriptOf(visitor, 'regen-fails')).toEqual(before);
  });

  it('keeps the old reply when a regenerate is cancelled before any text, and replaces it with a partial one after', async () => {
    await twoTurns('regen-cancel');
    const before = await transcriptOf(visitor, 'regen-cancel');
    fake.enqueue({ text: 'never said', firstTokenDelayMs: 2_000 });
    const silent = await visitor.send({ regenerate: true, session_id: 'regen-cancel' });
    await silent.waitUntil((events) => events.some((e) => e.event.type === 'start'));
    expect((await visitor.cancel('regen-cancel', silent.get('start').stream_id)).status).toBe(200);
    await silent.finished;
    expect(silent.find('done')?.finish_reason).toBe('cancelled');
    expect(await transcriptOf(visitor, 'regen-cancel')).toEqual(before);

    fake.enqueue({ text: 'partly said and then some more words', tokenDelayMs: 150 });
    const partial = await visitor.send({ regenerate: true, session_id: 'regen-cancel' });
    await partial.waitUntil((events) => events.some((e) => e.event.type === 'chunk'));
    await visitor.cancel('regen-cancel', partial.get('start').stream_id);
    await partial.finished;
    const after = await transcriptOf(visitor, 'regen-cancel');
    expect(after.slice(0, 3)).toEqual(before.slice(0, 3));
    expect(after).toHaveLength(4);
    expect(after[3]).toEqual(['assistant', partial.text]);
    expect('partly said and then some more words'.startsWith(partial.text)).toBe(true);
  });
});

describe('regenerate and the lead (demo model)', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi({ OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined });
  });
  afterAll(() => api.close());

  it('keeps the details the regenerated message gave, and still collects the next ones', async () => {
    const visitor = new ChatVisitor(api.baseUrl);
    await visitor.turn({ message: 'What is momentum trading?', session_id: 'regen-lead' });
    await visitor.turn({ message: 'My name is Ana Silva', session_id: 'regen-lead' });
    const again = await visitor.turn({ regenerate: true, session_id: 'regen-lead' });
    expect(again.get('done').data_collected).toEqual({ name: 'Ana Silva' });
    const next = await visitor.turn({ message: 'ana.silva@example.com', session_id: 'regen-lead' });
    expect(next.get('done').data_collected).toEqual({
      name: 'Ana Silva',
      email: 'ana.silva@example.com',
    });
    const { body } = await visitor.session('regen-lead');
    expect(body.messages.map((m: { role: string }) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    expect(body.data_collected).toEqual({ name: 'Ana Silva', email: 'ana.silva@example.com' });
  });
});
