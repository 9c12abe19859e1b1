import OpenAI from 'openai';
import { startFakeOpenAi, type FakeOpenAiServer } from './index';

describe('fake OpenAI server: faults', () => {
  let server: FakeOpenAiServer;
  let client: OpenAI;

  beforeEach(async () => {
    // A fresh server per test, so openSockets() counts only this test's connections.
    server = await startFakeOpenAi();
    client = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
  });
  afterEach(() => server.close());

  const ask = (signal?: AbortSignal) =>
    client.chat.completions.create(
      { model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'hi' }] },
      { signal },
    );

  it.each([429, 500, 503])('answers status %i with an OpenAI error the SDK understands', async (status) => {
    server.enqueue({ status, retryAfterSeconds: status === 429 ? 7 : undefined });
    const error = await ask().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(status);
    expect(apiError.type).toEqual(expect.any(String));
    expect(apiError.message).toContain(String(status));
    if (status === 429) {
      expect(apiError).toBeInstanceOf(OpenAI.RateLimitError);
      expect(apiError.code).toBe('rate_limit_exceeded');
      expect(apiError.headers?.get('retry-after')).toBe('7');
    }
  });

  it('lets the SDK retry a 503 and then streams', async () => {
    server.enqueue({ status: 503, retryAfterSeconds: 0 }, { text: 'Recovered.' });
    const retrying = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 1 });
    const stream = await retrying.chat.completions.create({ model: 'm', stream: true, messages: [] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Recovered.');
    expect(server.requests).toHaveLength(2);
  });

  it('breaks the connection after the given number of tokens', async () => {
    server.enqueue({ tokens: ['one', ' two', ' three', ' four'], breakAfterTokens: 2 });
    const received: string[] = [];
    const stream = await ask();
    const failure = (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    })();
    await expect(failure).rejects.toThrow();
    expect(received).toEqual(['', 'one', ' two']);
    await server.waitForSocketsClosed();
    expect(server.requests[0].socketClosedAt).toEqual(expect.any(Number));
  });

  it('breaks the connection of paced streams too', async () => {
    server.enqueue({ text: 'one two three', tickPerToken: true, breakAfterTokens: 1 });
    const received: string[] = [];
    const stream = await ask();
    await expect(
      (async () => {
        for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toThrow();
    expect(received).toEqual(['', 'one']);
  });

  it('stalls after the given tokens until the client aborts, and sees the socket close', async () => {
    server.enqueue({ tokens: ['one', ' two', ' three'], stallAfterTokens: 2 });
    const controller = new AbortController();
    const stream = await ask(controller.signal);
    const received: string[] = [];
    const reading = (async () => {
      for await (const chunk of stream) {
        received.push(chunk.choices[0]?.delta.content ?? '');
        if (received.length === 3) controller.abort();
      }
    })();
    // The SDK ends the iteration quietly when its own signal aborts it.
    await reading;
    expect(received).toEqual(['', 'one', ' two']);
    await server.waitForSocketsClosed();
    expect(server.openSockets()).toBe(0);
    expect(server.requests[0].socketClosedAt).toBeGreaterThanOrEqual(server.requests[0].receivedAt);
  });

  it('keeps a stalled socket open while nobody aborts', async () => {
    server.enqueue({ text: 'never finishes', stallAfterTokens: 0 });
    const stream = await ask();
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.choices[0].delta.role).toBe('assistant');
    await expect(server.waitForSocketsClosed(100)).rejects.toThrow(/1 socket\(s\) still open/);
    expect(server.requests[0].socketClosedAt).toBeUndefined();
    stream.controller.abort();
  });

  it('aborts during the first-token delay and the socket closes', async () => {
    server.enqueue({ text: 'late', firstTokenDelayMs: 60_000 });
    const controller = new AbortController();
    const pending = ask(controller.signal);
    await server.waitForRequests(1);
    expect(server.openSockets()).toBe(1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    await server.waitForSocketsClosed();
  });

  it('close() ends stalled streams', async () => {
    server.enqueue({ text: 'stuck', stallAfterTokens: 0 });
    const stream = await ask();
    const reading = (async () => {
      for await (const _chunk of stream) {
        /* drain */
      }
    })();
    await server.close();
    await expect(reading).rejects.toThrow();
    expect(server.openSockets()).toBe(0);
  });

  it('does not count idle keep-alive sockets as open', async () => {
    server.enqueue({ text: 'done' });
    for await (const _chunk of await ask()) {
      /* drain */
    }
    await server.waitForSocketsClosed();
    expect(server.openSockets()).toBe(0);
    expect(server.requests[0].socketClosedAt).toBeUndefined();
  });
});
