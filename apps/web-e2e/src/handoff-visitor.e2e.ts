import type { Page } from 'playwright-core';
import { portalBrowser, send } from './support/browser';
import { FIRST_ADMIN, signIn, xsrfToken } from './support/staff';

/**
 * The visitor's side of a person in the conversation, in the portal and in the widget, against
 * the built API on the demo model: staff act over HTTP with their cookie and CSRF token.
 */
describe('a person in the conversation, as the visitor sees it', () => {
  const api = () => process.env['WEB_E2E_DEMO_API'] as string;
  const browser = portalBrowser(api);

  const talk = (page: Page) => page.getByRole('button', { name: 'Talk to a person' });
  const replies = (page: Page) => page.locator('chat-finished-message .assistant');
  const staffMessages = (page: Page) => page.locator('chat-finished-message .staff');

  /** A signed-in admin, online for requests (connected to the staff feed, as the staff area is). */
  async function onlineStaff(): Promise<Page> {
    const staff = await browser.open();
    await signIn(staff, FIRST_ADMIN);
    await staff.evaluate(() => {
      void fetch('/api/conversations/events').then(async (response) => {
        const reader = response.body?.getReader();
        while (reader && !(await reader.read()).done) {
          // Held open: the server counts this staff member online.
        }
      });
    });
    return staff;
  }

  async function staffPost(staff: Page, path: string, data?: unknown): Promise<void> {
    const response = await staff.request.post(path, {
      headers: { 'X-XSRF-TOKEN': await xsrfToken(staff) },
      ...(data !== undefined && { data }),
    });
    expect(response.status()).toBeLessThan(300);
  }

  /** The session the visitor's browser keeps under `key` (the staff routes name the same id). */
  const sessionOf = async (visitor: Page, key: string) =>
    (await visitor.evaluate((name) => localStorage.getItem(name), key)) as string;

  /** Asks for a person, staff take over, write, the visitor writes unanswered, staff release. */
  async function handOffAndBack(visitor: Page, staff: Page, sessionKey: string): Promise<void> {
    await talk(visitor).click();
    await visitor.getByText('A member of the team will join shortly.').waitFor();
    await expect(talk(visitor).count()).resolves.toBe(0);
    const sessionId = await sessionOf(visitor, sessionKey);
    expect(sessionId).toBeTruthy();

    await staffPost(staff, `/api/conversations/${sessionId}/takeover`);
    await visitor.getByText(/^\s*\S.* joined the conversation\.\s*$/).waitFor();

    await staffPost(staff, `/api/conversations/${sessionId}/messages`, {
      content: 'Hello, I am **from the team**. <img src=x onerror="window.__pwned=1">',
    });
    const written = staffMessages(visitor).last();
    await written.locator('.markdown strong', { hasText: 'from the team' }).waitFor();
    await expect(written.locator('.speaker .author').textContent()).resolves.toMatch(/\S/);
    await expect(written.locator('.speaker time').getAttribute('datetime')).resolves.toBeTruthy();
    await expect(written.locator('img, [onerror]').count()).resolves.toBe(0);
    await expect(visitor.evaluate(() => 'window.__pwned' in window)).resolves.toBe(false);

    // While a person holds it, the visitor's message goes to them and the assistant is silent.
    const before = await replies(visitor).count();
    await send(visitor, 'Thanks, can you check my order?');
    await visitor
      .locator('chat-finished-message .user', { hasText: 'Thanks, can you check my order?' })
      .waitFor();
    await visitor.waitForTimeout(1500);
    await expect(replies(visitor).count()).resolves.toBe(before);
    await expect(visitor.getByLabel('Assistant is replying').count()).resolves.toBe(0);

    await staffPost(staff, `/api/conversations/${sessionId}/release`);
    await visitor.getByText('You are chatting with the assistant again.').waitFor();
    await send(visitor, 'What else can you tell me?');
    await replies(visitor).nth(before).waitFor();
    await talk(visitor).waitFor();
  }

  it('in the portal: asks for a person, who joins, writes and hands back to the assistant', async () => {
    const staff = await onlineStaff();
    const visitor = await browser.open();
    // Nothing to hand over before the first message.
    await expect(talk(visitor).count()).resolves.toBe(0);
    const question = `I have a question about order ${Date.now()}`;
    await send(visitor, question);
    await replies(visitor).first().waitFor();
    await handOffAndBack(visitor, staff, 'chat.session_id');
  });

  it('in the widget: the same, on a page of the site', async () => {
    const staff = await onlineStaff();
    const assistants = (await (await staff.request.get('/api/admin/assistants')).json()) as {
      id: string;
      is_default: boolean;
    }[];
    const assistantId = assistants.find((a) => a.is_default)?.id as string;

    const visitor = await browser.open();
    const host = `${api()}/handoff-host-page`;
    await visitor.route(host, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><main><h1>Shop</h1></main><script src="${api()}/widget.js" data-assistant="${assistantId}" async></script></body></html>`,
      }),
    );
    await visitor.goto(host);
    await visitor.locator('chat-widget button.launcher').click();
    const question = `A widget question about parcel ${Date.now()}`;
    await send(visitor, question);
    await replies(visitor).first().waitFor();
    await handOffAndBack(visitor, staff, `chat.session_id.${assistantId}`);
  });
});
