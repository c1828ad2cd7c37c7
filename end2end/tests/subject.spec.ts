// A person reads the notice, asks for a copy of their data, confirms with
// the code from their mail and sees the request with its due date, on a
// phone and on a desktop, with the page hydrated.
import { expect, test } from '@playwright/test';
import { codeFromMail, dueDateText, expectAccessible } from './portal';

test('a subject reads the notice, submits an access request, verifies and sees the due date', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/o\/demo$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Privacy notice' })).toBeVisible();
  await expect(page.getByText('Last updated')).toBeVisible();
  await expectAccessible(page);

  // The table of contents leads to the rights section.
  await page.getByRole('navigation', { name: 'Contents' }).getByRole('link', { name: 'Your rights' }).click();
  await expect(page).toHaveURL(/#your-rights$/);
  await expect(page.getByRole('heading', { level: 2, name: 'Your rights' })).toBeInViewport();

  await page.getByRole('link', { name: 'Exercise your rights' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'What would you like to do?' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: /Get a copy of my data/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Get a copy of my data' })).toBeVisible();

  // Hydration: the character counter only moves once the WebAssembly runs.
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  const description = page.getByLabel('Anything that helps us find your data (optional)');
  await description.fill('Customer number 40 11 22');
  await expect(page.getByText('24 / 10000 characters')).toBeVisible();

  // Instant feedback from the shared e-mail parser, before any round trip.
  const email = page.getByLabel('Your e-mail address');
  await email.fill('not an address');
  await email.blur();
  await expect(page.getByText('This does not look like an e-mail address')).toBeVisible();
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);

  const address = `e2e-${test.info().project.name}-${Date.now()}@example.no`;
  await email.fill(address);
  await email.blur();
  await page.getByRole('button', { name: 'Send request' }).click();

  await expect(page).toHaveURL(/\/o\/demo\/requests\/PR-[0-9A-Z]{4}-[0-9A-Z]{4}\?sent=1$/);
  await expect(page.getByText(/We (have sent|are sending) a six-digit code/)).toBeVisible();
  await expectAccessible(page);
  const reference = /PR-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(page.url())![0];

  // A wrong code is explained next to the field.
  const codeField = page.getByLabel('Six-digit code');
  await codeField.fill('000000');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText(/That code is not right|no longer works/)).toBeVisible();

  const code = await codeFromMail(reference);
  await codeField.fill(code);
  await page.getByRole('button', { name: 'Confirm' }).click();

  await expect(page.getByRole('heading', { level: 1, name: `Request ${reference}` })).toBeVisible();
  await expect(page.locator('.status')).toHaveText('Received');
  await expect(page.locator('.due-date')).toHaveText(dueDateText());
  await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('link', { name: 'All my requests' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'My requests' })).toBeVisible();
  await expect(page.getByRole('link', { name: reference })).toBeVisible();
  await page.screenshot({ path: `test-results/my-requests-${test.info().project.name}.png`, fullPage: true });
});
