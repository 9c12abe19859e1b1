import type { Page } from 'playwright-core';

/** The first admin the demo API creates at start (`ADMIN_EMAIL`/`ADMIN_PASSWORD`), for the staff tests. */
export const FIRST_ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };

/** Signs in at /admin and waits for the leads page. */
export async function signIn(page: Page, account: { email: string; password: string }): Promise<void> {
  await page.goto('/admin');
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByLabel('Password').press('Enter');
  await page.getByRole('heading', { name: 'Leads', level: 1 }).waitFor();
}

/** The signed-in page's CSRF token, for staff writes the test makes over HTTP. */
export async function xsrfToken(page: Page): Promise<string> {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'XSRF-TOKEN');
  if (!cookie) throw new Error('no XSRF-TOKEN cookie');
  return decodeURIComponent(cookie.value);
}
