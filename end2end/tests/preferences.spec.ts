// A verified subject sets their consents on the Choices page, sees them
// recorded, and downloads the receipts; in Dutch, on a phone and a desktop.
import { expect, test } from '@playwright/test';
import { codeFromMail, expectAccessible } from './portal';

test('a subject gives and withdraws consents and downloads the receipts', async ({ page }) => {
  await page.goto('/o/demo/new/access?lang=nl');
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  await page.locator('#email').fill(`choices-${test.info().project.name}-${Date.now()}@example.nl`);
  await page.getByRole('button', { name: 'Verzoek versturen' }).click();
  await expect(page).toHaveURL(/\?sent=1$/);
  const reference = /PR-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(page.url())![0];
  await page.locator('#code').fill(await codeFromMail(reference));
  await page.locator('.code-form button[type=submit]').click();
  await expect(page.getByRole('heading', { level: 1, name: `Verzoek ${reference}` })).toBeVisible();

  await page.getByRole('link', { name: 'Mijn verzoeken' }).first().click();
  await page.getByRole('link', { name: 'Uw keuzes' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Uw keuzes' })).toBeVisible();
  await expectAccessible(page);

  const advice = page.getByRole('group', { name: 'Energiebesparend advies op basis van uw verbruik' });
  await expect(advice).toContainText('U hebt geen toestemming gegeven.');
  await advice.getByLabel('Toegestaan', { exact: true }).check();
  const sms = page.getByRole('group', { name: 'Aanbiedingen per sms' });
  await sms.getByLabel('Niet toegestaan').check();
  await page.getByRole('button', { name: 'Mijn keuzes opslaan' }).click();

  await expect(page.getByRole('status')).toContainText('Uw keuzes zijn opgeslagen en vastgelegd.');
  await expect(advice).toContainText('U hebt op');
  await expect(advice.getByLabel('Toegestaan', { exact: true })).toBeChecked();
  await expect(sms.getByLabel('Niet toegestaan')).toBeChecked();
  await expectAccessible(page);
  await page.screenshot({ path: test.info().outputPath('choices-nl.png'), fullPage: true });

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: /toestemmingsbewijzen|JSON/ }).click();
  const file = await (await download).path();
  const receipts = JSON.parse(require('node:fs').readFileSync(file, 'utf8')).receipts;
  expect(receipts.map((r: { purpose: string; decision: string; method: string }) => [r.purpose, r.decision, r.method])).toEqual([
    ['marketing_sms', 'withdrawn', 'preferences_page'],
    ['energy_advice', 'granted', 'preferences_page'],
  ]);
});
