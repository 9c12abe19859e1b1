import type { AssistantDetail, AssistantProfile } from '@chat/contracts';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DESKTOP, launchBrowser, lastReply, send } from './support/browser';
import { FIRST_ADMIN } from './support/staff';

/**
 * A second assistant on the demo-model API, as a visitor and staff meet it: published through
 * the admin API, chatted with at `/chat/second` in a conversation of its own (kept across a
 * reload, apart from the default assistant's at `/`), an unknown id not available, and its lead
 * under its own filter in the staff inbox. The tests run in order, each going on from the last.
 */
describe('an assistant of its own at /chat/:assistantId', () => {
  const api = () => process.env['WEB_E2E_DEMO_API'] as string;
  const greeting = 'Hello from the second assistant.';
  const company = `Acme ${Date.now().toString(36)}`;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let staff: Page;
  let visitor: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP, baseURL: api() });
    contexts.push(context);
    return context.newPage();
  }

  /** The `XSRF-TOKEN` cookie's value, to echo as `X-XSRF-TOKEN` from the test itself. */
  async function xsrfToken(page: Page): Promise<string> {
    const cookie = (await page.context().cookies()).find((c) => c.name === 'XSRF-TOKEN');
    if (!cookie) throw new Error('no XSRF-TOKEN cookie');
    return decodeURIComponent(cookie.value);
  }

  const userBubbles = (page: Page) => page.locator('chat-finished-message .user');

  it("publishes a second assistant made from the default's draft, through the admin API", async () => {
    staff = await newPage();
    const login = await staff.request.post('/api/auth/login', { data: FIRST_ADMIN });
    expect(login.status()).toBe(200);
    const headers = { 'X-XSRF-TOKEN': await xsrfToken(staff) };
    const imported = await staff.request.get('/api/admin/assistants/trading-education');
    const { draft } = (await imported.json()) as AssistantDetail;
    const created = await staff.request.post('/api/admin/assistants', {
      headers,
      data: {
        id: 'second',
        draft: {
          ...draft,
          id: 'second',
          name: 'Second assistant',
          greeting,
          fallback_answer: 'The second assistant answers this.',
          knowledge: [],
          fields: [
            {
              name: 'company',
              label: 'Company',
              description: 'The company the visitor works for.',
              kind: 'text',
              required: true,
              question: 'Which company do you work for?',
            },
          ],
        },
      },
    });
    expect(created.status()).toBe(201);
    const published = await staff.request.post('/api/admin/assistants/second/publish', { headers });
    expect(published.status()).toBe(200);
  });

  it('greets with its own greeting, streams its reply, and keeps the conversation across a reload', async () => {
    visitor = await newPage();
    await visitor.goto('/chat/second');
    await visitor.getByRole('heading', { name: 'Second assistant', level: 1 }).waitFor();
    await visitor.getByText(greeting).waitFor();
    await expect(visitor.title()).resolves.toBe('Second assistant');

    const streamed = visitor.waitForResponse((r) => r.url().endsWith('/api/chat/stream'));
    await send(visitor, 'Tell me about the weather');
    const response = await streamed;
    expect(response.headers()['content-type']).toContain('text/event-stream');
    expect(JSON.parse(response.request().postData() ?? '{}')).toMatchObject({
      assistant_id: 'second',
    });
    await lastReply(visitor).getByText('The second assistant answers this.').waitFor();

    await send(visitor, company);
    await visitor.locator('chat-finished-message .assistant').nth(1).waitFor();
    await expect(userBubbles(visitor).count()).resolves.toBe(2);

    await visitor.reload();
    await userBubbles(visitor).nth(1).waitFor();
    await expect(userBubbles(visitor).allTextContents()).resolves.toEqual([
      expect.stringContaining('Tell me about the weather'),
      expect.stringContaining(company),
    ]);
    await expect(visitor.getByText(greeting).count()).resolves.toBeGreaterThan(0);
  });

  it("shows the default assistant's own greeting and a separate conversation at /", async () => {
    const profile = (await (
      await visitor.request.get('/api/chat/profile')
    ).json()) as AssistantProfile;
    expect(profile.greeting).not.toBe(greeting);
    await visitor.goto('/');
    await visitor.getByRole('heading', { name: profile.name, level: 1 }).waitFor();
    await visitor.getByText(profile.greeting.slice(0, 40)).first().waitFor();
    await expect(visitor.getByText(greeting).count()).resolves.toBe(0);
    await expect(userBubbles(visitor).count()).resolves.toBe(0);

    // And the second assistant's conversation is still there.
    await visitor.goto('/chat/second');
    await userBubbles(visitor).nth(1).waitFor();
  });

  it('says an unknown assistant is not available, with no chat to type into', async () => {
    await visitor.goto('/chat/nope');
    await visitor.getByRole('heading', { name: 'This assistant is not available' }).waitFor();
    await expect(visitor.getByRole('textbox', { name: 'Your message' }).count()).resolves.toBe(0);
  });

  it("lists the lead under the second assistant's filter in the staff inbox, labelled with its fields", async () => {
    await staff.goto('/admin');
    await staff.getByRole('heading', { name: 'Leads', level: 1 }).waitFor();
    await staff
      .locator('#lead-assistant option', { hasText: 'Second assistant' })
      .waitFor({ state: 'attached' });
    await staff.selectOption('#lead-assistant', 'second');
    await staff.waitForURL(/[?&]assistant=second/);
    const row = staff.locator('tbody tr', { hasText: company });
    await row.waitFor();
    await expect(row.locator('[data-label="Assistant"]').textContent()).resolves.toContain(
      'Second assistant',
    );
    await row.locator('[data-label="Details"] dt', { hasText: 'Company' }).waitFor();
    // Only its leads: every row is the second assistant's, once the filtered page has replaced
    // the unfiltered one (which lists this lead too); a filter that did not filter times out.
    await staff.waitForFunction(() => {
      const cells = [...document.querySelectorAll('tbody [data-label="Assistant"]')];
      return (
        cells.length > 0 && cells.every((cell) => cell.textContent?.trim() === 'Second assistant')
      );
    });
    await expect(staff.locator('a[download]').getAttribute('href')).resolves.toContain(
      'assistant_id=second',
    );

    await row.getByRole('link').click();
    await staff.locator('[data-assistant]', { hasText: 'Second assistant' }).waitFor();
    await staff.locator('.lead-fields dt', { hasText: 'Company' }).waitFor();
    await expect(staff.locator('[data-field="company"]').textContent()).resolves.toContain(company);
  });

  it("shows under a reply the sources of the assistant's knowledge it was given, also after a reload", async () => {
    const headers = { 'X-XSRF-TOKEN': await xsrfToken(staff) };
    const uploaded = await staff.request.post('/api/admin/assistants/second/knowledge', {
      headers,
      multipart: {
        file: {
          name: 'policies.md',
          mimeType: 'text/markdown',
          buffer: Buffer.from(
            '# Policies\n\n## Refund policy\n\nRefunds are paid within 14 days of a written request to the support desk.\n',
          ),
        },
      },
    });
    expect(uploaded.status()).toBe(201);
    const { id } = (await uploaded.json()) as { id: string };
    for (let tries = 0; tries < 100; tries++) {
      const list = (await (
        await staff.request.get('/api/admin/assistants/second/knowledge')
      ).json()) as {
        id: string;
        status: string;
      }[];
      if (list.find((source) => source.id === id)?.status === 'ready') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    await visitor.goto('/chat/second');
    await send(visitor, 'How long do refunds take?');
    const sources = visitor.locator('chat-finished-message .assistant .sources').last();
    await sources.waitFor({ timeout: 30_000 });
    await expect(lastReply(visitor).innerText()).resolves.toContain('14 days');
    await sources.locator('summary').click();
    await expect(sources.innerText()).resolves.toContain('policies.md');
    await expect(sources.innerText()).resolves.toContain('within 14 days');
    // Kept with the message: the reload's transcript has them too.
    await visitor.reload();
    await visitor
      .locator('chat-finished-message .assistant .sources', { hasText: 'Sources (1)' })
      .last()
      .waitFor();
  });
});
