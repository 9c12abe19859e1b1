import { TestBed } from '@angular/core/testing';
import { SESSION_ID_PATTERN, type SessionTranscript } from '@chat/contracts';
import {
  breakAfterFlush,
  chunk,
  done,
  type Handler,
  json,
  ScriptedServer,
  sse,
  start,
  streamOf,
  waitFor,
} from '@chat/test-support';
import { API_BASE_URL } from './api-config';
import { provideChatHttp } from './api-error-interceptor';
import { ChatStore } from './chat-store';

/** The session's live channel, which the store opens by itself once the session exists. */
const CHANNEL = /^GET \/api\/chat\/sessions\/[^/]+\/events/;
const noChannel: Handler = (_req, res) =>
  json(res, 404, { statusCode: 404, code: 'not_found', message: 'Not found' });

describe('ChatStore', () => {
  let server: ScriptedServer;
  let store: ChatStore;
  /** How the server answers the live channel: by default, as one without it. */
  let channel: Handler;

  beforeEach(async () => {
    localStorage.clear();
    channel = noChannel;
    server = await new ScriptedServer().start();
    server.onEvery(CHANNEL, (req, res) => channel(req, res));
    TestBed.configureTestingModule({
      providers: [provideChatHttp(), { provide: API_BASE_URL, useValue: server.url }],
    });
    store = TestBed.inject(ChatStore);
  });

  afterEach(async () => {
    store.newConversation();
    await server.stop();
  });

  /** The requests of the conversation itself, without the live channel's. */
  const calls = () => server.requests.filter((r) => !CHANNEL.test(`${r.method} ${r.path}`));
  const body = (index: number) => JSON.parse(calls()[index].body);
  /** A stored conversation with nothing collected and no reply running. */
  const transcriptOf = (
    sessionId: string,
    messages: SessionTranscript['messages'],
  ): SessionTranscript => ({
    session_id: sessionId,
    messages,
    data_collected: {},
    is_complete: false,
    missing_fields: [],
    email_status: 'not_sent',
    active_stream: null,
    handoff: { state: 'assistant' },
  });

  it('shows the message at once, then the reply, the lead state and the email notice', async () => {
    server.on(
      'POST /api/chat/stream',
      streamOf([
        start(),
        chunk('Momentum '),
        chunk('trading **follows** trends.'),
        done({ data_collected: { name: 'Ada' }, missing_fields: ['email'] }),
        { type: 'email_sent', message: 'sent' },
      ]),
    );

    expect(store.send('  What is momentum trading?  ')).toBe(true);
    expect(store.messages()).toEqual([
      expect.objectContaining({ role: 'user', content: 'What is momentum trading?' }),
    ]);
    expect(store.status()).toBe('connecting');

    await waitFor(() => store.emailSent());
    expect(store.status()).toBe('idle');
    expect(store.messages()[1]).toEqual(
      expect.objectContaining({
        id: 'm1',
        role: 'assistant',
        content: 'Momentum trading **follows** trends.',
      }),
    );
    expect(store.dataCollected()).toEqual({ name: 'Ada' });
    expect(store.missingFields()).toEqual(['email']);
    expect(store.announcement()).toContain('Momentum trading');
    expect(body(0)).toEqual({
      message: 'What is momentum trading?',
      session_id: store.sessionId(),
    });
  });

  it('keeps the sources a reply was given with the reply (the sources event before done)', async () => {
    const source = {
      id: 'p1',
      source_id: 's1',
      title: 'pricing.md',
      snippet: 'Refunds within 14 days.',
    };
    server.on(
      'POST /api/chat/stream',
      streamOf([start(), chunk('Within 14 days.'), { type: 'sources', sources: [source] }, done()]),
    );
    store.send('How long do refunds take?');
    await waitFor(() => store.messages().length === 2);
    expect(store.messages()[1]).toEqual(
      expect.objectContaining({ role: 'assistant', content: 'Within 14 days.', sources: [source] }),
    );
  });

  it('announces the text of the rendered reply, never its markup', async () => {
    server.on(
      'POST /api/chat/stream',
      streamOf([
        start(),
        chunk('Look: <img src=x onerror="alert(1)"> **bold** and [a link](https://example.com).'),
        done(),
      ]),
    );
    store.send('hostile');
    await waitFor(() => store.status() === 'idle');
    expect(store.announcement()).toBe('Assistant replied: Look: bold and a link.');
  });

  it('publishes the growing text while the reply streams and refuses a second message', async () => {
    let writer!: ReturnType<typeof sse>;
    let finish!: () => void;
    server.on('POST /api/chat/stream', (_req, res) => {
      writer = sse(res);
      writer.send(start());
      writer.send(chunk('Hello'));
      finish = () => {
        writer.send(done());
        res.end();
      };
    });

    store.send('hi');
    await waitFor(() => store.streamingText() === 'Hello');
    expect(store.status()).toBe('streaming');
    expect(store.liveReply()).toEqual({ messageId: 'm1', text: 'Hello' });
    expect(store.send('another')).toBe(false);

    finish();
    await waitFor(() => store.status() === 'idle');
    expect(store.liveReply()).toBeNull();
  });

  it('shows an error event with its code and retries the same message', async () => {
    server
      .on(
        'POST /api/chat/stream',
        streamOf([
          start(),
          chunk('Partial'),
          { type: 'error', message: 'x', code: 'upstream_unavailable', retryable: true },
        ]),
      )
      .on(
        'POST /api/chat/stream',
        streamOf([start({ message_id: 'm2' }), chunk('Full answer'), done({ message_id: 'm2' })]),
      );

    store.send('question');
    await waitFor(() => store.status() === 'error');
    expect(store.error()).toEqual(
      expect.objectContaining({ code: 'upstream_unavailable', retryable: true }),
    );
    expect(store.error()?.message).toMatch(/unavailable/i);
    expect(store.messages().map((m) => m.finish_reason)).toEqual([undefined, 'error']);

    store.retry();
    await waitFor(() => store.status() === 'idle');
    expect(store.error()).toBeNull();
    expect(store.messages().map((m) => [m.role, m.content])).toEqual([
      ['user', 'question'],
      ['assistant', 'Full answer'],
    ]);
    expect(body(1)).toEqual(body(0));
  });

  it('still shows the email notice when the next message was sent before it arrived', async () => {
    let sendEmail!: () => void;
    server
      .on('POST /api/chat/stream', (_req, res) => {
        const writer = sse(res);
        writer.send(start());
        writer.send(chunk('Thanks, got it.'));
        writer.send(done({ is_complete: true, missing_fields: [] }));
        sendEmail = () => {
          writer.send({ type: 'email_sent', message: 'sent' });
          res.end();
        };
      })
      .on(
        'POST /api/chat/stream',
        streamOf([start({ message_id: 'm2' }), chunk('More.'), done({ message_id: 'm2' })]),
      );

    store.send('ada@example.com');
    await waitFor(() => store.isComplete());
    store.send('One more question');
    await waitFor(() => store.messages().length === 4);
    expect(store.emailSent()).toBe(false);
    sendEmail();
    await waitFor(() => store.emailSent());
  });

  it('says when to try again after a 429', async () => {
    server.on('POST /api/chat/stream', (_req, res) =>
      json(
        res,
        429,
        { statusCode: 429, code: 'rate_limited', message: 'slow down' },
        { 'Retry-After': '30' },
      ),
    );

    store.send('hi');
    await waitFor(() => store.status() === 'error');
    expect(store.error()).toEqual(
      expect.objectContaining({ code: 'rate_limited', retryAfterSeconds: 30 }),
    );
    expect(store.error()?.message).toBe(
      "We're receiving many messages; yours will be sent in 30 s.",
    );
    expect(store.undelivered()).toEqual({ id: store.messages()[0].id, delivery: 'waiting' });
  });

  it('counts the rate limit down and then sends the message by itself, once', async () => {
    server
      .on('POST /api/chat/stream', (_req, res) =>
        json(
          res,
          429,
          { statusCode: 429, code: 'rate_limited', message: 'slow' },
          { 'Retry-After': '2' },
        ),
      )
      .on('POST /api/chat/stream', streamOf([start(), chunk('Here at last.'), done()]));

    store.send('hello');
    await waitFor(() => store.sendingIn() === 2);
    expect(store.error()?.message).toContain('yours will be sent in 2 s');
    await waitFor(() => store.sendingIn() === 1, 1500);
    expect(store.error()?.message).toContain('yours will be sent in 1 s');
    await waitFor(() => store.status() === 'idle', 3000);
    expect(store.error()).toBeNull();
    expect(store.undelivered()).toBeNull();
    expect(store.messages().map((m) => [m.role, m.content])).toEqual([
      ['user', 'hello'],
      ['assistant', 'Here at last.'],
    ]);
    expect(
      calls()
        .filter((r) => r.path === '/api/chat/stream')
        .map((_, i) => body(i).message),
    ).toEqual(['hello', 'hello']);
  }, 8000);

  it('marks a message the server never took as not delivered, and sends it when back online', async () => {
    server
      .on('POST /api/chat/stream', (_req, res) => void res.destroy())
      .on('POST /api/chat/stream', streamOf([start(), chunk('Got it.'), done()]));

    store.send('are you there?');
    await waitFor(() => store.status() === 'error');
    const sent = store.messages()[0];
    expect(store.undelivered()).toEqual({ id: sent.id, delivery: 'failed' });
    window.dispatchEvent(new Event('offline'));
    expect(store.online()).toBe(false);
    expect(store.undelivered()?.delivery).toBe('waiting');
    window.dispatchEvent(new Event('online'));
    await waitFor(() => store.status() === 'idle');
    expect(store.undelivered()).toBeNull();
    expect(store.messages().map((m) => m.content)).toEqual(['are you there?', 'Got it.']);
  });

  it('says a reply was interrupted, keeping the conversation, when its stream is gone but not the session', async () => {
    server
      .on('POST /api/chat/stream', (_req, res) => {
        const writer = sse(res);
        writer.send(start({ session_id: store.sessionId(), session_token: 'tok' }));
        writer.send(chunk('Half'));
        breakAfterFlush(res); // the instance writing it stopped
      })
      .on('GET /api/chat/streams/st1/events', (_req, res) =>
        json(res, 404, { statusCode: 404, code: 'not_found', message: 'No such stream.' }),
      )
      .on('GET /api/chat/sessions/', (_req, res) =>
        json(
          res,
          200,
          transcriptOf(store.sessionId(), [
            { id: 'u0', role: 'user', content: 'earlier', created_at: new Date().toISOString() },
          ]),
        ),
      )
      .on(
        'POST /api/chat/stream',
        streamOf([start(), chunk('Whole reply.'), done({ message_id: 'm2' })]),
      );

    store.send('tell me');
    await waitFor(() => store.status() === 'error', 8000);
    expect(store.error()).toEqual(
      expect.objectContaining({ code: 'reply_interrupted', retryable: true }),
    );
    expect(store.messages().map((m) => m.content)).toEqual(['tell me', 'Half']);
    store.retry();
    await waitFor(() => store.status() === 'idle');
    expect(store.messages().map((m) => m.content)).toEqual(['tell me', 'Whole reply.']);
  }, 10_000);

  it('shows a reply saved before its stream was lost, and calls only a missing session gone', async () => {
    const lostStream = () =>
      server
        .on('POST /api/chat/stream', (_req, res) => {
          const writer = sse(res);
          writer.send(start({ session_id: store.sessionId(), session_token: 'tok' }));
          writer.send(chunk('All of it'));
          breakAfterFlush(res);
        })
        .on('GET /api/chat/streams/st1/events', (_req, res) =>
          json(res, 404, { statusCode: 404, code: 'not_found', message: 'No such stream.' }),
        );
    lostStream().on('GET /api/chat/sessions/', (_req, res) =>
      json(
        res,
        200,
        transcriptOf(store.sessionId(), [
          { id: 'u1', role: 'user', content: 'q', created_at: new Date().toISOString() },
          {
            id: 'm1',
            role: 'assistant',
            content: 'All of it, saved.',
            created_at: new Date().toISOString(),
            finish_reason: 'stop',
          },
        ]),
      ),
    );
    store.send('q');
    await waitFor(() => store.messages().at(-1)?.content === 'All of it, saved.', 8000);
    expect(store.status()).toBe('idle');
    expect(store.error()).toBeNull();

    lostStream().on('GET /api/chat/sessions/', (_req, res) =>
      json(res, 404, { statusCode: 404, code: 'not_found', message: 'No such session.' }),
    );
    store.send('again');
    await waitFor(() => store.status() === 'error', 8000);
    expect(store.error()?.code).toBe('not_found');
  }, 20_000);

  it('offers no Regenerate under a failed reply, which the server never stored (Retry asks again)', async () => {
    server
      .on(
        'POST /api/chat/stream',
        streamOf([
          start({ session_id: store.sessionId(), session_token: 'tok' }),
          chunk('One.'),
          done(),
        ]),
      )
      .on(
        'POST /api/chat/stream',
        streamOf([
          start({ message_id: 'm2' }),
          chunk('Half'),
          { type: 'error', message: 'x', code: 'upstream_unavailable', retryable: true },
        ]),
      );
    store.send('first');
    await waitFor(() => store.status() === 'idle');
    expect(store.canRegenerate()).toBe(true);
    store.send('second');
    await waitFor(() => store.status() === 'error');
    expect(store.messages().at(-1)).toEqual(
      expect.objectContaining({ content: 'Half', finish_reason: 'error' }),
    );
    expect(store.canRegenerate()).toBe(false);
  });

  it('regenerates the last reply in its place, and puts it back if the new one fails at once', async () => {
    server
      .on(
        'POST /api/chat/stream',
        streamOf([
          start({ session_id: store.sessionId(), session_token: 'tok' }),
          chunk('First answer.'),
          done(),
        ]),
      )
      .on('POST /api/chat/stream', (_req, res) =>
        json(res, 503, { statusCode: 503, code: 'upstream_unavailable', message: 'down' }),
      )
      .on(
        'POST /api/chat/stream',
        streamOf([
          start({ message_id: 'm2' }),
          chunk('Second answer.'),
          done({ message_id: 'm2' }),
        ]),
      );

    expect(store.canRegenerate()).toBe(false);
    store.send('question');
    await waitFor(() => store.status() === 'idle');
    expect(store.canRegenerate()).toBe(true);

    store.regenerate();
    await waitFor(() => store.status() === 'error');
    expect(store.messages().map((m) => m.content)).toEqual(['question', 'First answer.']);
    store.retry();
    await waitFor(() => store.status() === 'idle');
    expect(store.messages().map((m) => m.content)).toEqual(['question', 'Second answer.']);
    expect([1, 2].map((i) => body(i))).toEqual([
      { message: 'question', session_id: store.sessionId(), regenerate: true },
      { message: 'question', session_id: store.sessionId(), regenerate: true },
    ]);
  });

  it('resumes a dropped connection from the last event id without losing or repeating words', async () => {
    server
      .on('POST /api/chat/stream', (_req, res) => {
        const writer = sse(res);
        writer.send(start());
        writer.send(chunk('one '));
        writer.send(chunk('two '));
        breakAfterFlush(res); // the connection breaks mid-reply
      })
      .on('GET /api/chat/streams/st1/events', streamOf([chunk('three'), done()], 4));

    const statuses: string[] = [];
    store.send('count');
    await waitFor(() => {
      statuses.push(store.status());
      return store.status() === 'idle';
    });
    expect(statuses).toContain('reconnecting');
    expect(store.messages()[1].content).toBe('one two three');
    expect(calls()[1].headers['last-event-id']).toBe('3');
  });

  it('keeps retrying the resume while the server is unreachable for a moment', async () => {
    server
      .on('POST /api/chat/stream', (_req, res) => {
        const writer = sse(res);
        writer.send(start());
        writer.send(chunk('a'));
        breakAfterFlush(res);
      })
      .on('GET /api/chat/streams/st1/events', (_req, res) => void res.destroy())
      .on('GET /api/chat/streams/st1/events', streamOf([chunk('b'), done()], 3));

    store.send('x');
    await waitFor(() => store.status() === 'idle', 8000);
    expect(store.messages()[1].content).toBe('ab');
  }, 10_000);

  it('stops a reply through the cancel endpoint and keeps what was written', async () => {
    let writer!: ReturnType<typeof sse>;
    let streamRes!: import('node:http').ServerResponse;
    server
      .on('POST /api/chat/stream', (_req, res) => {
        streamRes = res;
        writer = sse(res);
        writer.send(start());
        writer.send(chunk('Half a'));
      })
      .on('POST /api/chat/streams/st1/cancel', (_req, res) => {
        json(res, 200, { stream_id: 'st1', cancelled: true });
        writer.send(done({ finish_reason: 'cancelled' }));
        streamRes.end();
      });

    store.send('long story');
    await waitFor(() => store.streamingText() === 'Half a');
    store.stop();
    expect(store.status()).toBe('stopping');
    await waitFor(() => store.status() === 'idle');
    expect(store.messages()[1]).toEqual(
      expect.objectContaining({ content: 'Half a', finish_reason: 'cancelled' }),
    );
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toContain(
      'POST /api/chat/streams/st1/cancel',
    );
  });

  it('restores the transcript after a reload and re-attaches to the running reply', async () => {
    localStorage.setItem('chat.session_id', 'saved-session');
    localStorage.setItem(
      'chat.session_token',
      JSON.stringify({ session_id: 'saved-session', token: 'saved-token' }),
    );
    const transcript: SessionTranscript = {
      session_id: 'saved-session',
      messages: [
        { id: 'u1', role: 'user', content: 'Earlier question', created_at: '2026-01-01T00:00:00Z' },
        {
          id: 'a1',
          role: 'assistant',
          content: 'Earlier answer',
          created_at: '2026-01-01T00:00:01Z',
        },
        { id: 'u2', role: 'user', content: 'Current question', created_at: '2026-01-01T00:00:02Z' },
      ],
      data_collected: { name: 'Ada' },
      is_complete: false,
      missing_fields: ['email'],
      email_status: 'not_sent',
      active_stream: { stream_id: 'live1', message_id: 'a2' },
      handoff: { state: 'assistant' },
    };
    server
      .on('GET /api/chat/profile', (_req, res) =>
        json(res, 200, { name: 'Coach', greeting: 'Hi', model: 'demo', demo: true, fields: [] }),
      )
      .on('GET /api/chat/sessions/saved-session', (_req, res) => json(res, 200, transcript))
      .on(
        'GET /api/chat/streams/live1/events',
        streamOf([
          start({ stream_id: 'live1', message_id: 'a2' }),
          chunk('Current '),
          chunk('answer'),
          done({ message_id: 'a2' }),
        ]),
      );

    // A fresh store (a reloaded page) reads the saved id.
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({
      providers: [provideChatHttp(), { provide: API_BASE_URL, useValue: server.url }],
    });
    store = TestBed.inject(ChatStore);
    expect(store.sessionId()).toBe('saved-session');

    await store.restore();
    expect(store.isDemo()).toBe(true);
    expect(store.dataCollected()).toEqual({ name: 'Ada' });
    await waitFor(() => store.messages().length === 4);
    expect(store.messages().at(-1)).toEqual(
      expect.objectContaining({ id: 'a2', content: 'Current answer' }),
    );
    const resume = server.requests.find((r) => r.path.includes('/streams/live1/events'));
    expect(resume?.headers['last-event-id']).toBe('0');
    // Both calls prove the session is this browser's.
    const read = server.requests.find((r) => r.path === '/api/chat/sessions/saved-session');
    expect(read?.headers['x-session-token']).toBe('saved-token');
    expect(resume?.headers['x-session-token']).toBe('saved-token');
  });

  it("keeps the token a new session's first reply gives and sends it with the next message", async () => {
    const session = store.sessionId();
    server.on(
      'POST /api/chat/stream',
      streamOf([
        start({ session_id: session, session_token: 'new-token' }),
        chunk('Hello'),
        done(),
      ]),
    );
    store.send('first');
    await waitFor(() => store.status() === 'idle');
    store.send('second');
    await waitFor(() => server.requests.filter((r) => r.path === '/api/chat/stream').length === 2);
    const [first, second] = server.requests.filter((r) => r.path === '/api/chat/stream');
    expect(first.headers['x-session-token']).toBeUndefined();
    expect(second.headers['x-session-token']).toBe('new-token');
  });

  it('asks the server for no session this browser did not start', async () => {
    localStorage.setItem('chat.session_id', 'never-started');
    server.on('GET /api/chat/profile', (_req, res) =>
      json(res, 200, { name: 'Coach', greeting: 'Hi', model: 'demo', demo: true, fields: [] }),
    );
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({
      providers: [provideChatHttp(), { provide: API_BASE_URL, useValue: server.url }],
    });
    store = TestBed.inject(ChatStore);
    await store.restore();
    expect(server.requests.map((r) => r.path)).toEqual(['/api/chat/profile']);
    expect(store.sessionId()).toBe('never-started');
    expect(store.status()).toBe('idle');
  });

  it("starts a new conversation when the stored one is not this browser's any more (403)", async () => {
    localStorage.setItem('chat.session_id', 'someone-elses');
    // A token the server no longer takes for it.
    localStorage.setItem(
      'chat.session_token',
      JSON.stringify({ session_id: 'someone-elses', token: 'stale-token' }),
    );
    server
      .on('GET /api/chat/profile', (_req, res) =>
        json(res, 200, { name: 'Coach', greeting: 'Hi', model: 'demo', demo: true, fields: [] }),
      )
      .on('GET /api/chat/sessions/someone-elses', (_req, res) =>
        json(res, 403, {
          statusCode: 403,
          code: 'forbidden',
          message: 'This conversation needs its session token.',
        }),
      );
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({
      providers: [provideChatHttp(), { provide: API_BASE_URL, useValue: server.url }],
    });
    store = TestBed.inject(ChatStore);
    await store.restore();
    expect(store.sessionId()).not.toBe('someone-elses');
    expect(store.status()).toBe('idle');
    expect(store.error()).toBeNull();
  });

  it('starts a new conversation under a fresh valid session id', async () => {
    server.on('GET /api/chat/profile', (_req, res) => json(res, 500, {}));
    const before = store.sessionId();
    store.newConversation();
    expect(store.sessionId()).not.toBe(before);
    expect(store.sessionId()).toMatch(SESSION_ID_PATTERN);
    expect(localStorage.getItem('chat.session_id')).toBe(store.sessionId());
    expect(store.messages()).toEqual([]);
  });

  it('reports an unreachable server as a network error', async () => {
    await server.stop();
    server = await new ScriptedServer().start();
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({
      providers: [{ provide: API_BASE_URL, useValue: 'http://127.0.0.1:9' }],
    });
    store = TestBed.inject(ChatStore);
    store.send('anyone?');
    await waitFor(() => store.status() === 'error');
    expect(store.error()).toEqual(
      expect.objectContaining({ code: 'network_error', retryable: true }),
    );
  });

  describe('with an assistant', () => {
    const SECOND = {
      id: 'second',
      name: 'Second Desk',
      greeting: 'Hello from the second desk',
      model: 'demo',
      demo: true,
      version: 1,
      fields: [],
      appearance: {
        title: 'Second Desk',
        accent_color: '#2563eb',
        launcher_label: 'Chat with us',
        position: 'bottom-right',
      },
    };

    it("loads the assistant's own description and names it in every chat call", async () => {
      server
        .on('GET /api/assistants/second', (_req, res) => json(res, 200, SECOND))
        .on('POST /api/chat/stream', streamOf([start(), chunk('One'), done()]))
        .on('POST /api/chat/stream', streamOf([start(), chunk('Two'), done()]));
      store.forAssistant('second');
      await store.restore();
      expect(store.profile()?.greeting).toBe('Hello from the second desk');
      expect(store.assistantUnavailable()).toBe(false);
      expect(server.requests.map((r) => r.path)).not.toContain('/api/chat/profile');

      store.send('hi');
      await waitFor(() => store.status() === 'idle');
      store.regenerate();
      await waitFor(
        () => server.requests.filter((r) => r.path === '/api/chat/stream').length === 2,
      );
      await waitFor(() => store.status() === 'idle');
      const bodies = server.requests
        .filter((r) => r.path === '/api/chat/stream')
        .map((r) => JSON.parse(r.body));
      expect(bodies).toEqual([
        { message: 'hi', session_id: store.sessionId(), assistant_id: 'second' },
        { message: 'hi', session_id: store.sessionId(), assistant_id: 'second', regenerate: true },
      ]);
    });

    it("keeps each assistant's conversation under its own key, the default's unchanged", async () => {
      localStorage.setItem('chat.session_id', 'default-session');
      localStorage.setItem('chat.session_id.second', 'second-session');
      localStorage.setItem(
        'chat.session_token.second',
        JSON.stringify({ session_id: 'second-session', token: 'second-token' }),
      );
      TestBed.resetTestingModule();
      TestBed.configureTestingModule({
        providers: [provideChatHttp(), { provide: API_BASE_URL, useValue: server.url }],
      });
      store = TestBed.inject(ChatStore);
      expect(store.sessionId()).toBe('default-session');

      server
        .on('GET /api/assistants/second', (_req, res) => json(res, 200, SECOND))
        .on('GET /api/chat/sessions/second-session', (_req, res) =>
          json(
            res,
            200,
            transcriptOf('second-session', [
              { id: 'u1', role: 'user', content: 'Before', created_at: '2026-01-01T00:00:00Z' },
            ]),
          ),
        );
      store.forAssistant('second');
      expect(store.sessionId()).toBe('second-session');
      await store.restore();
      expect(store.messages().map((m) => m.content)).toEqual(['Before']);
      const read = server.requests.find((r) => r.path === '/api/chat/sessions/second-session');
      expect(read?.headers['x-session-token']).toBe('second-token');

      // A new conversation with one assistant leaves the other's alone.
      store.newConversation();
      expect(localStorage.getItem('chat.session_id.second')).toBe(store.sessionId());
      expect(localStorage.getItem('chat.session_id')).toBe('default-session');

      // Back to the default: its own conversation, its own profile, no assistant named.
      store.forAssistant(null);
      expect(store.sessionId()).toBe('default-session');
      expect(store.messages()).toEqual([]);
      server.on('POST /api/chat/stream', streamOf([start(), chunk('Hi'), done()]));
      store.send('hello');
      await waitFor(() => store.status() === 'idle');
      const sent = server.requests.filter((r) => r.path === '/api/chat/stream').at(-1);
      expect(JSON.parse(sent?.body ?? '{}')).toEqual({
        message: 'hello',
        session_id: 'default-session',
      });
    });

    it('says an unknown or archived assistant is not available (404)', async () => {
      // Nothing answers GET /api/assistants/nope: the scripted server's 404 not_found.
      store.forAssistant('nope');
      await store.restore();
      expect(store.assistantUnavailable()).toBe(true);
      expect(store.profile()).toBeNull();

      // Another failure is not that: the assistant may well exist.
      server.on('GET /api/assistants/flaky', (_req, res) => json(res, 500, {}));
      store.forAssistant('flaky');
      expect(store.assistantUnavailable()).toBe(false);
      await store.restore();
      expect(store.assistantUnavailable()).toBe(false);
    });
  });
});
