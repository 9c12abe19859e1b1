import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { type RunningBuiltApi, ScratchDirs, startBuiltApi } from '@chat/test-support';

const PRECOMPRESS = resolve(__dirname, '../../../tools/build/precompress-web.mjs');
const scratch = new ScratchDirs();

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes as sent, still encoded. */
  body: Buffer;
}

/** A GET whose body is read as sent (fetch would decode it, and choose its own Accept-Encoding). */
function get(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolveResponse, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolveResponse({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
        }),
      );
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

function decoded(response: RawResponse): Buffer {
  const encoding = response.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(response.body);
  if (encoding === 'gzip') return gunzipSync(response.body);
  if (encoding === undefined) return response.body;
  throw new Error(`unexpected Content-Encoding ${String(encoding)}`);
}

describe('the built API serving the built portal (WEB_ROOT)', () => {
  let api: RunningBuiltApi;
  let webRoot: string;
  const original = (name: string) => readFileSync(join(webRoot, name));

  beforeAll(async () => {
    // A portal as the web build leaves it: content-hashed bundles, index.html, then the build's
    // own compression step.
    webRoot = scratch.make('web-root-');
    const code = Array.from(
      { length: 400 },
      (_, i) => `export const value${i} = '${randomBytes(6).toString('hex')}';`,
    ).join('\n');
    writeFileSync(join(webRoot, 'main-AB12CD34.js'), code);
    writeFileSync(
      join(webRoot, 'styles-EZ5MECK7.css'),
      'body { margin: 0; color: #123456; }\n'.repeat(50),
    );
    writeFileSync(
      join(webRoot, 'index.html'),
      `<!doctype html><html><head><link rel="stylesheet" href="styles-EZ5MECK7.css"></head><body>${'<p>Shell</p>'.repeat(40)}<script src="main-AB12CD34.js" type="module"></script></body></html>`,
    );
    writeFileSync(join(webRoot, 'favicon.ico'), randomBytes(64));
    execFileSync(process.execPath, [PRECOMPRESS, webRoot]);
    api = await startBuiltApi(
      {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        WEB_ROOT: webRoot,
        MAIL_OUTBOX_DIR: scratch.make('outbox-'),
        DATA_DIR: scratch.make('data-'),
      },
      { timeoutMs: 30_000 },
    );
  });
  afterAll(() => {
    api?.child.kill('SIGKILL');
    scratch.removeAll();
  });

  it.each([
    ['br, gzip, deflate', 'br'],
    ['gzip, deflate', 'gzip'],
    ['gzip;q=1, br;q=0', 'gzip'],
  ])(
    'sends a content-hashed bundle precompressed for Accept-Encoding "%s" (%s), cached for a year',
    async (accept, encoding) => {
      const response = await get(`${api.url}/main-AB12CD34.js`, { 'Accept-Encoding': accept });
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBe(encoding);
      expect(response.headers['vary']).toMatch(/Accept-Encoding/i);
      expect(response.headers['content-type']).toMatch(
        /^(?:application|text)\/javascript; charset=utf-8$/i,
      );
      expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(Number(response.headers['content-length'])).toBe(response.body.length);
      expect(response.body.length).toBeLessThan(original('main-AB12CD34.js').length / 1.5);
      expect(decoded(response).equals(original('main-AB12CD34.js'))).toBe(true);
    },
  );

  it('sends the file as it is to a client that accepts no encoding', async () => {
    const response = await get(`${api.url}/styles-EZ5MECK7.css`, { 'Accept-Encoding': 'identity' });
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers['vary']).toMatch(/Accept-Encoding/i);
    expect(response.headers['content-type']).toMatch(/^text\/css; charset=utf-8$/i);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.body.equals(original('styles-EZ5MECK7.css'))).toBe(true);
  });

  it.each(['/', '/index.html', '/staff/leads', '/a/page/route'])(
    'answers %s with index.html, compressed, revalidated on every visit, under the CSP',
    async (path) => {
      const response = await get(`${api.url}${path}`, { 'Accept-Encoding': 'br, gzip' });
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBe('br');
      expect(response.headers['content-type']).toMatch(/^text\/html; charset=utf-8$/i);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(decoded(response).equals(original('index.html'))).toBe(true);
    },
  );

  it('revalidates a file whose name has no content hash, and answers 304 when it has not changed', async () => {
    const first = await get(`${api.url}/favicon.ico`);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('no-cache');
    const again = await get(`${api.url}/favicon.ico`, {
      'If-None-Match': String(first.headers['etag']),
    });
    expect(again.status).toBe(304);
  });

  it('leaves the API its own answers: a missing file or API route is a 404, not the portal', async () => {
    const missingFile = await get(`${api.url}/chunk-MISSING1.js`);
    expect(missingFile.status).toBe(404);
    const missingRoute = await get(`${api.url}/api/no-such-route`);
    expect(missingRoute.status).toBe(404);
    expect(JSON.parse(missingRoute.body.toString())).toEqual(
      expect.objectContaining({ statusCode: 404 }),
    );
    const health = await get(`${api.url}/api/health`, { 'Accept-Encoding': 'br' });
    expect(health.status).toBe(200);
    expect(health.headers['cache-control']).not.toBe('public, max-age=31536000, immutable');
  });
});
