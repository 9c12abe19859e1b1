import { TestBed } from '@angular/core/testing';
import type { AssistantProfile } from '@chat/contracts';
import { API_BASE_URL, ChatStore, markdownRenderer, SessionIdStore } from '@chat/chat-client';
import type { ServerResponse } from 'node:http';
import { type SessionEvent, sseFrame } from '@chat/contracts';
import { chunk, done, json, ScriptedServer, start, streamOf, waitFor } from '@chat/test-support';
import { WidgetPanel } from './widget-panel';

const PROFILE: AssistantProfile = {
  name: 'Shop Assistant',
  greeting: 'Ask me about **our** shop.',
  model: 'demo',
  demo: true,
  fields: [],
};

const REPLY = [
  'Here is **bold** text.',
  '- First item\n- Second item',
  'See [the guide](https://example.com/guide) <img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script><p onclick="window.__pwned=3">Click me</p>',
].join('\n\n');

describe('the widget panel: replies drawn by the lazily loaded markdown renderer', () => {
  let server: ScriptedServer;

  beforeEach(async () => {
    sessionStorage.clear();
    localStorage.clear();
    server = await new ScriptedServer().start();
    server.on('GET /api/chat/profile', (_req, res) => json(res, 200, PROFILE));
    TestBed.configureTestingModule({
      providers: [ChatStore, SessionIdStore, { provide: API_BASE_URL, useValue: server.url }],
    });
  });

  afterEach(() => server.stop());

  it('draws the greeting as text, and a reply as sanitised markdown once the renderer has loaded', async () => {
    server.on('POST /api/chat/stream', streamOf([start(), chunk(REPLY), done()]));
    const fixture = TestBed.createComponent(WidgetPanel);
    fixture.componentRef.setInput('inline', true);
    const root = fixture.nativeElement as HTMLElement;
    await waitFor(() => {
      fixture.detectChanges();
      return root.querySelector('.greeting') !== null;
    });
    // The greeting is plain text (never markdown), so it needs no renderer.
    expect(root.querySelector('.greeting')?.textContent).toBe('Ask me about **our** shop.');

    expect(TestBed.inject(ChatStore).send('Show me some formatting')).toBe(true);
    await waitFor(() => {
      fixture.detectChanges();
      return root.querySelector('.assistant .markdown strong') !== null;
    });
    expect(markdownRenderer()).not.toBeNull();
    const reply = root.querySelector('.assistant .markdown') as HTMLElement;
    expect(reply.querySelector('strong')?.textContent).toBe('bold');
    expect(Array.from(reply.querySelectorAll('li'), (li) => li.textContent)).toEqual([
      'First item',
      'Second item',
    ]);
    const link = reply.querySelector('a');
    expect(link?.getAttribute('href')).toBe('https://example.com/guide');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(reply.querySelector('script, img, [onerror], [onclick]')).toBeNull();
    expect(reply.textContent).toContain('Click me');
    expect((window as { __pwned?: unknown }).__pwned).toBeUndefined();
    await waitFor(() => TestBed.inject(ChatStore).announcement() !== '');
    expect(TestBed.inject(ChatStore).announcement()).toBe(
      'Assistant replied: Here is bold text. First item Second item See the guide Click me',
    );
  });
});

