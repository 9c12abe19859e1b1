import { TestBed } from '@angular/core/testing';
import type { AssistantProfile } from '@chat/contracts';
import type { ServerResponse } from 'node:http';
import {
  chunk,
  done,
  json,
  ScriptedServer,
  sse,
  start,
  streamOf,
  waitFor,
} from '@chat/test-support';
import { API_BASE_URL, provideChatHttp } from '@chat/chat-client';
import { ChatPage } from './chat-page';

const PROFILE: AssistantProfile = {
  name: 'Trading Coach',
  greeting: 'Ask me about trading.',
  model: 'demo',
  demo: true,
  fields: [
    { name: 'name', label: 'Name', description: 'Your name', required: true },
    { name: 'email', label: 'Email', description: 'Your email', required: true },
    { name: 'goals', label: 'Goals', description: 'Your goals', required: false },
  ],
  privacy_notice: 'We ask for your name and email to follow up.',
  privacy_url: 'https://example.com/privacy',
};

describe('ChatPage', () => {
  let server: ScriptedServer;

  beforeEach(async () => {
    localStorage.clear();
    server = await new ScriptedServer().start();
    server.on('GET /api/chat/profile', (_req, res) => json(res, 200, PROFILE));
    TestBed.configureTestingModule({
      providers: [provideChatHttp(), { provide: API_BASE_URL, useValue: server.url }],
    });
  });

  afterEach(() => server.stop());

  async function render() {
    const fixture = TestBed.createComponent(ChatPage);
    const root = fixture.nativeElement as HTMLElement;
    await waitFor(() => {
      fixture.detectChanges();
      return root.textContent?.includes('Trading Coach') ?? false;
    });
    return { fixture, root, settle: () => fixture.whenStable() };
  }

  function type(root: HTMLElement, text: string, key = 'Enter', shiftKey = false) {
    const input = root.querySelector('textarea') as HTMLTextAreaElement;
    input.value = text;
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new KeyboardEvent('keydown', { key, shiftKey, cancelable: true }));
  }

  it('sends on Enter, streams the reply with a cursor and finalises it as markdown', async () => {
    let streamRes!: ServerResponse;
    let writer!: ReturnType<typeof sse>;
    server.on('POST /api/chat/stream', (_req, res) => {
      streamRes = res;
      writer = sse(res);
      writer.send(start({ model: 'demo' }));
      writer.send(chunk('## Momentum\n\nIt **follows** '));
    });
    const { fixture, root } = await render();
    expect(root.querySelector('.demo-badge')?.textContent).toContain('Demo model');
    expect(root.textContent).toContain('Ask me about trading.');
    // Before the first detail the panel lists nothing as missing; it says what is asked and why.
    const panel = root.querySelector('chat-lead-panel') as HTMLElement;
    expect(panel.textContent).not.toContain('Missing');
    expect(panel.textContent).toContain('Nothing collected yet');
    expect(panel.querySelector('.privacy')?.textContent).toContain(
      'We ask for your name and email to follow up.',
    );
    expect(panel.querySelector('.privacy a')?.getAttribute('href')).toBe(
      'https://example.com/privacy',
    );

    type(root, 'What is momentum?', 'Enter', true);
    await fixture.whenStable();
    expect(server.requests.some((r) => r.method === 'POST')).toBe(false); // Shift+Enter is a new line

    type(root, 'What is momentum?');
    await waitFor(() => {
      fixture.detectChanges();
      return root.querySelector('chat-streaming-reply .cursor') !== null;
    });
    expect(root.querySelector('.user')?.textContent).toContain('What is momentum?');
    expect(root.querySelector('chat-streaming-reply h2')?.textContent).toBe('Momentum');
    const textarea = root.querySelector('textarea') as HTMLTextAreaElement;
    // The visitor may write the next message meanwhile: Enter keeps it, it is not sent.
    expect(textarea.readOnly).toBe(false);
    expect(textarea.getAttribute('dir')).toBe('auto');
    type(root, 'And what about swing trading?');
    fixture.detectChanges();
    expect(textarea.value).toBe('And what about swing trading?');
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(root.querySelector('#composer-hint')?.textContent).toContain(
      'The assistant is replying',
    );
    expect(root.querySelector('button.stop')).not.toBeNull();

    writer.send(chunk('trends.'));
    writer.send(done({ data_collected: { name: 'Ada' }, missing_fields: ['email'] }));
    streamRes.end();
    await waitFor(() => {
      fixture.detectChanges();
      return (
        root.querySelector('chat-streaming-reply') === null &&
        root.querySelector('.assistant strong') !== null
      );
    });
    expect(root.querySelector('.assistant')?.textContent).toContain('It follows trends.');
    expect(root.querySelector('.cursor')).toBeNull();
    expect(root.querySelector('[aria-live="polite"]')?.textContent).toContain(
      'Momentum It follows trends.',
    );
    expect(root.querySelector('[data-field="name"]')?.textContent).toContain('Ada');
    expect(root.querySelector('[data-field="email"]')?.textContent).toContain('Missing');
    expect(root.querySelector('.nothing-yet')).toBeNull();
    expect(root.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow')).toBe('1');
    expect(root.querySelector('.panel-toggle')?.textContent?.trim()).toBe(
      'Details: 1 of 2 required',
    );
    expect(root.querySelector('.lead-notice')).toBeNull();
  });

  it('stops a reply on Escape', async () => {
    server.on('POST /api/chat/stream', (_req, res) => {
      const writer = sse(res);
      writer.send(start());
      writer.send(chunk('A long answer'));
      server.on('POST /api/chat/streams/st1/cancel', (_r, cancelRes) => {
        json(cancelRes, 200, { stream_id: 'st1', cancelled: true });
        writer.send(done({ finish_reason: 'cancelled' }));
        res.end();
      });
    });
    const { fixture, root } = await render();
    type(root, 'Tell me everything');
    await waitFor(() => {
      fixture.detectChanges();
      return root.querySelector('chat-streaming-reply') !== null;
    });
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await waitFor(() => {
      fixture.detectChanges();
      return root.querySelector('.note')?.textContent === 'Stopped';
    });
    expect(server.requests.map((r) => r.path)).toContain('/api/chat/streams/st1/cancel');
  });

  it('counts characters near the limit and never cuts a longer message: it asks to shorten it', async () => {
    const { fixture, root } = await render();
    const input = root.querySelector('textarea') as HTMLTextAreaElement;
    const typeOnly = (text: string) => {
      input.value = text;
      input.dispatchEvent(new Event('input'));
      fixture.detectChanges();
    };
    typeOnly('a'.repeat(100));
    expect(root.querySelector('.counter')).toBeNull();
    typeOnly('a'.repeat(3700));
    expect(root.querySelector('.counter')?.textContent?.trim()).toBe('3,700 / 4,000');
    typeOnly('a'.repeat(4010));
    expect(input.value).toHaveLength(4010);
    expect(root.querySelector('.counter.over')?.textContent).toContain(
      'shorten your message by 10 characters',
    );
    expect((root.querySelector('button[type="submit"]') as HTMLButtonElement).disabled).toBe(true);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', cancelable: true }));
    await fixture.whenStable();
    expect(server.requests.some((r) => r.method === 'POST')).toBe(false);
  });

  it('tells the visitor, outside the folded panel, that their details were received and then sent', async () => {
    let writer!: ReturnType<typeof sse>;
    let streamRes!: ServerResponse;
    server.on('POST /api/chat/stream', (_req, res) => {
      streamRes = res;
      writer = sse(res);
      writer.send(start());
      writer.send(chunk('Thanks, **Ada**.'));
      writer.send(
        done({
          data_collected: { name: 'Ada', email: 'ada@example.com' },
          is_complete: true,
          missing_fields: [],
        }),
      );
    });
    const { fixture, root } = await render();
    const toggle = root.querySelector('.panel-toggle') as HTMLButtonElement;
    expect(toggle.textContent?.trim()).toBe('Details: 0 of 2 required');
    const region = root.querySelector('.footer [role="status"]') as HTMLElement;
    expect(region.textContent?.trim()).toBe('');

    type(root, 'I am Ada, ada@example.com');
    await waitFor(() => {
      fixture.detectChanges();
      return root.querySelector('.lead-notice') !== null;
    });
    expect(region.textContent).toContain('your details were received.');
    expect(toggle.textContent?.replace(/\s+/g, ' ').trim()).toBe('Details complete ✓');
    expect(toggle.querySelector('[aria-hidden="true"]')?.textContent?.trim()).toBe('✓');

    writer.send({ type: 'email_sent', message: 'Your details were sent to our team.' });
    streamRes.end();
    await waitFor(() => {
      fixture.detectChanges();
      return region.textContent?.includes('received and sent to our team') ?? false;
    });
    // The panel's own notices are not live regions: the visitor hears this once.
    const heard = Array.from(root.querySelectorAll('[role="status"]')).filter((region) =>
      region.textContent?.includes('details were received'),
    );
    expect(heard).toHaveLength(1);

    (root.querySelector('.lead-notice .dismiss') as HTMLButtonElement).click();
    fixture.detectChanges();
    expect(root.querySelector('.lead-notice')).toBeNull();
    expect(root.querySelector('.footer [role="status"]')).toBe(region);
  });

  it('shows the error of a failed reply and a retry that works', async () => {
    server
      .on('POST /api/chat/stream', (_req, res) =>
        json(res, 502, {
          statusCode: 502,
          code: 'upstream_unavailable',
          message: 'upstream said 500',
        }),
      )
      .on('POST /api/chat/stream', streamOf([start(), chunk('Recovered.'), done()]));
    const { fixture, root } = await render();

    type(root, 'hello');
    await waitFor(() => {
      fixture.detectChanges();
      return root.querySelector('[role="alert"]') !== null;
    });
    const alert = root.querySelector('[role="alert"]') as HTMLElement;
    expect(alert.textContent).toContain('The assistant is unavailable right now');
    expect(alert.textContent).not.toContain('upstream said 500');

    (alert.querySelector('button') as HTMLButtonElement).click();
    await waitFor(() => {
      fixture.detectChanges();
      return root.querySelector('.assistant')?.textContent?.includes('Recovered.') ?? false;
    });
    expect(root.querySelector('[role="alert"]')).toBeNull();
    expect(root.querySelectorAll('.user')).toHaveLength(1);
  });

  it('shows the lead as complete and the email as sent after a reload', async () => {
    localStorage.setItem('chat.session_id', 'done-session');
    localStorage.setItem(
      'chat.session_token',
      JSON.stringify({ session_id: 'done-session', token: 'done-token' }),
    );
    server.on('GET /api/chat/sessions/done-session', (_req, res) =>
      json(res, 200, {
        session_id: 'done-session',
        messages: [
          {
            id: 'u1',
            role: 'user',
            content: 'I am Ada, ada@example.com',
            created_at: '2026-01-01T00:00:00Z',
          },
        ],
        data_collected: { name: 'Ada', email: 'ada@example.com' },
        is_complete: true,
        missing_fields: [],
        email_status: 'sent',
        active_stream: null,
      }),
    );
    const { fixture, root } = await render();
    await waitFor(() => {
      fixture.detectChanges();
      return root.querySelector('.email-sent') !== null;
    });
    expect(root.textContent).toContain('All required details are collected.');
    expect(root.querySelector('.user')?.textContent).toContain('I am Ada');
    expect(root.querySelector('.lead-notice')?.textContent).toContain(
      'received and sent to our team',
    );
    expect(root.querySelector('.panel-toggle')?.textContent).toContain('Details complete');
  });

  describe('at /chat/:assistantId', () => {
    async function renderFor(assistantId: string) {
      const fixture = TestBed.createComponent(ChatPage);
      fixture.componentRef.setInput('assistantId', assistantId);
      const root = fixture.nativeElement as HTMLElement;
      await waitFor(() => {
        fixture.detectChanges();
        return root.querySelector('h1')?.textContent?.trim() !== 'Assistant';
      });
      return root;
    }

    it("draws the named assistant's greeting and takes its name as the page title", async () => {
      server.on('GET /api/assistants/second', (_req, res) =>
        json(res, 200, { ...PROFILE, id: 'second', name: 'Second Desk', greeting: 'Second hello' }),
      );
      const root = await renderFor('second');
      expect(root.querySelector('h1')?.textContent).toContain('Second Desk');
      expect(root.textContent).toContain('Second hello');
      await waitFor(() => document.title === 'Second Desk');
    });

    it('says an unknown assistant is not available instead of drawing a chat', async () => {
      const root = await renderFor('nope');
      expect(root.querySelector('h1')?.textContent).toContain('This assistant is not available');
      expect(root.querySelector('textarea')).toBeNull();
    });

    it('asks nothing about an id no assistant can have', async () => {
      const root = await renderFor('Not_An_Id');
      expect(root.querySelector('h1')?.textContent).toContain('This assistant is not available');
      expect(server.requests.filter((r) => r.path.startsWith('/api/assistants/'))).toEqual([]);
    });
  });
});
