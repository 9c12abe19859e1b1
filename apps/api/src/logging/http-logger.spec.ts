import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createPino, httpLogger } from './http-logger';

/** A real server answering 204 through the middleware, its log lines captured. */
async function serve(level: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const middleware = httpLogger(pino({ level }, sink));
  const server = http.createServer((req, res) =>
    middleware(req, res, () => res.writeHead(204).end()),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    lines,
    get: (path: string, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, { headers }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('httpLogger', () => {
  it('writes one info line per request with its id, method and URL, health checks and metrics scrapes excepted', async () => {
    const app = await serve('info');
    try {
      const response = await app.get('/api/chat/profile');
      await app.get('/api/health');
      await app.get('/api/health/ready');
      await app.get('/api/metrics');
      await settle();
      const id = response.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(app.lines).toHaveLength(1);
      expect(app.lines[0]).toMatchObject({
        level: 30,
        req: { id, method: 'GET', url: '/api/chat/profile' },
        res: { statusCode: 204 },
      });
    } finally {
      await app.close();
    }
  });

  it('writes no session id and no session token', async () => {
    const app = await serve('info');
    try {
      await app.get('/api/chat/sessions/ada-lovelace-session', {
        'X-Session-Token': 'secret-token-1',
      });
      await app.get('/api/chat/streams/s1/events?last_event_id=3&session_token=secret-token-2');
      await settle();
      const written = JSON.stringify(app.lines);
      expect(written).not.toMatch(/ada-lovelace-session|secret-token/);
      expect(app.lines.map((line) => (line['req'] as { url: string }).url)).toEqual([
        '/api/chat/sessions/:id',
        '/api/chat/streams/s1/events?last_event_id=…&session_token=…',
      ]);
    } finally {
      await app.close();
    }
  });

  it('above info writes nothing, and still echoes a request id', async () => {
    const app = await serve('warn');
    try {
      const made = await app.get('/api/chat/profile');
      const kept = await app.get('/api/chat/profile', { 'X-Request-Id': 'gateway.42' });
      const refused = await app.get('/api/chat/profile', { 'X-Request-Id': 'not an id\u00e9' });
      await settle();
      expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(kept.headers.get('x-request-id')).toBe('gateway.42');
      expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(app.lines).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('createPino', () => {
  function capture() {
    let text = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    return { sink, text: () => text };
  }

  it('writes JSON lines, credentials redacted', () => {
    const out = capture();
    createPino('info', 'json', out.sink).info(
      { req: { headers: { cookie: 'staff=secret' } } },
      'Started',
    );
    const line = JSON.parse(out.text());
    expect(line).toMatchObject({
      level: 30,
      msg: 'Started',
      req: { headers: { cookie: '[Redacted]' } },
    });
  });

  it('writes lines a person reads in development, credentials still redacted', () => {
    const out = capture();
    createPino('info', 'pretty', out.sink).info(
      { req: { headers: { cookie: 'staff=secret' } } },
      'Started',
    );
    expect(out.text()).toMatch(/INFO.*: Started/);
    expect(out.text()).toContain('[Redacted]');
    expect(out.text()).not.toContain('secret');
    expect(() => JSON.parse(out.text())).toThrow();
  });
});
