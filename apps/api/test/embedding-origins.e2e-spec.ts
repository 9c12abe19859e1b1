import WebSocket from 'ws';
import type { AssistantDetail, ChatEvent } from '@chat/contracts';
import { postChatStream, waitFor } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';
import { StaffClient } from '@chat/test-support';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const SHOP = 'https://shop.example';
const EVIL = 'https://evil.example';

/** A WebSocket opened by a page of `origin`: the upgrade's status, or the events it gets. */
async function socketFrom(api: RunningApi, origin: string) {
  const socket = new WebSocket(`${api.baseUrl.replace('http', 'ws')}/api/chat/ws`, { origin });
  const events: ChatEvent[] = [];
  socket.on('message', (data) => events.push(JSON.parse(data.toString())));
  const opened = await new Promise<number>((resolve) => {
    socket.once('open', () => resolve(101));
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', () => resolve(0));
  });
  return { socket, events, opened };
}

describe('websites embed only the assistants that list them (PROTOCOL.md, Website widget: allowed_origins)', () => {
  let api: RunningApi;
  let admin: StaffClient;
  let draft: Record<string, unknown>;

  beforeAll(async () => {
    api = await startApi({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    admin = new StaffClient(api.baseUrl);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
    const imported = await admin.call('GET', '/api/admin/assistants/trading-education');
    draft = ((await imported.json()) as AssistantDetail).draft as Record<string, unknown>;
    const created = await admin.call('POST', '/api/admin/assistants', {
      body: { id: 'shop', draft: { ...draft, id: 'shop', allowed_origins: [SHOP] } },
    });
    expect(created.status).toBe(201);
    expect((await admin.call('POST', '/api/admin/assistants/shop/publish')).status).toBe(200);
  });
  afterAll(() => api.close());

  const chatFrom = (origin: string | undefined, body: object, token?: string) =>
    postChatStream(api.baseUrl, body, token, origin ? { Origin: origin } : {});
  const statusOf = async (origin: string | undefined, body: object, token?: string) => {
    const stream = await chatFrom(origin, body, token);
    await stream.finished.catch(() => undefined);
    return stream.response.status;
  };

  it('lets a listed site talk to its assistant, and no other site, on every chat call', async () => {
    const allowed = await chatFrom(SHOP, { message: 'Hello', assistant_id: 'shop' });
    await allowed.finished;
    expect(allowed.response.status).toBe(200);
    const sessionId = allowed.get('start').session_id;
    const token = allowed.sessionToken;

    // Another site, even with the session's token, gets nothing about it.
    const refused = await fetch(`${api.baseUrl}/api/chat/stream`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: EVIL, 'X-Session-Token': token ?? '' },
      body: JSON.stringify({ message: 'Hi', session_id: sessionId }),
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'forbidden' });
    expect(await statusOf(EVIL, { message: 'Hi', assistant_id: 'shop' })).toBe(403);
    const transcript = (origin: string) =>
      fetch(`${api.baseUrl}/api/chat/sessions/${sessionId}`, {
        headers: { Origin: origin, 'X-Session-Token': token ?? '' },
      });
    expect((await transcript(EVIL)).status).toBe(403);
    expect((await transcript(SHOP)).status).toBe(200);
    const streamId = allowed.get('start').stream_id;
    const resume = await fetch(`${api.baseUrl}/api/chat/streams/${streamId}/events`, {
      headers: { Origin: EVIL, 'X-Session-Token': token ?? '', 'Last-Event-ID': '0' },
    });
    expect(resume.status).toBe(403);
    const cancel = await fetch(`${api.baseUrl}/api/chat/streams/${streamId}/cancel`, {
      method: 'POST',
      headers: { Origin: EVIL, 'X-Session-Token': token ?? '' },
    });
    expect(cancel.status).toBe(403);

    // The site lists one assistant, not the default one.
    expect(await statusOf(SHOP, { message: 'Hi' })).toBe(403);
    // A server sends no Origin; the portal's own pages send the API's; both are unaffected.
    expect(await statusOf(undefined, { message: 'Hi', assistant_id: 'shop' })).toBe(200);
    expect(await statusOf(api.baseUrl, { message: 'Hi' })).toBe(200);
  });

  it("tells any site's widget whether it may embed the assistant, readably", async () => {
    const describe = (origin: string) =>
      fetch(`${api.baseUrl}/api/assistants/shop`, { headers: { Origin: origin } });
    const listed = await describe(SHOP);
    expect(listed.status).toBe(200);
    const unlisted = await describe('https://nowhere.example');
    expect(unlisted.status).toBe(403);
    // A page no assistant lists still reads the refusal (no CORS error), so its widget can say so.
    expect(unlisted.headers.get('access-control-allow-origin')).toBe('*');
    expect(await unlisted.json()).toMatchObject({ code: 'forbidden' });
  });

  it('answers CORS for the listed sites only', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.baseUrl}/api/chat/stream`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type,x-session-token',
        },
      });
    expect((await preflight(SHOP)).headers.get('access-control-allow-origin')).toBe(SHOP);
    expect((await preflight(EVIL)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('opens a socket for a listed site, and checks each message against its assistant', async () => {
    const evil = await socketFrom(api, EVIL);
    expect(evil.opened).toBe(403);
    const shop = await socketFrom(api, SHOP);
    expect(shop.opened).toBe(101);
    shop.socket.send(JSON.stringify({ type: 'message', message: 'Hi' }));
    await waitFor(() => shop.events.length === 1, 5000);
    expect(shop.events[0]).toMatchObject({ type: 'error', code: 'forbidden' });
    shop.socket.send(JSON.stringify({ type: 'message', message: 'Hi', assistant_id: 'shop' }));
    await waitFor(() => shop.events.some((event) => event.type === 'done'), 10_000);
    expect(shop.events[1]).toMatchObject({ type: 'start', assistant_id: 'shop' });
    shop.socket.close();
  });

  it('refuses a site taken off the list within a second', async () => {
    const saved = await admin.call('PUT', '/api/admin/assistants/shop/draft', {
      body: { ...draft, id: 'shop', allowed_origins: ['https://other.example'] },
    });
    expect(saved.status).toBe(200);
    expect((await admin.call('POST', '/api/admin/assistants/shop/publish')).status).toBe(200);
    const refusedAt = Date.now();
    await waitFor(
      async () => (await statusOf(SHOP, { message: 'Hi', assistant_id: 'shop' })) === 403,
      5000,
      100,
    );
    expect(Date.now() - refusedAt).toBeLessThan(2000);
    expect(await statusOf('https://other.example', { message: 'Hi', assistant_id: 'shop' })).toBe(
      200,
    );
  });
});
