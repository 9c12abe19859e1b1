import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { XSRF_HEADER } from '@chat/contracts';
import { FETCH } from '@chat/chat-client';
import { PreviewChatApi, PreviewSessionIds, withStaffXsrf } from './preview-chat';

describe('the preview chat client', () => {
  afterEach(() => {
    document.cookie = 'XSRF-TOKEN=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
    localStorage.clear();
  });

  it('sends the XSRF cookie back as the header, keeping the other headers', async () => {
    document.cookie = 'XSRF-TOKEN=abc%3D123; path=/';
    const fetch = jest.fn().mockResolvedValue(new Response('ok'));
    await withStaffXsrf(fetch)('/api/chat/stream', {
      method: 'POST',
      headers: { Accept: 'text/event-stream' },
    });
    const headers = new Headers(fetch.mock.calls[0][1].headers);
    expect(headers.get(XSRF_HEADER)).toBe('abc=123');
    expect(headers.get('Accept')).toBe('text/event-stream');
  });

  it('names the assistant and asks for its draft on every turn', async () => {
    const fetch = jest.fn().mockResolvedValue(new Response('', { status: 200 }));
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), PreviewChatApi, { provide: FETCH, useValue: fetch }],
    });
    const api = TestBed.inject(PreviewChatApi);
    api.assistantId = 'sales';
    await api.openStream(
      { message: 'Hi', session_id: 'web-1' },
      'token',
      new AbortController().signal,
    );
    expect(JSON.parse(fetch.mock.calls[0][1].body)).toEqual({
      message: 'Hi',
      session_id: 'web-1',
      assistant_id: 'sales',
      preview: true,
    });
  });

  it('keeps the preview session in memory, never in the visitor’s localStorage', () => {
    const ids = new PreviewSessionIds();
    const first = ids.current();
    ids.saveToken(first, 'secret');
    expect(ids.token(first)).toBe('secret');
    expect(localStorage.length).toBe(0);
    const next = ids.renew();
    expect(next).not.toBe(first);
    expect(ids.current()).toBe(next);
    expect(ids.token(next)).toBeNull();
    expect(localStorage.length).toBe(0);
  });
});