describe('the widget panel: a person in the conversation', () => {
  let server: ScriptedServer;
  /** The session's live channel, held open by the server side of this spec. */
  let channel: ServerResponse | null;
  let nextId: number;
  const send = (event: SessionEvent) =>
    channel?.write(sseFrame(`c${nextId++}`, JSON.stringify(event)));

  beforeEach(async () => {
    sessionStorage.clear();
    localStorage.clear();
    channel = null;
    nextId = 1;
    server = await new ScriptedServer().start();
    server.on('GET /api/chat/profile', (_req, res) => json(res, 200, PROFILE));
    server.onEvery(/^GET \/api\/chat\/sessions\/[^/]+\/events/, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ type: 'handoff', state: 'assistant' })}\n\n`);
      channel = res;
    });
    TestBed.configureTestingModule({
      providers: [ChatStore, SessionIdStore, { provide: API_BASE_URL, useValue: server.url }],
    });
  });

  afterEach(async () => {
    TestBed.inject(ChatStore).newConversation();
    await server.stop();
  });

  it('asks for a person once the visitor wrote, says who joined, and draws their message as sanitised markdown', async () => {
    const fixture = TestBed.createComponent(WidgetPanel);
    fixture.componentRef.setInput('inline', true);
    const root = fixture.nativeElement as HTMLElement;
    const talk = () =>
      Array.from(root.querySelectorAll('button')).find(
        (b) => b.textContent?.trim() === 'Talk to a person',
      );
    const notice = () => root.querySelector('.handoff-notice')?.textContent?.trim();
    const until = (check: () => boolean) =>
      waitFor(() => {
        fixture.detectChanges();
        return check();
      });
    await until(() => root.querySelector('chat-composer') !== null);
    // No conversation on the server yet: nothing to hand over.
    expect(talk()).toBeUndefined();

    const store = TestBed.inject(ChatStore);
    server.on(
      'POST /api/chat/stream',
      streamOf([
        start({ session_id: store.sessionId(), session_token: 'tok' }),
        chunk('Hello!'),
        done(),
      ]),
    );
    server.on('POST /api/chat/sessions/', (_req, res) =>
      json(res, 200, { state: 'requested', available: true }),
    );
    store.send('Hi');
    await until(() => talk()?.disabled === false && channel !== null);
    talk()?.click();
    await until(() => notice() === 'A member of the team will join shortly.');
    expect(talk()).toBeUndefined();

    send({ type: 'handoff', state: 'human', agent: { name: 'Sam' } });
    await until(() => notice() === 'Sam joined the conversation.');
    send({ type: 'typing', role: 'staff' });
    await until(() => root.querySelector('.typing-label')?.textContent === 'Sam is typing…');
    send({
      type: 'message',
      message: {
        id: 's1',
        role: 'staff',
        author: { name: 'Sam' },
        content: 'I am **here** <img src=x onerror="window.__pwned=4">',
        created_at: new Date().toISOString(),
      },
    });
    await until(() => root.querySelector('.staff .markdown strong') !== null);
    const staff = root.querySelector('.staff') as HTMLElement;
    expect(staff.getAttribute('aria-label')).toBe('Sam wrote');
    expect(staff.querySelector('.speaker .author')?.textContent).toBe('Sam');
    expect(staff.querySelector('.markdown strong')?.textContent).toBe('here');
    expect(staff.querySelector('img, [onerror]')).toBeNull();
    expect(root.querySelector('.typing-label')).toBeNull();

    send({ type: 'handoff', state: 'assistant' });
    await until(() => notice() === 'You are chatting with the assistant again.');
    expect(talk()).toBeDefined();
  });

  it('says when nobody can join now, and why', async () => {
    const fixture = TestBed.createComponent(WidgetPanel);
    fixture.componentRef.setInput('inline', true);
    const root = fixture.nativeElement as HTMLElement;
    const store = TestBed.inject(ChatStore);
    server.on(
      'POST /api/chat/stream',
      streamOf([start({ session_id: store.sessionId(), session_token: 'tok' }), done()]),
    );
    store.send('Hi');
    await waitFor(() => channel !== null);
    send({ type: 'handoff', state: 'requested', available: false, reason: 'offline' });
    const notice = () => {
      fixture.detectChanges();
      return root.querySelector('.handoff-notice')?.textContent?.trim();
    };
    await waitFor(
      () =>
        notice() ===
        'Nobody from the team is available right now. Leave your email here and we will follow up.',
    );
    send({ type: 'handoff', state: 'requested', available: false, reason: 'closed' });
    await waitFor(
      () =>
        notice() ===
        'We are outside our opening hours. Leave your email here and we will follow up.',
    );
  });
});
