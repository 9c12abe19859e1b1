import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { findBrowser } from './find-browser';

export const ARTIFACTS_DIR = join(process.cwd(), 'e2e-artifacts');

/** The installed Chromium (see {@link findBrowser}), headless, with nothing running in the background. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: findBrowser(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** A fresh page (its own storage, so its own session) on the portal served by `baseUrl`. */
export async function openPortal(
  browser: Browser,
  baseUrl: string,
  viewport = DESKTOP,
  options: BrowserContextOptions = {},
  beforeLoad?: (page: Page) => void,
): Promise<Page> {
  const context = await browser.newContext({ viewport, baseURL: baseUrl, ...options });
  const page = await context.newPage();
  // Listeners that must see the page's first requests.
  beforeLoad?.(page);
  await page.goto('/');
  await page.getByRole('textbox', { name: 'Your message' }).waitFor();
  return page;
}

/**
 * A suite's browser: launched before its tests and closed after them. `open` gives a test a
 * fresh page on the portal at `baseUrl()`; the pages a test opened are closed after it.
 */
export function portalBrowser(baseUrl: () => string): {
  open(
    viewport?: typeof DESKTOP,
    options?: BrowserContextOptions,
    beforeLoad?: (page: Page) => void,
  ): Promise<Page>;
} {
  let browser: Browser | undefined;
  let opened: Page[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());
  afterEach(async () => {
    await Promise.all(opened.map((page) => page.context().close()));
    opened = [];
  });
  return {
    async open(viewport = DESKTOP, options = {}, beforeLoad) {
      if (!browser) throw new Error('the browser did not launch');
      const page = await openPortal(browser, baseUrl(), viewport, options, beforeLoad);
      opened.push(page);
      return page;
    },
  };
}

export async function send(page: Page, text: string): Promise<void> {
  const input = page.getByRole('textbox', { name: 'Your message' });
  await input.fill(text);
  await input.press('Enter');
}

/** The text of the last finished assistant reply. */
export function lastReply(page: Page) {
  return page.locator('chat-finished-message .assistant').last();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`) });
}
