import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { DESKTOP, lastReply, PHONE, portalBrowser, screenshot, send } from './support/browser';

/** The portal against the API on the fake OpenAI model (see support/fake-model.ts). */
describe('chat portal', () => {
  const api = () => process.env['WEB_E2E_MODEL_API'] as string;
  const portal = portalBrowser(api);
  let page: Page;

  it.each([
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ])('streams a reply into view token by token (%s)', async (name, viewport) => {
    page = await portal.open(viewport);
    await send(page, 'What is momentum trading?');

    await page
      .locator('chat-finished-message .user', { hasText: 'What is momentum trading?' })
      .waitFor();
    const cursor = page.locator('chat-streaming-reply .cursor');
    await cursor.waitFor({ state: 'visible' });
    await page.getByText('The assistant is replying').waitFor();
    await page.locator('chat-streaming-reply').getByText('Cut losses').waitFor();
    await screenshot(page, `mid-stream-${name}`);

    await lastReply(page).getByText('That is the short answer.').waitFor();
    await expect(cursor.count()).resolves.toBe(0);
    await expect(lastReply(page).locator('h2').textContent()).resolves.toBe('Momentum trading');
    await expect(
      lastReply(page).locator('pre code .hljs-keyword').first().textContent(),
    ).resolves.toBe('def');
    await expect(lastReply(page).locator('li').allTextContents()).resolves.toEqual([
      'Follow the trend',
      'Cut losses early',
    ]);
    await page.getByText('Enter to send').waitFor();
  });

  it('asks for no session on a fresh visit and logs no error', async () => {
    const sessionReads: string[] = [];
    const errors: string[] = [];
    page = await portal.open(DESKTOP, {}, (fresh) => {
      fresh.on('request', (request) => {
        if (request.url().includes('/api/chat/sessions/')) sessionReads.push(request.url());
      });
      fresh.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      fresh.on('pageerror', (error) => errors.push(error.message));
    });
    await page.waitForLoadState('networkidle');
    expect(sessionReads).toEqual([]);
    expect(errors).toEqual([]);
  });

  it.each([
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ])(
    "paints the page's frame before its scripts run, in the boxes the chat page then takes (%s)",
    async (_name, viewport) => {
      const browser: Browser = await launchBrowser();
      try {
        const boxes = async (page: Page, selectors: string[]) =>
          Promise.all(
            selectors.map(async (selector) => page.locator(selector).first().boundingBox()),
          );
        const before = await browser.newPage({ viewport });
        await before.route('**/*.js', (route) => route.abort());
        await before.goto(`${api()}/`);
        await before.getByText('Ask a question…').waitFor();
        const shell = await boxes(before, [
          '.shell-header',
          '.shell-input',
          '.shell-send',
          '.shell-hint',
          '.shell-footer',
        ]);

        const after = await browser.newPage({ viewport });
        await after.goto(`${api()}/`);
        await after.getByRole('textbox', { name: 'Your message' }).waitFor();
        await expect(after.locator('.shell').count()).resolves.toBe(0);
        const app = await boxes(after, [
          'header.header',
          'textarea',
          'chat-composer button',
          '.hint',
          '.footer',
        ]);
        for (const [i, box] of app.entries()) {
          for (const side of ['x', 'y', 'width', 'height'] as const) {
            expect(Math.abs((box?.[side] ?? NaN) - (shell[i]?.[side] ?? NaN))).toBeLessThanOrEqual(
              1,
            );
          }
        }
      } finally {
        await browser.close();
      }
    },
  );

  it('stops a reply and keeps what was written', async () => {
    page = await portal.open();
    await send(page, 'Tell me a slow story');
    await page.locator('chat-streaming-reply').getByText('Paragraph 2 ').waitFor();

    await page.getByRole('button', { name: 'Stop' }).click();
    await lastReply(page).getByText('Stopped').waitFor();
    await expect(lastReply(page).textContent()).resolves.not.toContain('End of the long answer.');
    await expect(page.getByRole('button', { name: 'Send' }).isVisible()).resolves.toBe(true);
  });

  it('shows a failed reply and retries it', async () => {
    page = await portal.open();
    await send(page, 'This will fail at first');

    const alert = page.getByRole('alert');
    await alert.getByText('The assistant is unavailable right now').waitFor();
    await alert.getByRole('button', { name: 'Retry' }).click();

    await lastReply(page).getByText('That is the short answer.').waitFor();
    await expect(alert.count()).resolves.toBe(0);
    await expect(page.locator('chat-finished-message .user').count()).resolves.toBe(1);
  });

  it('finishes the reply word for word when the connection drops mid-reply', async () => {
    page = await portal.open();
    const reference = await fullSlowReply(page);

    page = await portal.open();
    const resumes: string[] = [];
    page.on('request', (request) => {
      // The reply's resumes, not the session's live channel (also an `/events`).
      if (request.url().includes('/api/chat/streams/')) resumes.push(request.headers()['last-event-id'] ?? '');
    });
    // The stream's connection delivers the first events, then breaks.
    await page.route('**/api/chat/stream', async (route) => {
      const response = await route.fetch();
      const frames = (await response.text()).split('\n\n');
      await route.fulfill({ response, body: frames.slice(0, 25).join('\n\n') + '\n\n' });
    });
    await send(page, 'Tell me a slow story');

    await lastReply(page).getByText('End of the long answer.').waitFor();
    await expect(lastReply(page).innerText()).resolves.toBe(reference);
    expect(resumes.length).toBeGreaterThan(0);
    expect(Number(resumes[0])).toBeGreaterThan(1);
  });

  it('restores the conversation and the running reply after a reload', async () => {
    page = await portal.open();
    await send(page, 'Tell me a slow story');
    await page.locator('chat-streaming-reply').getByText('Paragraph 2 ').waitFor();

    await page.reload();
    await page
      .locator('chat-finished-message .user', { hasText: 'Tell me a slow story' })
      .waitFor();
    await page.locator('chat-streaming-reply .cursor').waitFor();
    await lastReply(page).getByText('End of the long answer.').waitFor();
    await expect(lastReply(page).textContent()).resolves.toContain('Paragraph 1 explains');
  });

  it('runs nothing and loads nothing remote from a hostile reply, even without the CSP', async () => {
    // The CSP would block remote loads where the API serves the portal; the portal must not
    // depend on it (`nx serve web`, other hosting), so it is off here.
    page = await portal.open(DESKTOP, { bypassCSP: true });
    const remote: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(api())) remote.push(request.url());
    });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await send(page, 'Show me something hostile');
    await lastReply(page).getByText('Safe text at the end.').waitFor();

    const reply = lastReply(page);
    await reply.getByText('Click me').click();
    await reply.hover();
    await page.waitForTimeout(300);
    await expect(
      page.evaluate(() => (window as { __pwned?: unknown }).__pwned),
    ).resolves.toBeUndefined();
    expect(dialogs).toEqual([]);
    await expect(
      reply.locator('script, iframe, [onerror], [onmouseover], [style]').count(),
    ).resolves.toBe(0);
    await expect(reply.locator('a[href^="javascript:"]').count()).resolves.toBe(0);
    expect(page.url()).toBe(`${api()}/`);
    await expect(
      reply.locator('img, video, audio, [background], [srcset], [poster]').count(),
    ).resolves.toBe(0);
    await reply.getByText('[tracking pixel]').waitFor();
    expect(remote).toEqual([]);
  });
});

/** The slow reply as an uninterrupted client shows it. */
async function fullSlowReply(page: Page): Promise<string> {
  await send(page, 'Tell me a slow story');
  await lastReply(page).getByText('End of the long answer.').waitFor();
  const text = await lastReply(page).innerText();
  await page.context().close();
  return text;
}
