import type { ServerResponse } from 'node:http';
import { TestBed } from '@angular/core/testing';
import {
  type HandoffStatus,
  type SessionEvent,
  type SessionTranscript,
  sseFrame,
  type TranscriptMessage,
} from '@chat/contracts';
import {
  chunk,
  done,
  json,
  ScriptedServer,
  type SeenRequest,
  start,
  streamOf,
  waitFor,
} from '@chat/test-support';
import { API_BASE_URL } from './api-config';
import { provideChatHttp } from './api-error-interceptor';
import { ChatStore } from './chat-store';

const SESSION = 'saved-session';
const TOKEN = 'saved-token';
const CHANNEL = /^GET \/api\/chat\/sessions\/saved-session\/events/;

/** The session's live channel as the server side of these specs writes it, one connection at a time. */
class LiveChannel {
  readonly connections: { request: SeenRequest; response: ServerResponse }[] = [];
  /** What each connection says first (the handoff state, without an id). */
  state: HandoffStatus = { state: 'assistant' };
  private nextId = 1;

  readonly handler = (request: SeenRequest, response: ServerResponse): void => {
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    response.write(`data: ${JSON.stringify({ type: 'handoff', ...this.state })}\n\n`);
    this.connections.push({ request, response });
  };

  /** Writes an event on the open connection, with the next id (or `id`). */
  send(event: SessionEvent, id = `c${this.nextId++}`): void {
    this.current().write(sseFrame(id, JSON.stringify(event)));
  }

  /** Breaks the open connection, as a dropped network would. */
  drop(): void {
    this.current().destroy();
  }

  private current(): ServerResponse {
    const open = this.connections.at(-1);
    if (!open) throw new Error('the channel is not open');
    return open.response;
  }
}

const staffMessage = (id: string, content: string, name = 'Sam'): TranscriptMessage => ({
  id,
  role: 'staff',
  author: { name },
  content,
  created_at: new Date().toISOString(),
});

/** The real timer, kept before a spec fakes them: the HTTP server's events still need time. */
const realSetTimeout = globalThis.setTimeout;

/** Resolves once `condition` holds, on real time (for specs with fake timers). */
async function untilTurns(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++)
    await new Promise((resolve) => realSetTimeout(resolve, 5));
  if (!condition()) throw new Error('condition not met');
}

