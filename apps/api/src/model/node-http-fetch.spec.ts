import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { createNodeHttpFetch } from './node-http-fetch';

/** A local OpenAI-compatible provider: the network boundary, nothing of ours. */
function startProvider(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server }),
    ),
  );
}

const chunk = (content: string) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

describe('createNodeHttpFetch', () => {
  let server: http.Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

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
    server = provider.server;
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
    let socketClosed!: () => void;
    const closed = new Promise<void>((resolve) => (socketClosed = resolve));
    const provider = await startProvider((req, res) => {
      req.socket.once('close', socketClosed);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('first'));
      // Never ends: only the client's abort can close it.
    });
    server = provider.server;
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
    await closed;
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
    server = provider.server;
    const openai = new OpenAI({ apiKey: 'k', baseURL: provider.url, fetch: createNodeHttpFetch(), maxRetries: 0 });
    await expect(openai.models.retrieve('gpt')).resolves.toMatchObject({ id: 'gpt' });
    await expect(openai.models.retrieve('missing')).rejects.toMatchObject({ status: 404 });
  });

  it('fails with a connection error when nothing listens', async () => {
    const provider = await startProvider(() => undefined);
    provider.server.close();
    const openai = new OpenAI({ apiKey: 'k', baseURL: provider.url, fetch: createNodeHttpFetch(), maxRetries: 0 });
    await expect(openai.models.list()).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
  });
});
