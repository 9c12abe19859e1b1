import AxeBuilder from '@axe-core/playwright';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHmac } from 'node:crypto';
import {
  type BuiltApiProcess,
  freePort,
  ScratchDirs,
  spawnBuiltApi,
  stopProcess,
  waitForHttp,
} from '@chat/test-support';
import { XSRF_COOKIE, XSRF_HEADER } from '@chat/contracts';
import { type Browser, type BrowserContextOptions, type Page, request } from 'playwright-core';
import { DESKTOP, launchBrowser, PHONE, screenshot } from './support/browser';
import { FIRST_ADMIN } from './support/staff';

/** The host page's stylesheet: it tries to restyle, hide and enlarge everything it can reach. */
const HOSTILE_CSS = `
* { all: revert; font-size: 40px !important; color: red !important; font-family: serif !important; }
button { display: none !important; }
chat-widget, chat-widget * { background: lime !important; line-height: 5 !important; letter-spacing: 1em !important; }
body { filter: none; }
`;

/** A reply with markdown to draw and a payload to drop (DOMPurify, in the lazy markdown chunk). */
const HOSTILE_REPLY = [
  'Here is **bold** text.',
  '- First item\n- Second item',
  'See [the guide](https://example.com/guide) <img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script><p onclick="window.__pwned=3">Click me</p>',
  'Safe text at the end.',
].join('\n\n');

/**
 * The website widget on a host site of another origin (localhost beside the API's 127.0.0.1),
 * under a hostile stylesheet and a strict CSP that names the API's origin and no 'unsafe-inline':
 * the launcher is drawn as the widget means it, a reply streams, the conversation survives a
 * reload and another page of the site, the panel fills a phone, axe finds nothing, and the byte
 * sizes are measured from the built files.
 */