describe('ChatStore and the people in the conversation', () => {
  let server: ScriptedServer;
  let store: ChatStore;
  let channel: LiveChannel;

  const transcriptOf = (
    messages: TranscriptMessage[],
    handoff: HandoffStatus = { state: 'assistant' },
  ): SessionTranscript => ({
    session_id: SESSION,
    messages,
    data_collected: {},
    is_complete: false,
    missing_fields: [],
    email_status: 'not_sent',
    active_stream: null,
    handoff,
  });
  const transcriptReads = () =>
    server.requests.filter((r) => r.method === 'GET' && r.path === `/api/chat/sessions/${SESSION}`)
      .length;
  const earlier: TranscriptMessage = {
    id: 'u0',
    role: 'user',
    content: 'Hello',
    created_at: new Date().toISOString(),
  };

  /** A reloaded page with a conversation this browser started: restores it, which opens the channel. */
  async function restoreWith(transcript: SessionTranscript): Promise<void> {
    server.on(`GET /api/chat/sessions/${SESSION}`, (_req, res) => json(res, 200, transcript));
    channel.state = transcript.handoff;
    await store.restore();
    await waitFor(() => channel.connections.length === 1);
  }

  beforeEach(async () => {
    localStorage.clear();
    localStorage.setItem('chat.session_id', SESSION);
    localStorage.setItem(
      'chat.session_token',
      JSON.stringify({ session_id: SESSION, token: TOKEN }),
    );
    channel = new LiveChannel();
    server = await new ScriptedServer().start();
    server.onEvery(CHANNEL, channel.handler);
    TestBed.configureTestingModule({
      providers: [provideChatHttp(), { provide: API_BASE_URL, useValue: server.url }],
    });
    store = TestBed.inject(ChatStore);
  });

  afterEach(async () => {
    jest.useRealTimers();
    store.newConversation();
    await server.stop();
  });

  it("takes the handoff from the transcript, then from the channel, which it opens with the session's token", async () => {
    await restoreWith(transcriptOf([earlier], { state: 'requested', available: true }));
    expect(store.handoff()).toEqual({ state: 'requested', available: true });
    const { request } = channel.connections[0];
    expect(request.headers['x-session-token']).toBe(TOKEN);
    expect(request.headers['last-event-id']).toBeUndefined();

    channel.send({ type: 'handoff', state: 'human', agent: { name: 'Sam' } });
    await waitFor(() => store.handoff().state === 'human');
    expect(store.handoff()).toEqual({ state: 'human', agent: { name: 'Sam' } });
    expect(store.canRequestHuman()).toBe(false);

    channel.send({ type: 'handoff', state: 'assistant' });
    await waitFor(() => store.handoff().state === 'assistant');
    expect(store.handedBack()).toBe(true);
  });

  it("appends each staff message once, with its author, and ignores the visitor's own", async () => {
    await restoreWith(transcriptOf([earlier], { state: 'human', agent: { name: 'Sam' } }));
    const hello = staffMessage('s1', 'Hi, I am **Sam**.');
    channel.send({ type: 'message', message: hello });
    channel.send({ type: 'message', message: { ...earlier, id: 'u-server', content: 'Hello' } });
    channel.send({ type: 'message', message: hello });
    channel.send({ type: 'message', message: staffMessage('s2', 'How can I help?') });
    await waitFor(() => store.messages().length === 3);
    expect(store.messages().map((m) => [m.id, m.role, m.author?.name])).toEqual([
      ['u0', 'user', undefined],
      ['s1', 'staff', 'Sam'],
      ['s2', 'staff', 'Sam'],
    ]);
    await waitFor(() => store.announcement() === 'Sam wrote: How can I help?');
  });

  it('shows staff typing for 6 s after the last note, and no longer once their message arrives', async () => {
    await restoreWith(transcriptOf([earlier], { state: 'human', agent: { name: 'Sam' } }));
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });

    channel.send({ type: 'typing', role: 'staff' });
    await untilTurns(() => store.staffTyping());
    jest.advanceTimersByTime(5000);
    expect(store.staffTyping()).toBe(true);
    // Repeated: the 6 s start again (the note marks its arrival by a message after it).
    channel.send({ type: 'typing', role: 'staff' });
    channel.send({ type: 'message', message: { ...earlier, id: 'u-server' } });
    await new Promise((resolve) => realSetTimeout(resolve, 100));
    jest.advanceTimersByTime(5000);
    expect(store.staffTyping()).toBe(true);
    jest.advanceTimersByTime(1000);
    expect(store.staffTyping()).toBe(false);

    channel.send({ type: 'typing', role: 'staff' });
    await untilTurns(() => store.staffTyping());
    channel.send({ type: 'message', message: staffMessage('s1', 'Here I am.') });
    await untilTurns(() => store.messages().length === 2);
    expect(store.staffTyping()).toBe(false);
  });

  it("ignores its own turn on the channel, and reloads the transcript when another tab's turn ends", async () => {
    await restoreWith(transcriptOf([earlier]));
    server.on(
      'POST /api/chat/stream',
      streamOf([
        start({ session_id: SESSION, stream_id: 'own', message_id: 'a1' }),
        chunk('Mine.'),
        done({ message_id: 'a1' }),
      ]),
    );
    store.send('From this tab');
    await waitFor(() => store.status() === 'idle');
    channel.send(start({ session_id: SESSION, stream_id: 'own', message_id: 'a1' }), 'c1/1');
    channel.send(chunk('Mine.'), 'c1/2');
    channel.send(done({ message_id: 'a1' }), 'c1/3');

    const other = [
      earlier,
      { id: 'u1', role: 'user', content: 'From this tab', created_at: earlier.created_at },
      { id: 'a1', role: 'assistant', content: 'Mine.', created_at: earlier.created_at },
      { id: 'u2', role: 'user', content: 'From another tab', created_at: earlier.created_at },
      { id: 'a2', role: 'assistant', content: 'Theirs.', created_at: earlier.created_at },
    ] satisfies TranscriptMessage[];
    server.on(`GET /api/chat/sessions/${SESSION}`, (_req, res) =>
      json(res, 200, transcriptOf(other)),
    );
    channel.send(start({ session_id: SESSION, stream_id: 'theirs', message_id: 'a2' }), 'c2/1');
    channel.send(chunk('Theirs.'), 'c2/2');
    channel.send(done({ message_id: 'a2' }), 'c2/3');
    await waitFor(() => store.messages().length === 5);
    expect(store.messages().map((m) => m.content)).toEqual(other.map((m) => m.content));
    // Read once by the restore, once after the other tab's turn: never for its own.
    expect(transcriptReads()).toBe(2);
  });

  it('sends a message while a person holds the conversation without any reply bubble', async () => {
    await restoreWith(transcriptOf([earlier], { state: 'human', agent: { name: 'Sam' } }));
    server.on('POST /api/chat/stream', (_req, res) => {
      // Like the server: `start`, then at once `done` with finish_reason handoff, no words.
      setTimeout(
        () =>
          streamOf([
            start({ session_id: SESSION, stream_id: 'h1', message_id: 'a1' }),
            done({ message_id: 'a1', finish_reason: 'handoff' }),
          ])(_req, res),
        50,
      );
    });
    const bubbles: unknown[] = [];
    store.send('Are you there?');
    await waitFor(() => {
      bubbles.push(store.liveReply());
      return store.status() === 'idle';
    });
    expect(bubbles.every((bubble) => bubble === null)).toBe(true);
    expect(store.messages().map((m) => [m.role, m.content])).toEqual([
      ['user', 'Hello'],
      ['user', 'Are you there?'],
    ]);
    expect(store.error()).toBeNull();
    expect(store.undelivered()).toBeNull();
    expect(store.canRegenerate()).toBe(false);
  });

  it("asks for a person with the session's token, and says where the request stands", async () => {
    await restoreWith(transcriptOf([earlier]));
    server.on(`POST /api/chat/sessions/${SESSION}/handoff`, (_req, res) =>
      json(res, 200, { state: 'requested', available: false, reason: 'closed' }),
    );
    expect(store.canRequestHuman()).toBe(true);
    await store.requestHuman();
    expect(store.handoff()).toEqual({ state: 'requested', available: false, reason: 'closed' });
    expect(store.canRequestHuman()).toBe(false);
    const asked = server.requests.find((r) => r.path.endsWith('/handoff'));
    expect(asked?.method).toBe('POST');
    expect(asked?.headers['x-session-token']).toBe(TOKEN);
  });

  it('offers no person before the conversation exists on the server', async () => {
    store.newConversation();
    expect(store.hasSession()).toBe(false);
    expect(store.canRequestHuman()).toBe(false);
    await store.requestHuman();
    expect(server.requests.some((r) => r.path.endsWith('/handoff'))).toBe(false);
  });

  it('connects again after a drop with the last event id, and reloads the transcript', async () => {
    await restoreWith(transcriptOf([earlier], { state: 'human', agent: { name: 'Sam' } }));
    channel.send({ type: 'message', message: staffMessage('s1', 'One') }, 'c7');
    await waitFor(() => store.messages().length === 2);
    server.on(`GET /api/chat/sessions/${SESSION}`, (_req, res) =>
      json(
        res,
        200,
        transcriptOf([earlier, staffMessage('s1', 'One'), staffMessage('s2', 'Two')], {
          state: 'human',
          agent: { name: 'Sam' },
        }),
      ),
    );
    channel.drop();
    await waitFor(() => channel.connections.length === 2, 5000);
    expect(channel.connections[1].request.headers['last-event-id']).toBe('c7');
    await waitFor(() => store.messages().length === 3);
    expect(store.messages().map((m) => m.content)).toEqual(['Hello', 'One', 'Two']);
  });

  it('closes the channel when the conversation is left for a new one', async () => {
    await restoreWith(transcriptOf([earlier], { state: 'human', agent: { name: 'Sam' } }));
    const closed = new Promise<void>((resolve) =>
      channel.connections[0].response.on('close', () => resolve()),
    );
    store.newConversation();
    await closed;
    expect(store.handoff()).toEqual({ state: 'assistant' });
    expect(store.messages()).toEqual([]);
  });
});
