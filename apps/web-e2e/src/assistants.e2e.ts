import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { DESKTOP, launchBrowser, screenshot, send } from './support/browser';
import { FIRST_ADMIN, signIn, xsrfToken } from './support/staff';

/**
 * The assistants editor against the API on the demo model: an admin changes the default
 * assistant's greeting, is shown the server's problem beside the control it names, saves, talks
 * to the saved draft in the preview, publishes version 2, and a visitor is greeted by it; an
 * agent reads the editor without a way to change it. The tests run in order, each going on from
 * the last; the default assistant's draft is put back (and published) at the end.
 */
describe('assistants editor', () => {
  const api = () => process.env['WEB_E2E_DEMO_API'] as string;
  const greeting = `Welcome to the edited assistant (${Date.now().toString(36)})!`;
  const agent = {
    email: `reader.${Date.now().toString(36)}@example.com`,
    password: 'an agent password',
  };
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let admin: Page;
  let defaultId: string;
  let originalDraft: Record<string, unknown> | undefined;
  let published = 0;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    // Later suites meet the default assistant as it was.
    if (admin && originalDraft) {
      const headers = { 'X-XSRF-TOKEN': await xsrfToken(admin) };
      await admin.request.put(`/api/admin/assistants/${defaultId}/draft`, {
        data: originalDraft,
        headers,
      });
      if (published > 0)
        await admin.request.post(`/api/admin/assistants/${defaultId}/publish`, { headers });
    }
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
  });

  async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({
      viewport: DESKTOP,
      baseURL: api(),
      acceptDownloads: true,
      ...options,
    });
    contexts.push(context);
    return context.newPage();
  }


  it('lists the assistants and opens the default one in the editor', async () => {
    admin = await newPage();
    await signIn(admin, FIRST_ADMIN);
    await admin
      .getByRole('navigation', { name: 'Staff pages' })
      .getByRole('link', { name: 'Assistants' })
      .click();
    await admin.getByRole('heading', { name: 'Assistants', level: 1 }).waitFor();
    const row = admin.locator('tbody tr', { hasText: 'Default' });
    await row.waitFor();
    defaultId = (await row.getAttribute('data-assistant')) as string;
    expect(defaultId).toBeTruthy();
    await expect(row.locator('[data-label="Live version"]').textContent()).resolves.toContain(
      'Version 1',
    );
    originalDraft = (await (await admin.request.get(`/api/admin/assistants/${defaultId}`)).json())
      .draft;
    await screenshot(admin, 'assistants-list-desktop');

    await row.getByRole('link').click();
    await admin.waitForURL(new RegExp(`/admin/assistants/${defaultId}$`));
    await admin.getByRole('heading', { level: 1 }).waitFor();
    await expect(admin.getByLabel('Greeting').inputValue()).resolves.toBe(
      originalDraft?.['greeting'],
    );
    await expect(admin.getByRole('button', { name: 'Archive' }).count()).resolves.toBe(0);
  });

  it("shows the server's problem beside the control it names, then saves the draft", async () => {
    await admin.getByLabel('Greeting').fill(greeting);
    await admin.locator('[data-dirty]').waitFor();

    const custom = admin.getByLabel("Set the widget's look", { exact: false });
    if (!(await custom.isChecked())) await custom.check();
    const accent = admin.getByLabel('Accent colour', { exact: true });
    // The text box takes what the colour picker cannot: the server is the one to refuse it.
    await accent.fill('blue');
    await admin.getByRole('button', { name: 'Save draft' }).click();

    await expect(
      admin.getByRole('alert').filter({ hasText: 'The draft was not saved' }).textContent(),
    ).resolves.toContain('Accent colour: must be a colour as #rrggbb');
    await expect(accent.getAttribute('aria-invalid')).resolves.toBe('true');
    const describedBy = (await accent.getAttribute('aria-describedby')) ?? '';
    const problemId = describedBy.split(' ').find((id) => id.endsWith('-problem')) as string;
    await expect(admin.locator(`[id="${problemId}"]`).textContent()).resolves.toContain(
      'must be a colour as #rrggbb',
    );
    await screenshot(admin, 'assistant-editor-problem-desktop');

    await accent.fill('#0f766e');
    await admin.getByRole('button', { name: 'Save draft' }).click();
    await admin.getByText('Draft saved.').waitFor();
    await expect(admin.locator('[data-dirty]').count()).resolves.toBe(0);
    await expect(accent.getAttribute('aria-invalid')).resolves.toBeNull();
    const saved = await (await admin.request.get(`/api/admin/assistants/${defaultId}`)).json();
    expect(saved.draft.greeting).toBe(greeting);
    expect(saved.draft.appearance.accent_color).toBe('#0f766e');
    // Keys the form does not show come back as they were.
    expect(saved.draft.knowledge).toEqual(originalDraft?.['knowledge']);
  });

  it('talks to the saved draft in the preview, streaming', async () => {
    const preview = admin.locator('chat-assistant-preview');
    await preview.getByText(greeting).waitFor();
    const body = admin
      .waitForRequest(
        (request) => request.url().endsWith('/api/chat/stream') && request.method() === 'POST',
      )
      .then((request) => ({
        json: request.postDataJSON(),
        xsrf: request.headers()['x-xsrf-token'],
      }));
    const answer = admin.waitForResponse((response) => response.url().endsWith('/api/chat/stream'));
    await send(admin, 'What is momentum trading?');
    const sent = await body;
    expect(sent.json).toEqual(
      expect.objectContaining({
        message: 'What is momentum trading?',
        assistant_id: defaultId,
        preview: true,
      }),
    );
    expect(sent.xsrf).toBeTruthy();
    const response = await answer;
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('text/event-stream');
    // The reply is written word by word before it is finished.
    await preview.locator('chat-streaming-reply').waitFor({ timeout: 10_000 });
    await preview.locator('chat-finished-message .assistant').first().waitFor({ timeout: 20_000 });
    await expect(
      preview.locator('chat-finished-message .assistant').first().textContent(),
    ).resolves.toMatch(/\w{3,}/);
    await screenshot(admin, 'assistant-preview-desktop');
    // A visitor's conversation in this browser is left alone.
    await expect(
      admin.evaluate(() => localStorage.getItem('chat.session_token')),
    ).resolves.toBeNull();

    await preview.getByRole('button', { name: 'Restart' }).click();
    await preview.locator('chat-finished-message').first().waitFor({ state: 'detached' });
    await preview.getByText(greeting).waitFor();
  });

  it('publishes version 2 after the confirmation, and a visitor is greeted by it', async () => {
    await admin.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = admin.getByRole('dialog', { name: 'Publish version 2?' });
    await dialog.getByText('New conversations will use it').waitFor();
    await dialog.getByRole('button', { name: 'Publish' }).click();
    published += 1;
    await admin.getByText('Version 2 is live').waitFor();
    const live = admin.locator('[data-version="2"]');
    await expect(live.textContent()).resolves.toContain('Live');
    await expect(live.textContent()).resolves.toContain(FIRST_ADMIN.email);
    await expect(admin.locator('[data-version="1"]').textContent()).resolves.not.toContain('Live');
    await screenshot(admin, 'assistant-versions-desktop');

    const description = await (await admin.request.get(`/api/assistants/${defaultId}`)).json();
    expect(description).toEqual(expect.objectContaining({ version: 2, greeting }));
    const visitor = await newPage();
    await visitor.goto('/');
    await visitor.getByText(greeting).waitFor();
  });

  it('shows an agent the editor read only', async () => {
    const created = await admin.request.post('/api/admin/users', {
      data: { email: agent.email, password: agent.password, role: 'agent' },
      headers: { 'X-XSRF-TOKEN': await xsrfToken(admin) },
    });
    expect(created.status()).toBe(201);

    const page = await newPage({ colorScheme: 'dark' });
    await signIn(page, agent);
    await page.getByRole('link', { name: 'Assistants' }).click();
    await page.locator('tbody tr', { hasText: 'Default' }).getByRole('link').click();
    await page.getByText('only an admin can change it').waitFor();
    const greetingBox = page.getByLabel('Greeting');
    await expect(greetingBox.inputValue()).resolves.toBe(greeting);
    await expect(greetingBox.getAttribute('readonly')).resolves.not.toBeNull();
    await expect(page.getByLabel('Kind').first().isDisabled()).resolves.toBe(true);
    for (const name of [
      'Save draft',
      'Publish',
      'Archive',
      'Add a field',
      'Restore version 1',
      'Make an identity secret',
    ])
      await expect(page.getByRole('button', { name }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Export YAML' }).waitFor();
    // The API runs a draft for admins only.
    await expect(page.locator('chat-assistant-preview').count()).resolves.toBe(0);
    await screenshot(page, 'assistant-editor-agent-dark');
  });

  it('gives the tag to paste, and makes an identity secret shown once', async () => {
    await admin.goto(`/admin/assistants/${defaultId}`);
    const install = admin.getByRole('region', { name: 'Install on a website' });
    await expect(install.locator('#install-snippet').textContent()).resolves.toBe(
      `<script src="${new URL(api()).origin}/widget.js" data-assistant="${defaultId}" async></script>`,
    );
    await expect(install.textContent()).resolves.toContain('Identity verification: off');
    await install.getByRole('button', { name: 'Make an identity secret' }).click();
    const secret = install.locator('#install-secret');
    await secret.waitFor();
    await expect(secret.textContent()).resolves.toMatch(/^idv_[A-Za-z0-9_-]{43}$/);
    await expect(install.textContent()).resolves.toContain('Identity verification: on');
    // Made once, shown once: the editor read again says only that there is one.
    await admin.reload();
    await admin
      .getByRole('region', { name: 'Install on a website' })
      .getByRole('button', { name: 'Make a new secret' })
      .waitFor();
    await expect(admin.locator('#install-secret').count()).resolves.toBe(0);
  });
  it("shows the real widget on a sample page: the form's colours, the greeting, a streamed reply", async () => {
    const install = admin.getByRole('region', { name: 'Install on a website' });
    // The page in the frame loads /widget.js from this API, as a website does.
    const site = install.frameLocator('iframe.site-frame');
    const launcher = site.locator('chat-widget button.launcher');
    await launcher.waitFor({ timeout: 15_000 });
    await expect(launcher.innerText()).resolves.toContain('Chat with us');
    const background = () =>
      launcher.evaluate((button) => getComputedStyle(button).backgroundColor);
    const becomes = async (colour: string) => {
      for (let tries = 0; tries < 50 && (await background()) !== colour; tries += 1)
        await new Promise((resolve) => setTimeout(resolve, 100));
      await expect(background()).resolves.toBe(colour);
    };
    await becomes('rgb(15, 118, 110)');
    // The form as it stands, unsaved: the widget follows it without reloading.
    const accent = admin.getByLabel('Accent colour', { exact: true });
    await accent.fill('#b91c1c');
    await becomes('rgb(185, 28, 28)');
    await accent.fill('#0f766e');
    await becomes('rgb(15, 118, 110)');
    await expect(admin.locator('[data-dirty]').count()).resolves.toBe(0);

    // The launcher is fixed in the frame's viewport: the whole frame is brought into the page's.
    await install
      .locator('iframe.site-frame')
      .evaluate((frame) => frame.scrollIntoView({ block: 'center' }));
    await launcher.click();
    await site.getByText(greeting).waitFor();
    const composer = site.getByRole('textbox', { name: 'Your message' });
    await composer.fill('What is momentum trading?');
    await composer.press('Enter');
    await site.locator('chat-widget chat-streaming-reply').waitFor({ timeout: 10_000 });
    await site
      .locator('chat-widget chat-streaming-reply')
      .waitFor({ state: 'detached', timeout: 30_000 });
    const reply = await site.locator('chat-widget article.message.assistant').last().innerText();
    expect(reply.length).toBeGreaterThan(10);
    await screenshot(admin, 'assistant-install-widget-desktop');
  });

  it('creates an assistant from a copy of the default, exports it, imports the file as another and archives that one', async () => {
    const stamp = Date.now().toString(36);
    await admin.goto('/admin/assistants');
    await admin.getByRole('heading', { name: 'New assistant' }).waitFor();
    await admin.getByLabel('Id', { exact: true }).fill(`copy-${stamp}`);
    await admin.getByLabel('Name', { exact: true }).fill('Copy of the default');
    await admin.getByRole('button', { name: 'Create assistant' }).click();
    await admin.waitForURL(new RegExp(`/admin/assistants/copy-${stamp}$`));
    await admin.getByRole('heading', { name: 'Copy of the default', level: 1 }).waitFor();
    await expect(admin.getByLabel('Greeting').inputValue()).resolves.toBe(greeting);
    await admin.getByText('Draft only').waitFor();

    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      admin.getByRole('button', { name: 'Export YAML' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`copy-${stamp}.yaml`);
    const file = await download.path();
    expect(readFileSync(file, 'utf8')).toContain(`id: copy-${stamp}`);

    await admin.getByRole('link', { name: 'Assistants', exact: true }).first().click();
    await admin.getByLabel('A profile file (YAML)').check();
    await admin.getByLabel('Id', { exact: true }).fill(`imported-${stamp}`);
    await admin.getByLabel('Profile file', { exact: true }).setInputFiles(file);
    await admin.getByRole('button', { name: 'Create assistant' }).click();
    await admin.waitForURL(new RegExp(`/admin/assistants/imported-${stamp}$`));
    await admin.getByRole('heading', { name: 'Copy of the default', level: 1 }).waitFor();

    await admin.getByRole('button', { name: 'Archive' }).click();
    await admin
      .getByRole('dialog', { name: 'Archive this assistant?' })
      .getByRole('button', { name: 'Archive' })
      .click();
    await admin.waitForURL(/\/admin\/assistants$/);
    await admin
      .locator(`tbody tr[data-assistant="imported-${stamp}"]`, { hasText: 'Archived' })
      .waitFor();
    await admin
      .locator(`tbody tr[data-assistant="copy-${stamp}"]`, { hasText: 'Draft only' })
      .waitFor();
  });
  it('asks before leaving unsaved changes, and publishes version 1 again after the confirmation, keeping the form as it is', async () => {
    await admin.goto(`/admin/assistants/${defaultId}`);
    await admin.getByLabel('Greeting').fill('Not kept');
    const question = new Promise<string>((resolve) =>
      admin.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.dismiss();
      }),
    );
    await admin
      .getByRole('navigation', { name: 'Staff pages' })
      .getByRole('link', { name: 'Leads' })
      .click();
    await expect(question).resolves.toBe(
      'Leave this assistant? Your unsaved changes will be lost.',
    );
    expect(new URL(admin.url()).pathname).toBe(`/admin/assistants/${defaultId}`);

    await admin.getByRole('button', { name: 'Restore version 1' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Restore version 1?' });
    await dialog.getByText('It is published again, as version 3').waitFor();
    await dialog.getByRole('button', { name: 'Restore' }).click();
    published += 1;
    await admin.getByText('Version 1 is live again, as version 3').waitFor();
    await expect(admin.locator('[data-version="3"]').textContent()).resolves.toContain('Live');
    await expect(admin.getByLabel('Greeting').inputValue()).resolves.toBe('Not kept');
    await admin.locator('[data-dirty]').waitFor();
    const description = await (await admin.request.get(`/api/assistants/${defaultId}`)).json();
    expect(description).toEqual(
      expect.objectContaining({ version: 3, greeting: originalDraft?.['greeting'] }),
    );
  });
});