describe('the website widget', () => {
  const scratch = new ScratchDirs();
  let api: BuiltApiProcess | undefined;
  let host: Server | undefined;
  let apiOrigin = '';
  let hostOrigin = '';
  let assistantId = '';
  let browser: Browser;
  const cspViolations: string[] = [];

  function hostPage(title: string, body: string): string {
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<link rel="stylesheet" href="/hostile.css"></head><body><main><h1>${title}</h1>
<p>The business's own page. <a href="/second">Second page</a></p>${body}</main>
<script src="${apiOrigin}/widget.js" data-assistant="${assistantId}" async></script></body></html>`;
  }

  beforeAll(async () => {
    const [apiPort, hostPort] = await Promise.all([freePort(), freePort()]);
    apiOrigin = `http://127.0.0.1:${apiPort}`;
    hostOrigin = `http://localhost:${hostPort}`;
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !key.startsWith('OPENAI_') && key !== 'DATABASE_URL',
      ),
    );
    api = spawnBuiltApi(
      {
        ...inherited,
        LOG_LEVEL: 'warn',
        DATA_DIR: scratch.make('web-e2e-widget-data-'),
        MAIL_OUTBOX_DIR: scratch.make('web-e2e-widget-outbox-'),
        PORT: String(apiPort),
        HOST: '127.0.0.1',
        DEMO_MODEL_WORD_DELAY_MS: '15',
        // Not CORS_ORIGINS: the host site is let in by the assistant's allowed_origins alone.
        CORS_ORIGINS: apiOrigin,
        ADMIN_EMAIL: FIRST_ADMIN.email,
        ADMIN_PASSWORD: FIRST_ADMIN.password,
      },
      { passStderr: true },
    );
    await waitForHttp(`${apiOrigin}/api/health/ready`, { timeoutMs: 60_000 });
    assistantId = await allowHostOrigin();

    const csp = [
      "default-src 'self'",
      `script-src ${apiOrigin}`,
      `connect-src ${apiOrigin}`,
      `style-src 'self' ${apiOrigin}`,
    ].join('; ');
    host = createServer((req, res) => {
      if (req.url === '/hostile.css') {
        res.writeHead(200, { 'Content-Type': 'text/css' }).end(HOSTILE_CSS);
        return;
      }
      const page =
        req.url === '/second'
          ? hostPage('Second page', '<p>More of the site.</p>')
          : hostPage('Host site', '<p>Welcome to our shop.</p>');
      res
        .writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy': csp,
        })
        .end(page);
    });
    await new Promise<void>((resolve) => host?.listen(hostPort, resolve));
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (host ? host.close(resolve) : resolve(undefined)));
    await stopProcess(api?.child);
    scratch.removeAll();
  });

  /**
   * Lets the host site embed the default assistant (PUT draft with `allowed_origins`, publish),
   * as an admin through the API, before any host page opens; answers the assistant's id.
   */
  async function allowHostOrigin(): Promise<string> {
    const admin = await request.newContext({ baseURL: apiOrigin });
    try {
      const login = await admin.post('/api/auth/login', { data: FIRST_ADMIN });
      expect(login.status()).toBe(200);
      const xsrf =
        (await admin.storageState()).cookies.find((c) => c.name === XSRF_COOKIE)?.value ?? '';
      const headers = { [XSRF_HEADER]: decodeURIComponent(xsrf) };
      const list = (await (await admin.get('/api/admin/assistants')).json()) as {
        id: string;
        is_default: boolean;
      }[];
      const id = list.find((a) => a.is_default)?.id as string;
      const detail = (await (await admin.get(`/api/admin/assistants/${id}`)).json()) as {
        draft: Record<string, unknown>;
      };
      const put = await admin.put(`/api/admin/assistants/${id}/draft`, {
        data: { ...detail.draft, allowed_origins: [hostOrigin] },
        headers,
      });
      expect(put.status()).toBe(200);
      const publish = await admin.post(`/api/admin/assistants/${id}/publish`, { headers });
      expect([200, 201]).toContain(publish.status());
      return id;
    } finally {
      await admin.dispose();
    }
  }

  async function open(path = '/', options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({
      viewport: DESKTOP,
      baseURL: hostOrigin,
      ...options,
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(path);
    return page;
  }

  const launcher = (page: Page) => page.locator('chat-widget button.launcher');
  const composer = (page: Page) => page.getByRole('textbox', { name: 'Your message' });

  let page: Page;

  it('draws the launcher as the widget means it, whatever the host page styles, under a strict CSP', async () => {
    page = await open();
    await launcher(page).waitFor();
    const looks = await page.evaluate(() => {
      const root = document.querySelector('chat-widget')?.shadowRoot as ShadowRoot;
      const button = root.querySelector('button.launcher') as HTMLElement;
      const style = getComputedStyle(button);
      const box = button.getBoundingClientRect();
      return {
        display: style.display,
        fontSize: style.fontSize,
        color: style.color,
        background: style.backgroundColor,
        letterSpacing: style.letterSpacing,
        visible: box.width > 0 && box.height > 0,
        right: window.innerWidth - box.right,
        styleElements: root.querySelectorAll('style').length,
        adoptedSheets: root.adoptedStyleSheets.length,
      };
    });
    expect(looks).toMatchObject({
      // A flex item: the launcher's inline-flex is blockified.
      display: 'flex',
      fontSize: '16px',
      visible: true,
      styleElements: 0,
      letterSpacing: 'normal',
    });
    expect(looks.color).not.toBe('rgb(255, 0, 0)');
    expect(looks.background).not.toBe('rgb(0, 255, 0)');
    expect(looks.adoptedSheets).toBeGreaterThan(0);
    expect(looks.right).toBeLessThan(60);
    // The host page's own text did get the hostile styles: the sheet is live.
    expect(await page.locator('h1').evaluate((h) => getComputedStyle(h).fontSize)).toBe('40px');
    expect(cspViolations).toEqual([]);
    await screenshot(page, 'widget-launcher-hostile-host');
  });

  it('opens with focus in the composer, streams a reply, and reports it to the host page', async () => {
    await page.evaluate(() => {
      const events: string[] = [];
      (window as unknown as { widgetEvents: string[] }).widgetEvents = events;
      const widget = (
        window as unknown as { ChatWidget: { on(e: string, h: (d: unknown) => void): void } }
      ).ChatWidget;
      widget.on('open', () => events.push('open'));
      widget.on('close', () => events.push('close'));
      widget.on('message', (m) => events.push(`message:${(m as { role: string }).role}`));
    });
    await launcher(page).click();
    await composer(page).waitFor();
    expect(
      await page.evaluate(
        () => document.querySelector('chat-widget')?.shadowRoot?.activeElement?.tagName,
      ),
    ).toBe('TEXTAREA');
    await composer(page).fill('What is momentum trading?');
    await composer(page).press('Enter');
    await page.locator('chat-widget chat-streaming-reply').waitFor();
    await page
      .locator('chat-widget article.message.assistant')
      .first()
      .waitFor({ timeout: 30_000 });
    await page
      .locator('chat-widget chat-streaming-reply')
      .waitFor({ state: 'detached', timeout: 30_000 });
    const reply = await page.locator('chat-widget article.message.assistant').last().innerText();
    expect(reply.length).toBeGreaterThan(10);
    expect(
      await page.evaluate(() => (window as unknown as { widgetEvents: string[] }).widgetEvents),
    ).toEqual(expect.arrayContaining(['open', 'message:user', 'message:assistant']));
    await screenshot(page, 'widget-panel-reply');
    expect(cspViolations).toEqual([]);
  });

  it('has no axe violations in the open panel', async () => {
    const { violations } = await new AxeBuilder({ page })
      .include('chat-widget')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    expect(
      violations.map(
        ({ id, nodes }) => `${id}: ${nodes.map((n) => n.target.join(' ')).join(', ')}`,
      ),
    ).toEqual([]);
  });

  it('has no axe violations in the open panel in the dark scheme either, on the same conversation', async () => {
    const dark = await open('/', {
      colorScheme: 'dark',
      storageState: await page.context().storageState(),
    });
    await launcher(dark).click();
    await dark.locator('chat-widget article.message.assistant').first().waitFor();
    const { violations } = await new AxeBuilder({ page: dark })
      .include('chat-widget')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    expect(
      violations.map(
        ({ id, nodes }) => `${id}: ${nodes.map((n) => n.target.join(' ')).join(', ')}`,
      ),
    ).toEqual([]);
    await screenshot(dark, 'widget-panel-dark');
    await dark.context().close();
  });

  it('closes with Escape, giving focus back to the launcher', async () => {
    await composer(page).press('Escape');
    await composer(page).waitFor({ state: 'detached' });
    expect(
      await page.evaluate(
        () => document.querySelector('chat-widget')?.shadowRoot?.activeElement?.className,
      ),
    ).toContain('launcher');
  });

  it('keeps the conversation across a reload and on another page of the site', async () => {
    const userText = 'What is momentum trading?';
    await page.reload();
    await launcher(page).click();
    await page.locator('chat-widget article.message.user', { hasText: userText }).waitFor();
    await page.locator('chat-widget article.message.assistant').first().waitFor();

    await page.goto('/second');
    await launcher(page).click();
    await page.locator('chat-widget article.message.user', { hasText: userText }).waitFor();
    expect(await page.locator('chat-widget article.message.assistant').count()).toBeGreaterThan(0);
    expect(cspViolations).toEqual([]);
    await page.context().close();
  });

  it('re-attaches to a reply still being written after a reload', async () => {
    const visitor = await open();
    await launcher(visitor).click();
    await composer(visitor).fill('Tell me about swing trading in detail.');
    await composer(visitor).press('Enter');
    await visitor.locator('chat-widget chat-streaming-reply').waitFor();
    await visitor.reload();
    await launcher(visitor).click();
    // The reply goes on streaming where the reloaded page picks it up, and ends stored.
    await visitor
      .locator('chat-widget chat-streaming-reply')
      .waitFor({ state: 'detached', timeout: 30_000 });
    const reply = visitor.locator('chat-widget article.message.assistant').last();
    await reply.waitFor();
    expect((await reply.innerText()).length).toBeGreaterThan(20);
    expect(await visitor.locator('chat-widget article.message.user').count()).toBe(1);
    // Not "interrupted": the reloaded page followed the running reply to its end.
    expect(await visitor.locator('chat-widget .error').count()).toBe(0);
    expect(cspViolations).toEqual([]);
    await visitor.context().close();
  });

  it('loads the markdown renderer from its own origin once opened, shows a reply plain until it arrives, then as sanitised markdown', async () => {
    // The chunk of marked and DOMPurify (the one that names DOMPurify's hook), held back here
    // until the reply is drawn, to see the reply before and after it.
    const dir = join(process.cwd(), 'dist/apps/widget/widget');
    const markdownChunk = readdirSync(dir).find(
      (name) =>
        name.endsWith('.js') &&
        readFileSync(join(dir, name), 'utf8').includes('afterSanitizeAttributes'),
    ) as string;
    expect(markdownChunk).toMatch(/^chunk-[A-Z0-9]{8}\.js$/);
    const violationsBefore = cspViolations.length;
    const visitor = await open();
    const asked: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await visitor.route(`**/widget/${markdownChunk}`, async (route) => {
      asked.push(route.request().url());
      await released;
      await route.continue();
    });
    await visitor.route('**/api/chat/stream', async (route) => {
      // The demo model's reply, its text replaced by markdown with a hostile payload.
      const response = await route.fetch();
      const frames = (await response.text()).split('\n\n').filter(Boolean);
      const isChunk = (frame: string) => frame.includes('"type":"chunk"');
      const first = frames.findIndex(isChunk);
      const id = /^id: (.*)$/m.exec(frames[first])?.[1];
      const chunk = `id: ${id}\ndata: ${JSON.stringify({ type: 'chunk', content: HOSTILE_REPLY })}`;
      const body = [
        ...frames.slice(0, first),
        chunk,
        ...frames.slice(first + 1).filter((frame) => !isChunk(frame)),
      ];
      await route.fulfill({ response, body: `${body.join('\n\n')}\n\n` });
    });

    // Not part of the widget's first download: nothing asks for it until the panel opens.
    await launcher(visitor).waitFor();
    await visitor.waitForTimeout(500);
    expect(asked).toEqual([]);
    const chunkResponse = visitor.waitForResponse((r) => r.url().endsWith(markdownChunk));
    await launcher(visitor).click();
    await composer(visitor).fill('Show me some formatting');
    await composer(visitor).press('Enter');

    const reply = visitor.locator('chat-widget article.message.assistant').last();
    await reply.getByText('Safe text at the end.').waitFor({ timeout: 30_000 });
    expect(asked).toEqual([`${apiOrigin}/widget/${markdownChunk}`]);
    // Meanwhile the reply is its text, as text: no markup of it is in the page.
    expect(await reply.locator('.plain').innerText()).toContain('Here is **bold** text.');
    expect(await reply.locator('strong, li, a, img, script, [onerror]').count()).toBe(0);

    release();
    const served = await chunkResponse;
    expect(served.status()).toBe(200);
    expect(served.headers()['access-control-allow-origin']).toBe('*');
    await reply.locator('.markdown strong').waitFor();
    expect(await reply.locator('.markdown strong').innerText()).toBe('bold');
    expect(await reply.locator('.markdown li').allInnerTexts()).toEqual([
      'First item',
      'Second item',
    ]);
    const link = reply.locator('.markdown a');
    expect(await link.getAttribute('href')).toBe('https://example.com/guide');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await reply.locator('.plain').count()).toBe(0);
    await reply.getByText('Click me').click();
    expect(await reply.locator('script, img, iframe, [onerror], [onclick], [style]').count()).toBe(
      0,
    );
    expect(await visitor.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    // Chromium reports each handler attribute of the reply as DOMPurify parses it, in its inert
    // document (where nothing runs, as __pwned shows); nothing else was refused, the chunk either.
    const reports = cspViolations.splice(violationsBefore);
    expect(reports.filter((text) => !/inline event handler/.test(text))).toEqual([]);
    await visitor.context().close();
  });

  it('tells the visitor in one sentence when the API refuses the site', async () => {
    // The same host server under another origin ([::1] beside localhost), which the assistant
    // does not list: the API refuses it (403, readable from any page), the widget says so.
    const elsewhere = `http://[::1]:${new URL(hostOrigin).port}`;
    const context = await browser.newContext({ viewport: DESKTOP, baseURL: elsewhere });
    const refused = await context.newPage();
    await refused.goto('/');
    await launcher(refused).click();
    const sentence = refused.locator('chat-widget [data-state="refused"]');
    await sentence.waitFor();
    expect((await sentence.innerText()).trim()).toBe('This chat is not available on this site.');
    expect(await refused.locator('chat-widget section.panel').count()).toBe(0);
    // And the API refuses its chat calls too, whatever the page tries.
    const status = await refused.evaluate(async (api) => {
      const response = await fetch(`${api}/api/chat/stream`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: 'Hi' }),
      }).catch(() => undefined);
      return response?.status ?? 'blocked';
    }, apiOrigin);
    expect(status).toBe('blocked');
    await context.close();
  });

  it("takes a signed-in visitor's details only with the site's signature (identify)", async () => {
    const admin = await request.newContext({ baseURL: apiOrigin });
    const login = await admin.post('/api/auth/login', { data: FIRST_ADMIN });
    expect(login.status()).toBe(200);
    const xsrf = (await admin.storageState()).cookies.find((c) => c.name === XSRF_COOKIE)?.value;
    const made = await admin.post(`/api/admin/assistants/${assistantId}/identity-secret`, {
      headers: { [XSRF_HEADER]: decodeURIComponent(xsrf ?? '') },
    });
    expect(made.status()).toBe(201);
    const { identity_secret: secret } = (await made.json()) as { identity_secret: string };
    const email = `signed-in-${Date.now()}@example.com`;
    const userHash = createHmac('sha256', secret).update(email).digest('hex');

    const visitor = await open('/', { storageState: undefined });
    await visitor.evaluate(
      ({ email, userHash }) =>
        (window as unknown as { ChatWidget: { identify(d: object): void } }).ChatWidget.identify({
          name: 'Grace Hopper',
          email,
          user_hash: userHash,
        }),
      { email, userHash },
    );
    const sent: string[] = [];
    visitor.on('request', (r) => {
      if (r.url().endsWith('/api/chat/stream') && r.method() === 'POST')
        sent.push(r.postData() ?? '');
    });
    await launcher(visitor).click();
    await composer(visitor).fill('What is a candlestick chart?');
    await composer(visitor).press('Enter');
    // The lead holds what the site vouched for, without the visitor typing it, once the turn is done.
    type LeadPage = { leads: { fields: Record<string, string> }[] };
    let leads: LeadPage = { leads: [] };
    for (let tries = 0; tries < 150 && leads.leads.length === 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      leads = (await (
        await admin.get(`/api/leads?q=${encodeURIComponent(email)}`)
      ).json()) as LeadPage;
    }
    expect(sent.map((body) => JSON.parse(body).identity)).toEqual([
      { name: 'Grace Hopper', email, user_hash: userHash },
    ]);
    expect(leads.leads).toHaveLength(1);
    expect(leads.leads[0].fields).toMatchObject({ email, name: 'Grace Hopper' });
    await visitor.context().close();
    await admin.dispose();
  });

  it('fills a phone screen when open', async () => {
    // Without the panel's entrance animation, its box is where it stays.
    const phone = await open('/', {
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      reducedMotion: 'reduce',
    });
    await launcher(phone).click();
    await composer(phone).waitFor();
    const box = await phone.locator('chat-widget section.panel').boundingBox();
    const viewport = await phone.evaluate(() => ({
      top: window.visualViewport?.offsetTop ?? 0,
      height: window.visualViewport?.height ?? 0,
    }));
    // The panel is the visual viewport (which a keyboard would shrink), the whole phone screen here.
    expect(box).toMatchObject({ x: 0, width: PHONE.width });
    expect(box?.y).toBeCloseTo(viewport.top, 0);
    expect(box?.height).toBeCloseTo(viewport.height, 0);
    expect(viewport.height).toBeCloseTo(PHONE.height, 0);
    const composerBox = await composer(phone).boundingBox();
    expect((composerBox?.y ?? 0) + (composerBox?.height ?? 0)).toBeLessThanOrEqual(PHONE.height);
    await screenshot(phone, 'widget-phone');
    await phone.context().close();
  });

  it('is served cacheable and compressed, and measures within the loader budget', async () => {
    const loader = await fetch(`${apiOrigin}/widget.js`, {
      headers: { 'Accept-Encoding': 'br, gzip' },
    });
    expect(loader.status).toBe(200);
    expect(loader.headers.get('cache-control')).toBe('public, max-age=300');
    expect(loader.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const entry = /widget\/main-[A-Z0-9]{8}\.js/.exec(await loader.text())?.[0] as string;
    const module = await fetch(`${apiOrigin}/${entry}`, { headers: { 'Accept-Encoding': 'br' } });
    expect(module.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(module.headers.get('content-encoding')).toBe('br');
    expect(module.headers.get('access-control-allow-origin')).toBe('*');

    const dist = join(process.cwd(), 'dist/apps/widget');
    const gz = (path: string) => gzipSync(readFileSync(path), { level: 9 }).length;
    const files = readdirSync(join(dist, 'widget')).filter((name) => name.endsWith('.js'));
    const sizes = Object.fromEntries([
      ['widget.js', gz(join(dist, 'widget.js'))],
      ...files.map((name) => [`widget/${name}`, gz(join(dist, 'widget', name))]),
    ]);
    console.log(
      `widget sizes (gzip -9, bytes): ${Object.entries(sizes)
        .map(([name, bytes]) => `${name} ${bytes}`)
        .join(', ')}`,
    );
    expect(sizes['widget.js']).toBeLessThanOrEqual(5 * 1024);
  });
});
