import WebSocket from 'ws';
import { type RunningApi, startApi } from './support/api-server';

/** Visitors behind one address (an office, a carrier's NAT): each session has a budget of its own. */
describe('rate limiting: a budget per session beside the address', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi({
      RATE_LIMIT_SESSION_MESSAGES: '3',
      RATE_LIMIT_MESSAGES: '8',
      RATE_LIMIT_WINDOW_MS: '60000',
    });
  });
  afterAll(() => api.close());

  /** `POST /api/chat` (the whole reply) as one visitor of the shared address. */
  async function say(
    sessionId: string,
    token?: string,
  ): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null }> {
    const response = await fetch(`${api.baseUrl}/api/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token && { 'X-Session-Token': token }) },
      body: JSON.stringify({ message: 'hello', session_id: sessionId }),
    });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      retryAfter: response.headers.get('retry-after'),
    };
  }

  it('stops a flooding session by its own budget, not its neighbours, and the address ceiling still holds', async () => {
    const first = await say('visitor-a');
    expect(first.status).toBe(200);
    const token = first.body['session_token'] as string;
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await say('visitor-a', token));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    expect(answers[3]?.body).toMatchObject({
      statusCode: 429,
      code: 'rate_limited',
      message: expect.stringMatching(/try again in \d+ s/i),
    });
    expect(Number(answers[3]?.retryAfter)).toBeGreaterThan(0);

    // Another visitor at the same address is not locked out by A: A's refused messages spent nothing of the address's.
    expect((await say('visitor-b')).status).toBe(200);

    // Over the WebSocket, A's session is out of budget too.
    const socket = new WebSocket(`${api.baseUrl.replace('http', 'ws')}/api/chat/ws`);
    const events: Array<{ type: string; code?: string }> = [];
    socket.on('message', (data) => events.push(JSON.parse(data.toString())));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(
      JSON.stringify({
        type: 'message',
        message: 'hello',
        session_id: 'visitor-a',
        session_token: token,
      }),
    );
    const deadline = Date.now() + 5000;
    while (events.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    socket.close();
    expect(events[0]).toMatchObject({ type: 'error', code: 'rate_limited' });

    // Address spent so far: A 1 + 3, B 1. Three more new visitors reach its 8; the next is refused.
    const others = [];
    for (let i = 0; i < 4; i++) others.push((await say(`visitor-${i}-other`)).status);
    expect(others).toEqual([200, 200, 200, 429]);
  });
});
