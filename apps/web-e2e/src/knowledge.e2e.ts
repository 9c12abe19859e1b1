import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { DESKTOP, launchBrowser, screenshot, send } from './support/browser';
import { FIRST_ADMIN, signIn, xsrfToken } from './support/staff';

/**
 * The assistant editor's Knowledge panel against the API on the demo model: an admin adds files
 * to the default assistant by the file input (several at once, each refused or accepted on its
 * own) and by dropping one, sees them become ready while the list is followed, tries a question,
 * a visitor's reply names the passage in the staff's view of the lead, an agent reads the panel
 * without a way to change it, and the admin deletes the documents. The tests run in order, each
 * going on from the last; whatever is left is deleted at the end, for later suites.
 */
describe('assistant knowledge', () => {
  const api = () => process.env['WEB_E2E_DEMO_API'] as string;
  const stamp = Date.now().toString(36);
  const factFile = `quillfeather-hours-${stamp}.md`;
  const droppedFile = `quillfeather-parking-${stamp}.md`;
  const agent = { email: `knowledge.${stamp}@example.com`, password: 'an agent password' };
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let admin: Page;
  let defaultId: string;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    if (admin && defaultId) {
      const headers = { 'X-XSRF-TOKEN': await xsrfToken(admin) };
      const left = await (await admin.request.get(knowledgeUrl())).json();
      for (const source of Array.isArray(left) ? left : [])
        await admin.request.delete(`${knowledgeUrl()}/${source.id}`, { headers });
    }
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
  });

  const knowledgeUrl = () => `/api/admin/assistants/${defaultId}/knowledge`;

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP, baseURL: api() });
    contexts.push(context);
    return context.newPage();
  }


  function panel(page: Page): Locator {
    return page.getByRole('region', { name: 'Knowledge' });
  }

  function row(page: Page, title: string): Locator {
    return panel(page).locator('tr[data-source]', { hasText: title });
  }

  it('adds several files at once from the file input: each is sent on its own, refused or read', async () => {
    admin = await newPage();
    await signIn(admin, FIRST_ADMIN);
    const assistants = await (await admin.request.get('/api/admin/assistants')).json();
    defaultId = assistants.find((a: { is_default: boolean }) => a.is_default).id;
    await admin.goto(`/admin/assistants/${defaultId}`);
    const knowledge = panel(admin);
    await knowledge.getByText('No documents yet').waitFor();

    await knowledge.getByLabel('Add files').setInputFiles([
      {
        name: factFile,
        mimeType: 'text/markdown',
        buffer: Buffer.from(
          '# Opening hours\n\nThe Quillfeather office opens at 7:45 on weekdays, and its support line answers in Esperanto on Fridays.\n',
        ),
      },
      // A PNG named as a PDF: judged by its content, it is refused at once.
      {
        name: `report-${stamp}.pdf`,
        mimeType: 'application/pdf',
        buffer: Buffer.from([
          0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0xff, 0xfe,
        ]),
      },
      // Past the server's limit (1 MiB for this API, see global-setup.ts).
      {
        name: `huge-${stamp}.txt`,
        mimeType: 'text/plain',
        buffer: Buffer.alloc(1024 * 1024 + 1, 'a'),
      },
      // A PDF by its first bytes only: accepted, then failed by the job.
      {
        name: `damaged-${stamp}.pdf`,
        mimeType: 'application/pdf',
        buffer: Buffer.concat([
          Buffer.from('%PDF-1.7\n'),
          Buffer.from([0, 1, 2, 0xff, 0xfe, 3, 4]),
        ]),
      },
    ]);

    const refused = knowledge.locator(`[data-upload="report-${stamp}.pdf"]`);
    await expect(refused.getByRole('alert').textContent()).resolves.toContain(
      'This is an unsupported file',
    );
    // Followed without a reload until the jobs end.
    const ready = row(admin, factFile);
    await ready.and(admin.locator('[data-status="ready"]')).waitFor({ timeout: 10_000 });
    expect(Number(await ready.locator('[data-chunks]').textContent())).toBeGreaterThan(0);
    await expect(ready.locator('[data-label="Type"]').textContent()).resolves.toContain('Markdown');
    await expect(ready.locator('[data-label="Size"]').textContent()).resolves.toMatch(/\d+ bytes/);
    await expect(ready.locator('[data-label="Added"]').textContent()).resolves.toContain(
      FIRST_ADMIN.email,
    );
    const failed = row(admin, `damaged-${stamp}.pdf`);
    await failed.and(admin.locator('[data-status="failed"]')).waitFor({ timeout: 10_000 });
    await expect(failed.locator('[data-reason]').textContent()).resolves.toContain(
      'The PDF could not be read',
    );
    await expect(
      knowledge.locator(`[data-upload="huge-${stamp}.txt"]`).getByRole('alert').textContent(),
    ).resolves.toContain('Too large');
    for (const name of [`report-${stamp}.pdf`, `huge-${stamp}.txt`])
      await expect(row(admin, name).count()).resolves.toBe(0);
    await knowledge.scrollIntoViewIfNeeded();
    await screenshot(admin, 'assistant-knowledge-desktop');
  });

  it('adds a file dropped on the drop zone', async () => {
    await admin.evaluate(
      ({ name, text }) => {
        const zone = document.querySelector('[data-drop-zone]');
        if (!zone) throw new Error('no drop zone');
        const data = new DataTransfer();
        data.items.add(new File([text], name, { type: 'text/markdown' }));
        for (const type of ['dragenter', 'dragover', 'drop'])
          zone.dispatchEvent(
            new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }),
          );
      },
      {
        name: droppedFile,
        text: '# Parking\n\nVisitors to Quillfeather park in the blue garage on Marrow Street.\n',
      },
    );
    await row(admin, droppedFile)
      .and(admin.locator('[data-status="ready"]'))
      .waitFor({ timeout: 10_000 });
  });

  it('adds a web page by its address, shows why it could not be fetched, and fetches it again', async () => {
    const knowledge = panel(admin);
    // The API's own address is a loopback one, which the outbound guard refuses.
    const address = `${new URL(api()).origin}/knowledge-${stamp}`;
    await knowledge.getByLabel('Add a web page').fill(address);
    await knowledge.getByRole('button', { name: 'Add page' }).click();
    const page = row(admin, address);
    await page.and(admin.locator('[data-status="failed"]')).waitFor({ timeout: 10_000 });
    await expect(page.locator('[data-label="Type"]').textContent()).resolves.toContain('Web page');
    await expect(page.locator('[data-reason]').textContent()).resolves.toContain(
      'internal addresses are refused',
    );
    await page.getByRole('button', { name: `Fetch again ${address}` }).click();
    await knowledge.getByText('is being fetched again').waitFor();
    await page.and(admin.locator('[data-status="failed"]')).waitFor({ timeout: 10_000 });
    await admin.request.delete(`${knowledgeUrl()}/${await page.getAttribute('data-source')}`, {
      headers: { 'X-XSRF-TOKEN': await xsrfToken(admin) },
    });
  });

  it('tries a question: the passages a reply would use, with their scores, or none', async () => {
    const knowledge = panel(admin);
    await knowledge
      .getByRole('searchbox', { name: 'Question' })
      .fill('When does the Quillfeather office open?');
    await knowledge.getByRole('button', { name: 'Find passages' }).click();
    const first = knowledge.locator('[data-passage]').first();
    await first.waitFor();
    await expect(first.textContent()).resolves.toContain(factFile);
    await expect(first.textContent()).resolves.toContain('Opening hours');
    await expect(first.textContent()).resolves.toContain('opens at 7:45');
    await expect(first.locator('[data-score]').textContent()).resolves.toMatch(/Score \d+\.\d\d$/);

    await knowledge.getByRole('searchbox', { name: 'Question' }).fill('xylophone zeppelin');
    await knowledge.getByRole('button', { name: 'Find passages' }).click();
    await knowledge.getByText('No passage matches').waitFor();
  });

  it("shows the passages a visitor's reply used in the staff's view of the lead", async () => {
    const visitor = await newPage();
    await visitor.goto('/');
    await send(visitor, 'When does the Quillfeather office open?');
    const reply = visitor.locator('chat-finished-message .assistant').first();
    await reply.waitFor({ timeout: 20_000 });
    await visitor.getByRole('button', { name: 'Send' }).waitFor();
    // A name of letters only, as a name is.
    const name = `Ada Quill${stamp.replace(/\d/g, (digit) => 'abcdefghij'[Number(digit)])}`;
    await send(visitor, `My name is ${name}`);
    await visitor.locator('chat-finished-message .assistant').nth(1).waitFor({ timeout: 20_000 });

    let leadId: string | undefined;
    for (let tries = 0; !leadId && tries < 20; tries += 1) {
      const found = await admin.request.get(`/api/leads?q=${encodeURIComponent(name)}`);
      leadId = (await found.json()).leads?.[0]?.id;
      if (!leadId) await admin.waitForTimeout(250);
    }
    if (!leadId) throw new Error(`no lead named ${name}`);
    await admin.goto(`/admin/leads/${leadId}`);
    const sources = admin.locator('chat-finished-message details.sources').first();
    await expect(sources.locator('summary').textContent()).resolves.toMatch(/Sources \(\d\)/);
    await sources.locator('summary').click();
    await expect(sources.textContent()).resolves.toContain(factFile);
  });

  it('shows an agent the documents and lets them try a question, without a way to change them', async () => {
    const created = await admin.request.post('/api/admin/users', {
      data: { email: agent.email, password: agent.password, role: 'agent' },
      headers: { 'X-XSRF-TOKEN': await xsrfToken(admin) },
    });
    expect(created.status()).toBe(201);
    const page = await newPage();
    await signIn(page, agent);
    await page.goto(`/admin/assistants/${defaultId}`);
    await row(page, factFile).waitFor();
    const knowledge = panel(page);
    await expect(knowledge.getByLabel('Add files').count()).resolves.toBe(0);
    await expect(knowledge.locator('[data-drop-zone]').count()).resolves.toBe(0);
    await expect(knowledge.getByLabel('Add a web page').count()).resolves.toBe(0);
    await expect(knowledge.getByRole('button', { name: /^Delete/ }).count()).resolves.toBe(0);
    await knowledge.getByRole('searchbox', { name: 'Question' }).fill('Where do visitors park?');
    await knowledge.getByRole('button', { name: 'Find passages' }).click();
    await expect(knowledge.locator('[data-passage]').first().textContent()).resolves.toContain(
      droppedFile,
    );
  });

  it('deletes the documents after the confirmation that names each', async () => {
    await admin.goto(`/admin/assistants/${defaultId}`);
    for (const title of [factFile, droppedFile, `damaged-${stamp}.pdf`]) {
      await row(admin, title)
        .getByRole('button', { name: `Delete ${title}` })
        .click();
      const dialog = admin.getByRole('dialog', { name: `Delete ${title}?` });
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await row(admin, title).waitFor({ state: 'detached' });
    }
    await panel(admin).getByText('No documents yet').waitFor();
    await expect((await admin.request.get(knowledgeUrl())).json()).resolves.toEqual([]);
  });
});
