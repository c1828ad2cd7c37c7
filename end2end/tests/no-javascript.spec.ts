// The same journey with JavaScript switched off: plain HTML forms, server
// redirects, inline errors from the server.
import { expect, test } from '@playwright/test';
import { codeFromMail, dueDateText } from './portal';

test('the request form, the code form and tracking work without JavaScript', async ({ page }) => {
  await page.goto('/o/demo/new/erasure');
  await expect(page.getByRole('heading', { level: 1, name: 'Delete my data' })).toBeVisible();

  // Choosing "only some data" without saying which is refused, inline.
  await page.getByLabel('Your e-mail address').fill('nojs@example.no');
  await page.getByLabel('Only the data I describe below').check();
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page.getByText('Please fill this in.')).toBeVisible();
  await expect(page.getByText('Some answers need your attention')).toBeVisible();

  await page.getByLabel('Your e-mail address').fill('nojs@example.no');
  await page.getByLabel('Only the data I describe below').check();
  await page.getByLabel('Anything that helps us find your data (optional)').fill('My old delivery address');
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page).toHaveURL(/\/o\/demo\/requests\/PR-[0-9A-Z]{4}-[0-9A-Z]{4}\?sent=1$/);
  const reference = /PR-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(page.url())![0];

  await page.getByLabel('Six-digit code').fill(await codeFromMail(reference));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Request ${reference}` })).toBeVisible();
  await expect(page.getByText('Delete my data')).toBeVisible();
  await expect(page.locator('.due-date')).toHaveText(dueDateText());
});
