import {
  type BuiltApiProcess,
  freePort,
  ScratchDirs,
  spawnBuiltApi,
  stopProcess,
  waitFor,
  waitForHttp,
} from '@chat/test-support';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { DESKTOP, lastReply, PHONE, portalBrowser, send } from './support/browser';

/**
 * What a visitor meets beyond the happy path, on the real API: a message that could not go, a
 * rate limit, writing while a reply streams, copying, regenerating, and an instance that dies
 * mid-reply. The API on the fake model is the suite's; the demo-model API here is this file's
 * own, so that it may be killed and rate limited without touching the other suites.
 */
describe('the visitor', () => {
  const modelApi = () => process.env['WEB_E2E_MODEL_API'] as string;
  const scratch = new ScratchDirs();
  const dataDir = scratch.make('web-e2e-visitor-data-');
  let port = 0;
  let demo: BuiltApiProcess | undefined;
  const demoApi = () => `http://127.0.0.1:${port}`;

  /** This file's API on the demo model, on the same port and database each time it starts. */
  async function startDemo(): Promise<void> {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !key.startsWith('OPENAI_') && key !== 'DATABASE_URL',
      ),
    );
    demo = spawnBuiltApi(
      {
        ...inherited,
        LOG_LEVEL: 'warn',
        DATA_DIR: dataDir,
        MAIL_OUTBOX_DIR: scratch.make('web-e2e-visitor-outbox-'),
        PORT: String(port),
        HOST: '127.0.0.1',
        DEMO_MODEL_WORD_DELAY_MS: '40',
        // Three messages per session per window: the fourth waits, and is sent when it ends.
        RATE_LIMIT_SESSION_MESSAGES: '3',
        RATE_LIMIT_WINDOW_MS: '20000',
      },
      { passStderr: true },
    );
    await waitForHttp(`${demoApi()}/api/health/ready`, { timeoutMs: 60_000 });
  }

  beforeAll(async () => {
    port = await freePort();
    await startDemo();
  }, 90_000);

  afterAll(async () => {
    await stopProcess(demo?.child);
    scratch.removeAll();
  });

  const onModel = portalBrowser(modelApi);
  const onDemo = portalBrowser(demoApi);
  let page: Page;
  const userBubbles = () => page.locator('chat-finished-message .user');

  it('marks a message that could not go as not delivered, and sends it by itself back online', async () => {
    page = await onModel.open();
    await page.context().setOffline(true);
    await page.getByRole('status').filter({ hasText: "You're offline" }).waitFor();
    await send(page, 'What is momentum trading?');
    await page.locator('.delivery', { hasText: 'Waiting to send' }).waitFor();

    await page.context().setOffline(false);
    await lastReply(page).getByText('That is the short answer.').waitFor();
    await expect(page.locator('.delivery').count()).resolves.toBe(0);
    await expect(page.getByText("You're offline").count()).resolves.toBe(0);
    await expect(userBubbles().count()).resolves.toBe(1);

    // Refused on the way (the connection breaks before the server answers): Retry on the bubble.
    await page.route('**/api/chat/stream', (route) => route.abort('connectionreset'), { times: 1 });
    await send(page, 'And swing trading?');
    const bubble = page.locator('.delivery', { hasText: 'Not delivered' });
    await bubble.waitFor();
    await bubble.getByRole('button', { name: 'Retry' }).click();
    await expect(lastReply(page).textContent()).resolves.toBeTruthy();
    await page.locator('chat-finished-message .assistant').nth(1).waitFor();
    await expect(page.locator('.delivery').count()).resolves.toBe(0);
    await expect(userBubbles().allTextContents()).resolves.toEqual([
      expect.stringContaining('What is momentum trading?'),
      expect.stringContaining('And swing trading?'),
    ]);
  });

  it('tells a rate-limited visitor when the message will go, without blaming them, and sends it then', async () => {
    // (Its budget is this file's API's: three messages per session per 20 s.)
    page = await onDemo.open();
    // Four messages, each reply stopped as soon as it starts (the budget counts messages; the
    // first, sent before the session had its token, is counted apart from the next three).
    for (const [index, text] of [
      'Momentum?',
      'Swing trading?',
      'Day trading?',
      'Risk?',
    ].entries()) {
      await send(page, text);
      await page.locator('chat-streaming-reply .cursor').waitFor();
      await page.keyboard.press('Escape');
      await page
        .locator('chat-finished-message .assistant')
        .nth(index)
        .getByText('Stopped')
        .waitFor();
    }
    await send(page, 'What is leverage?');
    const notice = page.getByRole('alert');
    await notice
      .getByText(/We're receiving many messages; yours will be sent in \d+ s\./)
      .waitFor();
    const first = Number((await notice.textContent())?.match(/in (\d+) s/)?.[1]);
    await page.locator('.delivery', { hasText: 'Waiting to send' }).waitFor();
    // It counts down, live.
    await notice.getByText(`yours will be sent in ${first - 1} s`).waitFor({ timeout: 3000 });
    await page.locator('chat-finished-message .assistant').nth(4).waitFor({ timeout: 25_000 });
    await expect(lastReply(page).textContent()).resolves.toContain('Leverage');
    await expect(notice.count()).resolves.toBe(0);
    await expect(userBubbles().count()).resolves.toBe(5);
  }, 60_000);

  it('lets the visitor write while a reply streams; Esc stops it; the next message then goes', async () => {
    page = await onModel.open();
    await send(page, 'Tell me a slow story');
    await page.locator('chat-streaming-reply').getByText('Paragraph 2 ').waitFor();
    const input = page.getByRole('textbox', { name: 'Your message' });
    await expect(input.getAttribute('dir')).resolves.toBe('auto');
    await input.fill('What is a stop-loss?');
    await input.press('Enter'); // sending waits for the reply
    await expect(input.inputValue()).resolves.toBe('What is a stop-loss?');
    await expect(userBubbles().count()).resolves.toBe(1);

    await page.keyboard.press('Escape');
    await lastReply(page).getByText('Stopped').waitFor();
    await input.press('Enter');
    await userBubbles().nth(1).waitFor();
    await expect(input.inputValue()).resolves.toBe('');
  });

  it('counts characters near the limit and asks to shorten a longer message rather than cut it', async () => {
    page = await onModel.open();
    const input = page.getByRole('textbox', { name: 'Your message' });
    await input.fill('a'.repeat(3950));
    await page.locator('.counter', { hasText: '3,950 / 4,000' }).waitFor();
    await input.fill('a'.repeat(4100));
    await expect(input.inputValue()).resolves.toHaveLength(4100);
    await page.getByText('shorten your message by 100 characters').waitFor();
    await expect(page.getByRole('button', { name: 'Send' }).isDisabled()).resolves.toBe(true);
  });

  it('copies a reply as written and a code block as code', async () => {
    page = await onModel.open();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await send(page, 'What is momentum trading?');
    const reply = lastReply(page);
    await reply.getByText('That is the short answer.').waitFor();
    const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

    await reply.getByRole('button', { name: 'Copy code' }).click();
    await expect(clipboard()).resolves.toBe(
      'def signal(prices):\n    return prices[-1] > prices[-20]',
    );
    await reply.locator('.copy-code', { hasText: 'Copied' }).waitFor();

    await reply.getByRole('button', { name: 'Copy', exact: true }).click();
    const transcript = await sessionOf(page, modelApi());
    await expect(clipboard()).resolves.toBe(transcript.messages.at(-1)?.content);
    await expect(clipboard()).resolves.toContain('**buying what is rising**');
  });

  it('regenerates the last reply in its place, also after a reload', async () => {
    page = await onModel.open();
    await send(page, 'What is momentum trading?');
    await lastReply(page).getByText('That is the short answer.').waitFor();
    const before = await sessionOf(page, modelApi());

    await lastReply(page).getByRole('button', { name: 'Regenerate' }).click();
    await page.locator('chat-streaming-reply').waitFor();
    await lastReply(page).getByText('That is the short answer.').waitFor();
    await expect(page.locator('chat-finished-message .assistant').count()).resolves.toBe(1);
    const after = await sessionOf(page, modelApi());
    expect(after.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(after.messages[1].id).not.toBe(before.messages[1].id);

    await page.reload();
    await lastReply(page).getByText('That is the short answer.').waitFor();
    await expect(userBubbles().count()).resolves.toBe(1);
  });

  it.each([
    ['desktop, light', DESKTOP, 'light'],
    ['phone, dark', PHONE, 'dark'],
  ] as const)(
    'has no accessibility violations with every notice showing (%s)',
    async (_name, viewport, colorScheme) => {
      page = await onModel.open(viewport, { colorScheme });
      await send(page, 'What is momentum trading?');
      await lastReply(page).getByText('That is the short answer.').waitFor();
      await page.context().setOffline(true);
      await send(page, 'And swing trading?');
      await page.locator('.delivery', { hasText: 'Waiting to send' }).waitFor();
      await page.getByRole('alert').waitFor();

      const { violations } = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
        .analyze();
      expect(
        violations.map(
          ({ id, nodes }) => `${id}: ${nodes.map((n) => n.target.join(' ')).join(', ')}`,
        ),
      ).toEqual([]);
    },
  );

  it('says a reply was interrupted when its instance died, keeps the conversation and regenerates it', async () => {
    page = await onDemo.open();
    await send(page, 'What is momentum trading?');
    await lastReply(page).waitFor();
    await page.getByRole('button', { name: 'Send' }).waitFor();

    await send(page, 'What is risk management?');
    await page.locator('chat-streaming-reply .cursor').waitFor();
    await stopProcess(demo?.child, { signal: 'SIGKILL' });
    await startDemo();

    const alert = page.getByRole('alert');
    await alert.getByText('The reply was interrupted').waitFor({ timeout: 45_000 });
    await expect(page.getByText('no longer available').count()).resolves.toBe(0);
    await expect(userBubbles().count()).resolves.toBe(2);
    await alert.getByRole('button', { name: 'Regenerate' }).click();
    // The new reply, whole: written, finished, and not the interrupted one's words.
    await page.locator('chat-streaming-reply').waitFor();
    await page.getByRole('button', { name: 'Send' }).waitFor();
    const second = page.locator('chat-finished-message .assistant').nth(1);
    await second.getByText('Risk management').first().waitFor();
    await expect(second.getByText('Interrupted').count()).resolves.toBe(0);
    await expect(alert.count()).resolves.toBe(0);
    // The reply is stored as its turn completes, which may be a moment after the page shows it.
    let transcript = await sessionOf(page, demoApi());
    await waitFor(
      async () => {
        transcript = await sessionOf(page, demoApi());
        return transcript.messages.length >= 4;
      },
      10_000,
      100,
    ).catch(() => undefined);
    expect(transcript.messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
  }, 120_000);
});

/** The conversation as the API stores it, read with the session's own token from the page. */
async function sessionOf(
  page: Page,
  api: string,
): Promise<{ messages: { id: string; role: string; content: string }[] }> {
  const { id, token } = await page.evaluate(() => {
    const stored = JSON.parse(localStorage.getItem('chat.session_token') ?? '{}') as {
      token?: string;
    };
    return { id: localStorage.getItem('chat.session_id') ?? '', token: stored.token ?? '' };
  });
  const response = await fetch(`${api}/api/chat/sessions/${id}`, {
    headers: { 'X-Session-Token': token },
  });
  expect(response.status).toBe(200);
  return response.json();
}
