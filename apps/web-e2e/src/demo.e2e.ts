import type { Page } from 'playwright-core';
import { DESKTOP, lastReply, PHONE, portalBrowser, screenshot, send } from './support/browser';

/** A whole conversation with the offline demo model, up to the lead notification email. */
describe('demo conversation', () => {
  const api = () => process.env['WEB_E2E_DEMO_API'] as string;
  const portal = portalBrowser(api);
  let page: Page;

  it.each([
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ])('collects the details and shows the email as sent (%s)', async (name, viewport) => {
    page = await portal.open(viewport);
    await page.getByText('Demo model').waitFor();
    // Before the first detail the panel asks nothing of the visitor: it says what and why.
    const intro = page.locator('chat-lead-panel');
    await expect(intro.textContent()).resolves.toContain('Nothing collected yet');
    await expect(intro.textContent()).resolves.not.toContain('Missing');
    await expect(
      // (On a phone the panel is folded away: the link is there, not shown.)
      intro.locator('a', { hasText: 'Privacy policy' }).getAttribute('href'),
    ).resolves.toBe('https://example.com/privacy');

    const turns = ['What is momentum trading?', 'My name is Ada Lovelace', 'ada@example.com', 'I am a beginner'];
    for (const [index, text] of turns.entries()) {
      await send(page, text);
      await page.locator('chat-finished-message .assistant').nth(index).waitFor();
      await page.getByRole('button', { name: 'Send' }).waitFor();
    }

    // Every width tells the visitor, without opening the details, that they were received and sent.
    const notice = page.getByRole('status').filter({ hasText: 'your details were received and sent to our team' });
    await notice.waitFor();
    const box = await notice.boundingBox();
    expect(box && box.height > 0 && box.y >= 0 && box.y + box.height <= viewport.height).toBe(true);
    const toggle = page.getByRole('button', { name: 'Details complete' });
    await expect(toggle.isVisible()).resolves.toBe(viewport === PHONE);

    if (viewport === PHONE) await toggle.click();
    const panel = page.getByRole('complementary', { name: 'Details collected' });
    await panel.getByText('Your details were sent to our team by email.').waitFor();
    await panel.getByText('All required details are collected.').waitFor();
    await expect(panel.locator('[data-field="name"]').textContent()).resolves.toContain('Ada Lovelace');
    await expect(panel.locator('[data-field="email"]').textContent()).resolves.toContain('ada@example.com');
    await expect(panel.getByRole('progressbar').getAttribute('aria-valuenow')).resolves.toBe('3');
    await expect(lastReply(page).textContent()).resolves.toBeTruthy();
    await screenshot(page, `lead-complete-${name}`);
  });
});
