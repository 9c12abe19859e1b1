import { TestBed } from '@angular/core/testing';
import type { AssistantProfile } from '@chat/contracts';
import { API_BASE_URL, ChatStore, markdownRenderer, SessionIdStore } from '@chat/chat-client';
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
