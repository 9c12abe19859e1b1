import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { readCompletionChunks } from './completion-chunks';
import { createNodeHttpFetch, readBodyDirectly } from './node-http-fetch';

/** The provider the running test started, closed after it. */
let server: http.Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** A local OpenAI-compatible provider: the network boundary, nothing of ours. */
function startProvider(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const started = http.createServer(handler);
  server = started;
  return new Promise((resolve) =>
    started.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(started.address() as AddressInfo).port}/v1`, server: started }),
    ),
  );
}

/** `closed` resolves once the provider's side of the connection of the request given to `watch` closes. */
function connectionClose(): { closed: Promise<void>; watch: (req: http.IncomingMessage) => void } {
  let closedNow!: () => void;
  const closed = new Promise<void>((resolve) => (closedNow = resolve));
  return { closed, watch: (req) => void req.socket.once('close', () => closedNow()) };
}

/** Reads a streamed reply as the model client does, noting each chunk's content in `seen`, then calling `then`. */
const readInto = (response: Response, seen: string[], then?: () => void) =>
  readCompletionChunks(response, (part) => {
    seen.push(part.choices[0]?.delta?.content ?? '');
    then?.();
  });

const chunk = (content: string) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

describe('createNodeHttpFetch', () => {
  it('streams a reply through the SDK, sending its headers and JSON body', async () => {
    let seen: { auth?: string; body?: { model: string; stream: boolean } } = {};
    const provider = await startProvider((req, res) => {
      let raw = '';
      req.on('data', (data) => (raw += data));
      req.on('end', () => {
        seen = { auth: req.headers.authorization, body: JSON.parse(raw) };
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        // Two events in one write and one split across writes: the SDK must see all three.
        res.write(chunk('Hello') + chunk(', wor'));
        res.write(chunk('ld').slice(0, 10));
        setTimeout(() => res.end(`${chunk('ld').slice(10)}data: [DONE]\n\n`), 5);
      });
    });
    const openai = new OpenAI({ apiKey: 'k', baseURL: provider.url, fetch: createNodeHttpFetch() });
    const stream = await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    for await (const part of stream) text += part.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Hello, world');
    expect(seen.auth).toBe('Bearer k');
    expect(seen.body).toMatchObject({ model: 'm', stream: true });
  });

  it('closes the provider connection as soon as the request is aborted', async () => {
    const connection = connectionClose();
    const provider = await startProvider((req, res) => {
      connection.watch(req);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('first'));
      // Never ends: only the client's abort can close it.
    });
    const openai = new OpenAI({ apiKey: 'k', baseURL: provider.url, fetch: createNodeHttpFetch() });
    const abort = new AbortController();
    const stream = await openai.chat.completions.create(
      { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { signal: abort.signal },
    );
    const seen: string[] = [];
    for await (const part of stream) {
      seen.push(part.choices[0]?.delta?.content ?? '');
      abort.abort();
    }
    await connection.closed;
    expect(seen).toEqual(['first']);
  });

  it('decodes a gzip JSON answer and reports HTTP errors with their status', async () => {
    const provider = await startProvider((req, res) => {
      if (req.url?.endsWith('/models/missing')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: { message: 'no such model' } }));
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ id: 'gpt', object: 'model', created: 0, owned_by: 'x' })));
    });
    const openai = new OpenAI({ apiKey: 'k', baseURL: provider.url, fetch: createNodeHttpFetch(), maxRetries: 0 });
    await expect(openai.models.retrieve('gpt')).resolves.toMatchObject({ id: 'gpt' });
    await expect(openai.models.retrieve('missing')).rejects.toMatchObject({ status: 404 });
  });

  it('gives the socket of a bodiless answer back to the pool', async () => {
    let connections = 0;
    const provider = await startProvider((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    provider.server.on('connection', () => connections++);
    const fetch = createNodeHttpFetch();
    for (let i = 0; i < 3; i++) {
      const answer = await fetch(`${provider.url}/nothing`, { method: 'DELETE' });
      expect(answer.status).toBe(204);
      // The socket goes back to the pool once the (empty) body has been consumed.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(connections).toBe(1);
  });

  it('fails with a connection error when nothing listens', async () => {
    const provider = await startProvider(() => undefined);
    provider.server.close();
    const openai = new OpenAI({ apiKey: 'k', baseURL: provider.url, fetch: createNodeHttpFetch(), maxRetries: 0 });
    await expect(openai.models.list()).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
  });
});

describe('readBodyDirectly (the streamed reply read from the socket, without a web stream)', () => {
  /** A streamed call through the SDK, answered as a `Response` (as the model client asks for it). */
  async function streamedResponse(handler: http.RequestListener, signal?: AbortSignal): Promise<Response> {
    const provider = await startProvider(handler);
    const openai = new OpenAI({ apiKey: 'k', baseURL: provider.url, fetch: createNodeHttpFetch(), maxRetries: 0 });
    return openai.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }, { signal })
      .asResponse();
  }

  it('reads every chunk, split anywhere, and leaves the web body unread', async () => {
    const response = await streamedResponse((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const body = chunk('Café ') + chunk('naïve') + 'data: [DONE]\n\n';
      // Cut mid-event and mid-character, over several socket writes.
      let at = 0;
      const next = () => {
        if (at >= body.length) return void res.end();
        res.write(Buffer.from(body).subarray(at, at + 9));
        at += 9;
        setTimeout(next, 1);
      };
      next();
    });
    const seen: string[] = [];
    await readInto(response, seen);
    expect(seen).toEqual(['Café ', 'naïve']);
    expect(response.bodyUsed).toBe(false);
    // One reader per body: it cannot be read directly a second time, nor as a web stream.
    expect(readBodyDirectly(response, () => undefined)).toBeUndefined();
    await expect(response.text()).rejects.toThrow('The body has been read already.');
  });

  it('is not offered once the web body has been read, which still reads whole', async () => {
    const response = await streamedResponse((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(chunk('web') + 'data: [DONE]\n\n');
    });
    expect(await response.text()).toContain('"web"');
    expect(readBodyDirectly(response, () => undefined)).toBeUndefined();
  });

  it('rejects with an AbortError and closes the provider connection when the call is aborted', async () => {
    const connection = connectionClose();
    const abort = new AbortController();
    const response = await streamedResponse((req, res) => {
      connection.watch(req);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('first'));
      // Never ends: only the abort can close it.
    }, abort.signal);
    const seen: string[] = [];
    await expect(readInto(response, seen, () => abort.abort())).rejects.toMatchObject({ name: 'AbortError' });
    await connection.closed;
    expect(seen).toEqual(['first']);
  });

  it('fails when the provider resets the connection mid-body', async () => {
    const response = await streamedResponse((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('half'), () => setTimeout(() => res.socket?.destroy(), 5));
    });
    const seen: string[] = [];
    await expect(readInto(response, seen)).rejects.toThrow();
    expect(seen).toEqual(['half']);
  });

  it('stops at a garbled chunk with its parse error and closes the connection', async () => {
    const connection = connectionClose();
    const response = await streamedResponse((req, res) => {
      connection.watch(req);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`${chunk('ok')}data: {not json\n\n${chunk('never')}`);
    });
    const seen: string[] = [];
    await expect(readInto(response, seen)).rejects.toBeInstanceOf(SyntaxError);
    await connection.closed;
    expect(seen).toEqual(['ok']);
  });
});
