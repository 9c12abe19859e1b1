import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type RunningBuiltApi, ScratchDirs, startBuiltApi } from '@chat/test-support';

const PRECOMPRESS = resolve(__dirname, '../../../tools/build/precompress-web.mjs');
const scratch = new ScratchDirs();

/** A GET that sends the encodings asked for (fetch decodes the body, but keeps the headers). */
const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });

describe('the built API serving the website widget (WIDGET_ROOT)', () => {
  let api: RunningBuiltApi;

  beforeAll(async () => {
    const root = scratch.make('widget-root-');
    mkdirSync(join(root, 'widget'));
    writeFileSync(join(root, 'widget.js'), `(()=>{/* loader */${'void 0;'.repeat(200)}})();`);
    writeFileSync(
      join(root, 'widget', 'main-AB12CD34.js'),
      `export const widget = ${JSON.stringify('the widget '.repeat(500))};`,
    );
    execFileSync(process.execPath, [PRECOMPRESS, root]);
    api = await startBuiltApi(
      {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        WIDGET_ROOT: root,
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

  it('sends the loader compressed, cached for minutes, loadable by any site', async () => {
    const response = await get(`${api.url}/widget.js`, {
      'Accept-Encoding': 'br, gzip',
      Origin: 'https://shop.example',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('br');
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(await response.text()).toContain('/* loader */');
  });

  it('sends a content-hashed module cached for a year, with CORS for module scripts', async () => {
    const response = await get(`${api.url}/widget/main-AB12CD34.js`, {
      'Accept-Encoding': 'gzip',
      Origin: 'https://shop.example',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(await response.text()).toContain('export const widget');
  });

  it('answers a missing widget file 404, and leaves other paths alone', async () => {
    expect((await get(`${api.url}/widget/chunk-MISSING1.js`)).status).toBe(404);
    const health = await get(`${api.url}/api/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });
});
