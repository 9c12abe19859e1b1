import type { ConversationDetail, ConversationPage, HandoffStatus } from '@chat/contracts';
import { type FakeOpenAiServer, startFakeOpenAi } from '@chat/fake-openai';
import {
  ChatVisitor,
  SessionEventReader,
  type SmtpListener,
  StaffClient,
  startSmtpListener,
  waitFor,
} from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const AGENT = { email: 'sam.lee@example.com', password: 'another long passphrase' };
const REMIND_AFTER_MS = 400;

describe('people in the conversation', () => {
  let fake: FakeOpenAiServer;
  let smtp: SmtpListener;
  let api: RunningApi;
  let admin: StaffClient;
  let agent: StaffClient;
  let visitor: ChatVisitor;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    smtp = await startSmtpListener();
    api = await startApi({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.url,
      SMTP_URL: smtp.url,
      LEAD_NOTIFY_TO: 'sales@example.com',
      HANDOFF_EMAIL_AFTER_MS: String(REMIND_AFTER_MS),
      OUTBOX_POLL_MS: '100',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    admin = new StaffClient(api.baseUrl);
    await admin.login(ADMIN.email, ADMIN.password);
    await admin.call('POST', '/api/admin/users', { body: { ...AGENT, role: 'agent' } });
    agent = new StaffClient(api.baseUrl);
    await agent.login(AGENT.email, AGENT.password);
    visitor = new ChatVisitor(api.baseUrl);
  }, 60_000);
  afterAll(async () => {
    await api.close();
    await smtp.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const channel = (
    sessionId: string,
    headers: Record<string, string> = visitor.headers(sessionId),
  ) => SessionEventReader.open(`${api.baseUrl}/api/chat/sessions/${sessionId}/events`, headers);
  const ask = async (sessionId: string): Promise<HandoffStatus> => {
    const response = await fetch(`${api.baseUrl}/api/chat/sessions/${sessionId}/handoff`, {
      method: 'POST',
      headers: visitor.headers(sessionId),
    });
    expect(response.status).toBe(200);
    return response.json();
  };
  const staffFeed = (staff: StaffClient) =>
    fetch(`${api.baseUrl}/api/conversations/events`, { headers: staff.credentials() });

  it('opens the live channel only with the session token, starting with the handoff state', async () => {
    fake.enqueue({ text: 'Hello! How can I help?' });
    await visitor.turn({ message: 'Hi there', session_id: 'handoff-token' });
    const stranger = await fetch(`${api.baseUrl}/api/chat/sessions/handoff-token/events`);
    expect(stranger.status).toBe(403);
    const unknown = await fetch(`${api.baseUrl}/api/chat/sessions/no-such-session/events`);
    expect(unknown.status).toBe(404);
    const live = await channel('handoff-token');
    expect(live.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await live.waitUntil((events) => events.length > 0);
    expect(live.events[0]).toEqual({ event: { type: 'handoff', state: 'assistant' } });
    live.close();
  });

  it('tells a visitor plainly when nobody is online, keeps the request waiting, and emails staff once', async () => {
    fake.enqueue({ text: 'Sure.' });
    await visitor.turn({ message: 'I need help with my order', session_id: 'handoff-offline' });
    const live = await channel('handoff-offline');
    const status = await ask('handoff-offline');
    expect(status).toEqual({ state: 'requested', available: false, reason: 'offline' });
    // Asked again, the state as it is.
    expect(await ask('handoff-offline')).toMatchObject({ state: 'requested' });
    await live.waitUntil((events) => events.some((e) => e.event.type === 'handoff' && e.id));
    expect(live.of('handoff').at(-1)).toEqual({ type: 'handoff', ...status });
    // The request waits in the Conversations view, first.
    const page: ConversationPage = await (
      await agent.call('GET', '/api/conversations?state=requested')
    ).json();
    expect(page.conversations.map((c) => c.session_id)).toContain('handoff-offline');
    // Nobody takes it: one email, to the deployment's staff address, naming no visitor detail.
    await waitFor(() => smtp.mails.some((mail) => mail.raw.includes('handoff-offline')), 10_000);
    await new Promise((resolve) => setTimeout(resolve, REMIND_AFTER_MS * 2));
    const reminders = smtp.mails.filter((mail) => mail.raw.includes('handoff-offline'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0].to).toEqual(['sales@example.com']);
    expect(reminders[0].raw).toMatch(/waiting for a person/);
    live.close();
  });

  it('offers a request to a staff member online, who takes it over; a second one is told who has it', async () => {
    const feed = await staffFeed(agent);
    expect(feed.status).toBe(200);
    fake.enqueue({ text: 'Let me see.' });
    await visitor.turn({ message: 'Can I talk to someone?', session_id: 'handoff-online' });
    const live = await channel('handoff-online');
    // Online is being connected to the feed: give the connection a moment to count.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await ask('handoff-online')).toEqual({ state: 'requested', available: true });
    const [requested] = (
      (await (
        await agent.call('GET', '/api/conversations?state=requested')
      ).json()) as ConversationPage
    ).conversations.filter((c) => c.session_id === 'handoff-online');
    expect(requested.assignee).toEqual({ name: 'Sam', email: AGENT.email });

    const taken = await agent.call('POST', '/api/conversations/handoff-online/takeover');
    expect(taken.status).toBe(200);
    expect(((await taken.json()) as ConversationDetail).holder).toEqual({
      name: 'Sam',
      email: AGENT.email,
    });
    const second = await admin.call('POST', '/api/conversations/handoff-online/takeover');
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('Sam'),
    });
    await live.waitUntil(() => live.of('handoff').some((e) => e.state === 'human'));
    expect(live.of('handoff').at(-1)).toEqual({
      type: 'handoff',
      state: 'human',
      agent: { name: 'Sam' },
    });
    // Taken in time: no reminder.
    await new Promise((resolve) => setTimeout(resolve, REMIND_AFTER_MS * 2));
    expect(smtp.mails.filter((mail) => mail.raw.includes('handoff-online'))).toHaveLength(0);
    live.close();
    await feed.body?.cancel();
  });

  it('while a person holds it, the model is not called: done says handoff, the message reaches staff', async () => {
    fake.enqueue({ text: 'One moment.' });
    await visitor.turn({ message: 'Hello', session_id: 'handoff-held' });
    expect(fake.requests.filter((r) => !r.body['response_format'])).toHaveLength(1);
    await agent.call('POST', '/api/conversations/handoff-held/takeover');
    const watching = await SessionEventReader.open(
      `${api.baseUrl}/api/conversations/handoff-held/events`,
      agent.credentials(),
    );
    const requestsBefore = fake.requests.length;
    const held = await visitor.turn({
      message: 'Are you a real person?',
      session_id: 'handoff-held',
    });
    expect(held.types).toEqual(['start', 'done']);
    expect(held.get('done').finish_reason).toBe('handoff');
    expect(fake.requests.length).toBe(requestsBefore);
    await watching.waitUntil(() =>
      watching.of('message').some((e) => e.message.content === 'Are you a real person?'),
    );
    // Regenerating has nothing to answer while a person holds it.
    const regenerate = await visitor.post({ session_id: 'handoff-held', regenerate: true });
    expect(regenerate.status).toBe(400);
    watching.close();
  });

  it('staff write to the visitor live, with typing; a reconnecting visitor gets what it missed exactly once', async () => {
    fake.enqueue({ text: 'Hi.' });
    await visitor.turn({ message: 'Hello again', session_id: 'handoff-write' });
    const first = await channel('handoff-write');
    await agent.call('POST', '/api/conversations/handoff-write/takeover');
    await first.waitUntil(() => first.of('handoff').some((e) => e.state === 'human'));
    const resumeFrom = first.lastId;
    expect(resumeFrom).toBeDefined();
    first.close();

    // Only the holder writes; only staff routes write `role: "staff"`.
    expect(
      (
        await admin.call('POST', '/api/conversations/handoff-write/messages', {
          body: { content: 'x' },
        })
      ).status,
    ).toBe(409);
    const injected = await visitor.post({
      message: 'hi',
      session_id: 'handoff-write',
      role: 'staff',
    } as never);
    expect(injected.status).toBe(400);
    const anonymous = await fetch(`${api.baseUrl}/api/conversations/handoff-write/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ content: 'spoof' }),
    });
    expect(anonymous.status).toBe(401);
    const empty = await agent.call('POST', '/api/conversations/handoff-write/messages', {
      body: { content: '   ' },
    });
    expect(empty.status).toBe(400);

    const written = await agent.call('POST', '/api/conversations/handoff-write/messages', {
      body: { content: 'Hi, I am **Sam**. How can I help?' },
    });
    expect(written.status).toBe(201);
    const resumed = await channel('handoff-write', {
      ...visitor.headers('handoff-write'),
      'Last-Event-ID': resumeFrom ?? '',
    });
    await resumed.waitUntil(() => resumed.of('message').length > 0);
    expect(resumed.of('message')).toEqual([
      {
        type: 'message',
        message: expect.objectContaining({
          role: 'staff',
          author: { name: 'Sam' },
          content: 'Hi, I am **Sam**. How can I help?',
        }),
      },
    ]);
    expect(resumed.events[0].id).toBeUndefined();
    expect((await agent.call('POST', '/api/conversations/handoff-write/typing')).status).toBe(204);
    await resumed.waitUntil(() => resumed.of('typing').length > 0);
    expect(resumed.of('typing')).toEqual([{ type: 'typing', role: 'staff' }]);
    // The transcript holds it with its author, for a reload.
    const { body } = await visitor.session('handoff-write');
    expect(body.messages.at(-1)).toMatchObject({ role: 'staff', author: { name: 'Sam' } });
    expect(body.handoff).toEqual({ state: 'human', agent: { name: 'Sam' } });
    resumed.close();
  });

  it('after release the assistant answers again, reading the staff messages, and turns stream on the channel', async () => {
    fake.enqueue({ text: 'Hello.' });
    await visitor.turn({ message: 'Start', session_id: 'handoff-release' });
    await agent.call('POST', '/api/conversations/handoff-release/takeover');
    await agent.call('POST', '/api/conversations/handoff-release/messages', {
      body: { content: 'Your order ships tomorrow.' },
    });
    const live = await channel('handoff-release');
    expect((await agent.call('POST', '/api/conversations/handoff-release/release')).status).toBe(
      200,
    );
    await live.waitUntil(() =>
      live.of('handoff').some((e) => e.state === 'assistant' && live.events.length > 1),
    );
    fake.enqueue({ text: 'Anything else I can do?' });
    await visitor.turn({ message: 'Thanks!', session_id: 'handoff-release' });
    const reply = fake.requests.filter((r) => !r.body['response_format']).at(-1);
    const said = JSON.stringify(reply?.body['messages']);
    expect(said).toContain('Your order ships tomorrow.');
    expect(said).toContain('Sam, from the team');
    // The turn on the channel: its events with ids `<entry>/<event>`, and no session token.
    await live.waitUntil(() => live.events.some((e) => e.event.type === 'done'));
    const turn = live.events.filter((e) => e.id?.includes('/'));
    const types = turn.map((e) => e.event.type);
    expect([types[0], types.at(-1), ...new Set(types.slice(1, -1))]).toEqual([
      'start',
      'done',
      'chunk',
    ]);
    expect(JSON.stringify(turn)).not.toContain('session_token');
    expect(turn.map((e) => (e.event.type === 'chunk' ? e.event.content : '')).join('')).toBe(
      'Anything else I can do?',
    );
    // Resumed inside the turn: the rest of it, once.
    const afterStart = turn[0].id ?? '';
    const resumed = await channel('handoff-release', {
      ...visitor.headers('handoff-release'),
      'Last-Event-ID': afterStart,
    });
    await resumed.waitUntil(() => resumed.events.some((e) => e.event.type === 'done'));
    expect(resumed.events.filter((e) => e.id?.includes('/')).map((e) => e.id)).toEqual(
      turn.slice(1).map((e) => e.id),
    );
    live.close();
    resumed.close();
  });
});
