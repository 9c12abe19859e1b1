import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { DESKTOP, launchBrowser, PHONE, screenshot, send } from './support/browser';
import { FIRST_ADMIN } from './support/staff';

/**
 * The staff area against the API on the demo model: a visitor completes a lead on a phone, staff
 * see it arrive live, export it, open it, and an admin (not an agent) erases it. The tests run
 * in order, each going on from the last.
 */
describe('staff area', () => {
  const api = () => process.env['WEB_E2E_DEMO_API'] as string;
  const email = `mary.${Date.now().toString(36)}@example.com`;
  const agent = { email: `agent.${Date.now().toString(36)}@example.com`, password: 'an agent password' };
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let visitor: Page;
  let admin: Page;
  let agentPage: Page;
  let leadId: string;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
  });

  async function newPage(viewport: typeof DESKTOP, options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({ viewport, baseURL: api(), acceptDownloads: true, ...options });
    contexts.push(context);
    return context.newPage();
  }

  /** Signs in at /admin with the keyboard alone: Tab to the email, type, Tab, type, Enter. */
  async function signIn(page: Page, account: { email: string; password: string }): Promise<void> {
    await page.goto('/admin');
    await page.getByLabel('Email').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.type(account.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(account.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Leads', level: 1 }).waitFor();
  }

  /** The value of a page's `XSRF-TOKEN` cookie, to echo as `X-XSRF-TOKEN` from the test itself. */
  async function xsrfToken(page: Page): Promise<string> {
    const cookie = (await page.context().cookies()).find((c) => c.name === 'XSRF-TOKEN');
    if (!cookie) throw new Error('no XSRF-TOKEN cookie');
    return decodeURIComponent(cookie.value);
  }

  function scriptsOf(page: Page): string[] {
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    return scripts;
  }

  it('loads nothing of the staff area on the chat page: it is a chunk of its own', async () => {
    visitor = await newPage(PHONE);
    const visitorScripts = scriptsOf(visitor);
    await visitor.goto('/');
    await visitor.getByRole('textbox', { name: 'Your message' }).waitFor();

    admin = await newPage(DESKTOP);
    const adminScripts = scriptsOf(admin);
    await signIn(admin, FIRST_ADMIN);

    const staffOnly = adminScripts.filter((path) => !visitorScripts.includes(path));
    expect(visitorScripts.length).toBeGreaterThan(0);
    expect(staffOnly.length).toBeGreaterThan(0);
    const source = async (path: string) => (await admin.request.get(path)).text();
    for (const path of visitorScripts) {
      const code = await source(path);
      expect(code).not.toContain('Staff sign-in');
      expect(code).not.toContain('/api/leads/events');
    }
    const staffCode = (await Promise.all(staffOnly.map(source))).join('\n');
    expect(staffCode).toContain('Staff sign-in');
  });

  it('shows a visitor on a phone that their details were received and sent, and staff the lead within seconds, without a reload', async () => {
    await admin.getByText('Live: new leads show as they come').waitFor();
    await admin.evaluate(() => ((window as { notReloaded?: boolean }).notReloaded = true));

    const turns = ['What is momentum trading?', 'My name is Mary Somerville', email, 'I am a beginner'];
    for (const [index, text] of turns.entries()) {
      await send(visitor, text);
      await visitor.locator('chat-finished-message .assistant').nth(index).waitFor();
      await visitor.getByRole('button', { name: 'Send' }).waitFor();
    }
    const notice = visitor.getByRole('status').filter({ hasText: 'your details were received and sent to our team' });
    await notice.waitFor();
    const box = await notice.boundingBox();
    expect(box && box.y + box.height <= PHONE.height).toBe(true);
    await visitor.getByRole('button', { name: 'Details complete' }).waitFor();
    await screenshot(visitor, 'lead-notice-phone');

    const row = admin.locator('tbody tr', { hasText: email });
    await row.filter({ hasText: 'Complete' }).filter({ hasText: 'Sent' }).waitFor({ timeout: 5_000 });
    await expect(admin.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).resolves.toBe(true);
    await expect(row.locator('[data-label="Lead"]').textContent()).resolves.toContain('Mary Somerville');
    await expect(row.locator('[data-label="Details"]').textContent()).resolves.toContain('beginner');
    leadId = (await row.getAttribute('data-lead-id')) as string;
    expect(leadId).toBeTruthy();
    await screenshot(admin, 'staff-inbox-desktop');
  });

  it('exports the filtered leads as CSV', async () => {
    await admin.getByRole('searchbox', { name: 'Search' }).fill(email);
    await admin.waitForURL(/\?q=/);
    // The URL changes before the filtered page arrives: wait for the list to be the filtered one.
    await admin.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1, undefined, { timeout: 5_000 });
    await expect(admin.locator('tbody tr').count()).resolves.toBe(1);

    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      admin.getByRole('link', { name: 'Export CSV (filtered)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('leads.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(csv.slice(1));
    expect(header.slice(0, 6)).toEqual(['lead_id', 'session_id', 'state', 'notification_status', 'created_at', 'completed_at']);
    expect(header).toEqual(expect.arrayContaining(['name', 'email', 'experience']));
    expect(rows).toHaveLength(1);
    const lead = Object.fromEntries(header.map((column, i) => [column, rows[0][i]]));
    expect(lead).toEqual(
      expect.objectContaining({ lead_id: leadId, state: 'complete', name: 'Mary Somerville', email, experience: 'beginner' }),
    );
  });

  it('opens the lead: every field, its notification, and the conversation as the chat shows it, also after a reload', async () => {
    await admin.getByRole('link', { name: 'Mary Somerville' }).click();
    await admin.getByRole('heading', { name: 'Mary Somerville', level: 1 }).waitFor();
    await expect(admin.locator('[data-field="email"]').textContent()).resolves.toContain(email);
    await expect(admin.locator('[data-field="phone"]').textContent()).resolves.toContain('Not given');
    await expect(admin.locator('[data-notification="email"]').textContent()).resolves.toContain('Sent');
    await admin.locator('chat-finished-message .user', { hasText: 'My name is Mary Somerville' }).waitFor();
    await expect(admin.locator('chat-finished-message .assistant').count()).resolves.toBe(4);

    // The session and the page's address survive a reload.
    await admin.reload();
    await admin.getByRole('heading', { name: 'Mary Somerville', level: 1 }).waitFor();
    await admin.locator('chat-finished-message .user', { hasText: 'My name is Mary Somerville' }).waitFor();
    await screenshot(admin, 'staff-lead-desktop');
  });

  it('gives an agent no way to erase: no button, and the API refuses', async () => {
    const created = await admin.request.post('/api/admin/users', {
      data: { email: agent.email, password: agent.password, role: 'agent' },
      headers: { 'X-XSRF-TOKEN': await xsrfToken(admin) },
    });
    expect(created.status()).toBe(201);

    agentPage = await newPage(PHONE, { colorScheme: 'dark' });
    await signIn(agentPage, agent);
    await expect(agentPage.getByRole('link', { name: 'Staff accounts' }).count()).resolves.toBe(0);
    await agentPage.locator('tbody tr', { hasText: email }).waitFor();
    await screenshot(agentPage, 'staff-inbox-phone-dark');

    await agentPage.locator('tbody tr', { hasText: email }).getByRole('link').click();
    await agentPage.getByRole('heading', { name: 'Mary Somerville', level: 1 }).waitFor();
    await expect(agentPage.getByRole('button', { name: 'Erase lead' }).count()).resolves.toBe(0);
    await screenshot(agentPage, 'staff-lead-phone-dark');
    const refused = await agentPage.request.delete(`/api/leads/${leadId}`, {
      headers: { 'X-XSRF-TOKEN': await xsrfToken(agentPage) },
    });
    expect(refused.status()).toBe(403);
  });

  it('lets an admin erase the lead after a confirmation that names it; it leaves the inbox and the API', async () => {
    await admin.getByRole('button', { name: 'Erase lead' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Erase this lead?' });
    await dialog.getByText(`Mary Somerville (${email})`).waitFor();
    await expect(dialog.getByRole('button', { name: 'Cancel' }).evaluate((b) => b === document.activeElement)).resolves.toBe(true);
    await dialog.getByRole('button', { name: 'Erase', exact: true }).click();

    await admin.getByText(`Erased Mary Somerville (${email}).`).waitFor();
    expect(new URL(admin.url()).pathname).toBe('/admin');
    await admin.getByText('No leads match these filters.').waitFor();
    expect((await admin.request.get(`/api/leads/${leadId}`)).status()).toBe(404);
    // The agent looking at it is told, live.
    await agentPage.getByText('This lead was erased.').waitFor();
  });
});

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF rows) as rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}
