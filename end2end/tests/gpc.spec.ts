// A browser with Global Privacy Control on: the portal says it honours the
// signal, on a phone and on a desktop, and the page stays accessible.
import { expect, test } from '@playwright/test';
import { expectAccessible } from './portal';

test.use({ extraHTTPHeaders: { 'Sec-GPC': '1' } });

test('a browser that sends Sec-GPC is told the signal is honoured', async ({ page, request }) => {
  const gpc = await request.get('/.well-known/gpc.json');
  expect(gpc.ok()).toBe(true);
  expect((await gpc.json()).gpc).toBe(true);

  await page.goto('/o/demo');
  const note = page.getByRole('status').filter({ hasText: 'Global Privacy Control signal' });
  await expect(note).toBeVisible();
  await expect(note).toContainText('we do not use your data for marketing profiling');
  await expectAccessible(page);
  await page.screenshot({ path: test.info().outputPath('gpc.png'), fullPage: false });
});

test('without the signal there is no note', async ({ browser }) => {
  const page = await (await browser.newContext({ extraHTTPHeaders: {} })).newPage();
  await page.goto('/o/demo');
  await expect(page.getByRole('heading', { level: 1, name: 'Privacy notice' })).toBeVisible();
  await expect(page.getByText('Global Privacy Control signal')).toHaveCount(0);
});
