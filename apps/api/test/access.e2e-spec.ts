import WebSocket from 'ws';
import { type FakeOpenAiServer, startFakeOpenAi } from '@chat/fake-openai';
import type { ChatEvent } from '@chat/contracts';
import { ChatVisitor, postChatStream, resumeStream } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';

/** One WebSocket message and the first answer to it. */
async function overSocket(api: RunningApi, message: object): Promise<ChatEvent> {
  const socket = new WebSocket(`${api.baseUrl.replace('http', 'ws')}/api/chat/ws`);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const answer = new Promise<ChatEvent>((resolve) => socket.once('message', (data) => resolve(JSON.parse(data.toString()))));
  socket.send(JSON.stringify(message));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer')), 5000)));
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
    socket.close();
  }
}

/**
 * The attack of the security review, step by step: knowing a session id (the README's
 * `test-123`) and even a stream id must give an attacker nothing of the conversation and no way
 * to act on it, over SSE, REST and WebSocket.
 */
describe('a session id is not a key: the attack of the security review', () => {
  let fake: FakeOpenAiServer;
  let api: RunningApi;
  let victim: ChatVisitor;
  const ATTACKER_EMAIL = 'attacker@evil.example';

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    api = await startApi({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: fake.url });
    victim = new ChatVisitor(api.baseUrl);
  });
  afterAll(async () => {
    await api.close();
    await fake.close();
  });

  it('is refused at every step, and the victim is not disturbed', async () => {
    // The victim's conversation, with the README's session id.
    fake.setStructuredReply({ json: { name: 'Ada Lovelace', email: 'ada@example.com', phone: null, goals: null, experience: null } });
    fake.enqueue({ text: 'Nice to meet you, Ada.' });
    const first = await victim.turn({ session_id: 'test-123', message: 'I am Ada Lovelace, ada@example.com' });
    expect(first.sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // 1. Read the conversation: refused, and the refusal tells nothing of it.
    for (const headers of [{}, { 'X-Session-Token': 'guess' }, { 'X-Session-Token': '' }] as Record<string, string>[]) {
      const read = await fetch(`${api.baseUrl}/api/chat/sessions/test-123`, { headers });
      expect(read.status).toBe(403);
      const body = await read.text();
      expect(JSON.parse(body)).toMatchObject({ statusCode: 403, code: 'forbidden' });
      expect(body).not.toMatch(/Ada|ada@example|stream/i);
    }

    // 2. While the victim's next reply streams: no busy signal, no stream id, to anyone else.
    fake.enqueue({ text: 'one two three four five six seven eight nine ten', tokenDelayMs: 80 });
    const running = await victim.send({ session_id: 'test-123', message: 'Tell me more' });
    await running.waitUntil((events) => events.some((e) => e.event.type === 'chunk'));
    const streamId = running.get('start').stream_id;
    const busy = await fetch(`${api.baseUrl}/api/chat/stream`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ session_id: 'test-123', message: `my email is ${ATTACKER_EMAIL}` }),
    });
    expect(busy.status).toBe(403);
    expect(await busy.text()).not.toContain(streamId);

    // 3. Even with the stream id: no replay, no cancel, on any transport.
    const replay = await resumeStream(api.baseUrl, streamId, 0);
    expect(replay.response.status).toBe(403);
    const byQuery = await fetch(`${api.baseUrl}/api/chat/streams/${streamId}/events?session_token=guess`);
    expect(byQuery.status).toBe(403);
    expect(await byQuery.text()).not.toMatch(/one two|Ada/);
    const cancel = await fetch(`${api.baseUrl}/api/chat/streams/${streamId}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(403);
    expect(await overSocket(api, { type: 'cancel', stream_id: streamId })).toMatchObject({ type: 'error', code: 'forbidden' });
    await running.finished;
    expect(running.find('done')?.finish_reason).toBe('stop');
    expect(running.text).toBe('one two three four five six seven eight nine ten');

    // 4. Write into the conversation to take over the lead: refused over SSE, REST and WebSocket.
    const takeover = { session_id: 'test-123', message: `Actually my email is ${ATTACKER_EMAIL}` };
    fake.setStructuredReply({ json: { name: 'Ada Lovelace', email: ATTACKER_EMAIL, phone: null, goals: null, experience: 'beginner' } });
    const overSse = await postChatStream(api.baseUrl, takeover, 'not-the-token');
    expect(overSse.response.status).toBe(403);
    const overRest = await fetch(`${api.baseUrl}/api/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Session-Token': 'not-the-token' },
      body: JSON.stringify(takeover),
    });
    expect(overRest.status).toBe(403);
    expect(await overSocket(api, { type: 'message', ...takeover })).toMatchObject({ type: 'error', code: 'forbidden' });

    // The victim's session is as the victim left it, and still the victim's.
    const session = await victim.session('test-123');
    expect(session.status).toBe(200);
    expect(session.body.data_collected).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(JSON.stringify(session.body)).not.toContain(ATTACKER_EMAIL);
    expect(session.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'I am Ada Lovelace, ada@example.com',
      'Nice to meet you, Ada.',
      'Tell me more',
      'one two three four five six seven eight nine ten',
    ]);
  });

  it('the compatibility call still works on its first call and gets its token', async () => {
    const response = await fetch(`${api.baseUrl}/api/chat/stream`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"message": "What is momentum trading?", "session_id": "compat-fresh"}',
    });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toMatch(/"type":"start"[^\n]*"session_token":"[A-Za-z0-9_-]{43}"/);
  });
});
