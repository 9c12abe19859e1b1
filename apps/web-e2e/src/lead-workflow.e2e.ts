import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { DESKTOP, launchBrowser, screenshot, send } from './support/browser';
import { FIRST_ADMIN, signIn, xsrfToken } from './support/staff';

/**
 * The staff's lead workflow against the API on the demo model: visitors' chats make leads that
 * staff see unread (the count in the navigation and the tab title), an admin opens one (read,
 * for another staff member's inbox too, live), gives it a stage, an owner and tags, writes a
 * note and reads the activity; the inbox filters by stage, owner and tag. The tests run in
 * order, each going on from the last. Other suites may share the API: counts are relative.
 */
describe('lead workflow', () => {
  const api = () => process.env['WEB_E2E_DEMO_API'] as string;
  const stamp = Date.now().toString(36);
  const first = { name: 'Ada Quill', email: `ada.${stamp}@example.com` };
  const second = { name: 'Bea Ledger', email: `bea.${stamp}@example.com` };
  const agent = { email: `workflow.${stamp}@example.com`, password: 'an agent password' };
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let admin: Page;
  let agentPage: Page;
  let unreadBefore: number;

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

  /** A visitor gives their name and email in a chat of their own: a lead. */
  async function visitorLead(person: { name: string; email: string }): Promise<void> {
    const visitor = await newPage();
    await visitor.goto('/');
    for (const [index, text] of [`My name is ${person.name}`, person.email].entries()) {
      await send(visitor, text);
      await visitor.locator('chat-finished-message .assistant').nth(index).waitFor();
      await visitor.getByRole('button', { name: 'Send' }).waitFor();
    }
  }

  function row(page: Page, email: string): Locator {
    return page.locator('tbody tr', { hasText: email });
  }

  /** Waits for the navigation and the tab title to show `count` unread leads. */
  async function unreadShown(page: Page, count: number): Promise<void> {
    await page.waitForFunction(
      (expected) => {
        const badge = document.querySelector('[data-unread-count]')?.textContent?.trim() ?? '';
        const shown = expected === 0 ? badge === '' : badge === `${expected} unread`;
        const titled =
          expected === 0
            ? !/^\(\d+\) /.test(document.title)
            : document.title.startsWith(`(${expected}) `);
        return shown && titled;
      },
      count,
      { timeout: 10_000 },
    );
  }

  async function rowCount(page: Page, count: number): Promise<void> {
    await page.waitForFunction((n) => document.querySelectorAll('tbody tr').length === n, count, {
      timeout: 5_000,
    });
  }

  it('shows new leads unread, with their count in the navigation and the tab title, live', async () => {
    admin = await newPage();
    await signIn(admin, FIRST_ADMIN);
    const created = await admin.request.post('/api/admin/users', {
      data: { email: agent.email, password: agent.password, role: 'agent' },
      headers: { 'X-XSRF-TOKEN': await xsrfToken(admin) },
    });
    expect(created.status()).toBe(201);
    agentPage = await newPage();
    await signIn(agentPage, agent);
    unreadBefore = (await (await admin.request.get('/api/leads/unread')).json()).unread;
    await admin.getByText('Live: new leads show as they come').waitFor();

    await visitorLead(first);
    await visitorLead(second);
    for (const page of [admin, agentPage]) {
      for (const person of [first, second]) {
        await row(page, person.email)
          .getByRole('img', { name: 'unread' })
          .waitFor({ timeout: 5_000 });
      }
      await unreadShown(page, unreadBefore + 2);
    }
    const firstRow = row(admin, first.email);
    await expect(firstRow.getAttribute('data-unread')).resolves.toBe('true');
    await expect(firstRow.locator('[data-label="Stage"]').textContent()).resolves.toContain('New');
    await expect(firstRow.locator('[data-label="Owner"]').textContent()).resolves.toContain(
      'Unowned',
    );
    const weight = await firstRow
      .locator('[data-label="Lead"] a')
      .evaluate((a) => getComputedStyle(a).fontWeight);
    expect(Number(weight)).toBeGreaterThanOrEqual(700);
    // Each cell sits under its own column's header.
    const headers = await admin.locator('thead th').allTextContents();
    const labels = await firstRow
      .locator('td')
      .evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-label')));
    expect(labels).toEqual(headers.map((text) => text.trim()));
    await screenshot(admin, 'lead-workflow-inbox-unread');
  });

  it('marks a lead read when one staff member opens it: the other one sees it at once', async () => {
    await row(admin, first.email).getByRole('link', { name: first.name }).click();
    await admin.getByRole('heading', { name: first.name, level: 1 }).waitFor();
    await unreadShown(admin, unreadBefore + 1);
    await agentPage
      .locator('tbody tr[data-unread="false"]', { hasText: first.email })
      .waitFor({ timeout: 5_000 });
    await expect(
      row(agentPage, first.email).getByRole('img', { name: 'unread' }).count(),
    ).resolves.toBe(0);
    await expect(
      row(agentPage, second.email).getByRole('img', { name: 'unread' }).count(),
    ).resolves.toBe(1);
    await unreadShown(agentPage, unreadBefore + 1);
  });

  it('sets the stage, the owner and tags, refuses bad ones inline, takes a note and shows the activity oldest first', async () => {
    const workflow = admin.getByRole('region', { name: 'Workflow' });
    const activity = admin.getByRole('list', { name: 'Activity, oldest first' });
    await admin.getByLabel('Stage', { exact: true }).selectOption({ label: 'Qualified' });
    await activity.getByText('changed stage from New to Qualified').waitFor();

    await admin.getByLabel('Owner', { exact: true }).selectOption(agent.email);
    await activity.getByText(`changed owner from unowned to ${agent.email}`).waitFor();

    const tagInput = admin.getByLabel('Add a tag');
    await tagInput.fill('  VIP ');
    await tagInput.press('Enter');
    await workflow.locator('[data-tag="vip"]').waitFor();
    await tagInput.fill('callback');
    await admin.getByRole('button', { name: 'Add tag' }).click();
    await workflow.locator('[data-tag="callback"]').waitFor();
    await admin.getByRole('button', { name: 'Remove tag callback' }).click();
    await workflow.locator('[data-tag="callback"]').waitFor({ state: 'detached' });

    await tagInput.fill('two words');
    await tagInput.press('Enter');
    await workflow.getByRole('alert').filter({ hasText: 'letters, digits or hyphens' }).waitFor();
    await expect(workflow.locator('[data-tag]').count()).resolves.toBe(1);

    // The API refuses an unknown owner: its message shows, and the lead keeps its owner.
    await admin.getByLabel('Or give it to (staff email)').fill('nobody@example.com');
    await admin.getByRole('button', { name: 'Assign' }).click();
    await workflow
      .getByRole('alert')
      .filter({ hasText: 'owner is not an active staff member.' })
      .waitFor();
    await expect(admin.getByLabel('Owner', { exact: true }).inputValue()).resolves.toBe(
      agent.email,
    );

    const note = admin.getByLabel('Private note (staff only, never sent)');
    await admin.getByRole('button', { name: 'Add note' }).click();
    await admin.getByRole('alert').filter({ hasText: 'Write the note first.' }).waitFor();
    await note.fill('Called, asked for the beginner course.');
    await admin.getByRole('button', { name: 'Add note' }).click();
    await activity.getByText('Called, asked for the beginner course.').waitFor();
    await expect(note.inputValue()).resolves.toBe('');

    const entries = await activity.locator('li').allTextContents();
    expect(entries.map((text) => text.replace(/\s+/g, ' ').trim())).toEqual([
      expect.stringMatching(
        new RegExp(`^${FIRST_ADMIN.email} changed stage from New to Qualified`),
      ),
      expect.stringContaining(`changed owner from unowned to ${agent.email}`),
      expect.stringContaining('changed tags from none to vip'),
      expect.stringContaining('changed tags from vip to callback, vip'),
      expect.stringContaining('changed tags from callback, vip to vip'),
      expect.stringMatching(
        new RegExp(
          `^${FIRST_ADMIN.email} wrote a note .*Called, asked for the beginner course\\.$`,
        ),
      ),
    ]);
    // The page reloaded shows the same, as the API keeps it.
    await admin.reload();
    await activity.getByText('Called, asked for the beginner course.').waitFor();
    await expect(activity.locator('li').count()).resolves.toBe(6);
    await screenshot(admin, 'lead-workflow-detail');
  });

  it("updates the other staff member's rows in place, and filters the inbox by stage, owner and tag, with the export", async () => {
    const agentRow = row(agentPage, first.email);
    await agentRow.locator('[data-stage="qualified"]').waitFor({ timeout: 5_000 });
    await agentRow.locator(`[data-owner="${agent.email}"]`).waitFor();
    await expect(agentRow.locator('[data-label="Tags"]').textContent()).resolves.toContain('vip');

    await admin.goto('/admin');
    await row(admin, second.email).waitFor();
    await admin.getByLabel('Stage', { exact: true }).selectOption({ label: 'Qualified' });
    await admin.waitForURL(/stage=qualified/);
    await rowCount(admin, 1);
    await row(admin, first.email).waitFor();
    await expect(
      admin.getByRole('link', { name: /Export CSV/ }).getAttribute('href'),
    ).resolves.toContain('stage=qualified');

    await admin.getByRole('button', { name: 'Clear filters' }).click();
    await row(admin, second.email).waitFor();
    await admin.getByLabel('Owner', { exact: true }).selectOption(agent.email);
    await admin.waitForURL(/owner=/);
    await rowCount(admin, 1);
    await row(admin, first.email).waitFor();

    await admin.getByLabel('Owner', { exact: true }).selectOption({ label: 'Unowned' });
    await admin.waitForURL(/owner=none/);
    await row(admin, second.email).waitFor();
    await expect(row(admin, first.email).count()).resolves.toBe(0);

    await admin.getByRole('button', { name: 'Clear filters' }).click();
    await row(admin, second.email).waitFor();
    const tag = admin.getByLabel('Tag', { exact: true });
    await tag.fill(' VIP ');
    await tag.press('Enter');
    await admin.waitForURL(/tag=vip/);
    await rowCount(admin, 1);
    await row(admin, first.email).waitFor();
    const href = (await admin
      .getByRole('link', { name: /Export CSV/ })
      .getAttribute('href')) as string;
    expect(href).toContain('tag=vip');
    const csv = await (await admin.request.get(href)).text();
    expect(csv).toContain(first.email);
    expect(csv).not.toContain(second.email);

    // An agent, who may not list the staff, types an owner's email (any case).
    await agentPage.getByLabel('Owner', { exact: true }).selectOption({ label: 'Another email…' });
    const ownerEmail = agentPage.getByLabel("Owner's email");
    await ownerEmail.fill(agent.email.toUpperCase());
    await ownerEmail.press('Enter');
    await agentPage.waitForURL((url) => url.searchParams.get('owner') === agent.email);
    await rowCount(agentPage, 1);
    await row(agentPage, first.email).waitFor();
    await agentPage.goto(`/admin?owner=${encodeURIComponent(agent.email)}&stage=qualified`);
    await rowCount(agentPage, 1);
    await row(agentPage, first.email).waitFor();
  });
});
