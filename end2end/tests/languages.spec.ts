// The portal in English, Norwegian Bokmål and Dutch: chosen by the
// switcher, remembered, offered from the browser's language; every subject
// page passes axe-core in every language at phone and desktop size; a
// Norwegian subject does a whole request in Norwegian.
import { expect, Page, test } from '@playwright/test';
import { codeFromMail, expectAccessible } from './portal';

const languages = {
  en: { notice: 'Privacy notice', chooser: 'What would you like to do?', send: 'Send request', myRequests: 'My requests', notFound: 'Not found', figures: 'How we answer requests' },
  nb: { notice: 'Personvernerklæring', chooser: 'Hva vil du gjøre?', send: 'Send forespørsel', myRequests: 'Mine forespørsler', notFound: 'Fant ikke siden', figures: 'Slik svarer vi på henvendelser' },
  nl: { notice: 'Privacyverklaring', chooser: 'Wat wilt u doen?', send: 'Verzoek versturen', myRequests: 'Mijn verzoeken', notFound: 'Niet gevonden', figures: 'Hoe wij verzoeken beantwoorden' },
} as const;
type Code = keyof typeof languages;

async function expectLanguage(page: Page, code: Code) {
  await expect(page.locator('html')).toHaveAttribute('lang', code);
}

test('the switcher changes the language, the choice is remembered, and the browser language is the default', async ({ browser, page }) => {
  await page.goto('/o/demo');
  await expectLanguage(page, 'en');
  const switcher = page.getByRole('navigation', { name: 'Language' });
  await expect(switcher.getByRole('link', { name: 'English' })).toHaveAttribute('aria-current', 'true');
  await switcher.getByRole('link', { name: 'Norsk bokmål' }).click();
  await expectLanguage(page, 'nb');
  await expect(page.getByRole('heading', { level: 1, name: languages.nb.notice })).toBeVisible();
  await expect(page.getByText('Sist oppdatert')).toBeVisible();
  // Remembered by the cookie on the next page, without ?lang=.
  await page.getByRole('link', { name: 'Bruk rettighetene dine' }).click();
  await expect(page).toHaveURL(/\/o\/demo\/new$/);
  await expectLanguage(page, 'nb');
  await expect(page.getByRole('heading', { level: 1, name: languages.nb.chooser })).toBeVisible();
  await page.getByRole('navigation', { name: 'Språk' }).getByRole('link', { name: 'Nederlands' }).click();
  await expectLanguage(page, 'nl');
  await expect(page.getByRole('heading', { level: 1, name: languages.nl.chooser })).toBeVisible();

  // A Dutch browser gets Dutch without choosing.
  const dutch = await browser.newContext({ locale: 'nl-NL' });
  const dutchPage = await dutch.newPage();
  await dutchPage.goto('/o/demo');
  await expectLanguage(dutchPage, 'nl');
  await expect(dutchPage.getByRole('heading', { level: 1, name: languages.nl.notice })).toBeVisible();
  await dutch.close();
});

for (const code of Object.keys(languages) as Code[]) {
  test(`every subject page passes axe-core in ${code}`, async ({ page }) => {
    const words = languages[code];
    const visit = async (path: string, heading: string | RegExp) => {
      await page.goto(path + (path.includes('?') ? '&' : '?') + `lang=${code}`);
      await expectLanguage(page, code);
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
      await expectAccessible(page);
    };
    await visit('/o/demo', words.notice);
    await visit('/o/demo/notice/changes?from=2026-03-01', /.+/);
    await expect(page.locator('ins').first()).toBeVisible();
    await visit('/o/demo/new', words.chooser);
    for (const kind of ['access', 'rectification', 'erasure', 'objection', 'withdraw_consent']) {
      await visit(`/o/demo/new/${kind}`, /.+/);
    }
    await visit('/o/demo/requests', words.myRequests);
    await visit('/o/demo/preferences', /.+/);
    await visit('/o/demo/figures', words.figures);
    await visit('/o/demo/confirm/not-a-real-token', /.+/);
    await visit('/o/demo/unsubscribe/not-a-real-token', /.+/);
    await visit('/o/demo/no-such-page', words.notFound);
    await visit('/embed/demo', words.notice);

    // A submitted request: the page that asks for the code, with an error.
    await page.goto(`/o/demo/new/access?lang=${code}`);
    await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
    await page.locator('#email').fill(`axe-${code}-${test.info().project.name}-${Date.now()}@example.no`);
    await page.getByRole('button', { name: words.send }).click();
    await expect(page).toHaveURL(/\?sent=1$/);
    await expectAccessible(page);
    await page.locator('#code').fill('000000');
    await page.locator('.code-form button[type=submit]').click();
    await expect(page.locator('#code-error')).not.toBeEmpty();
    await expect(page.locator('#code')).toHaveAttribute('aria-invalid', 'true');
    await expectAccessible(page);
    // Form errors in the island come in the page's language too.
    await page.goto(`/o/demo/new/rectification?lang=${code}`);
    await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
    await page.getByRole('button', { name: words.send }).click();
    await expect(page.locator('#inaccurate-error')).not.toBeEmpty();
    if (code !== 'en') await expect(page.locator('#inaccurate-error')).not.toHaveText('Please fill this in.');
    await expectAccessible(page);
    await page.screenshot({ path: test.info().outputPath(`form-errors-${code}.png`), fullPage: true });
  });
}

test('a Norwegian subject asks for erasure, confirms and follows the request in Norwegian', async ({ page }) => {
  await page.goto('/o/demo?lang=nb');
  await page.getByRole('link', { name: 'Bruk rettighetene dine' }).click();
  await page.getByRole('link', { name: /Slett opplysningene mine/ }).click();
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  // The mail language follows the page.
  await expect(page.locator('#language')).toHaveValue('nb');
  const address = `nb-${test.info().project.name}-${Date.now()}@example.no`;
  await page.locator('#email').fill(address);
  await page.getByRole('button', { name: languages.nb.send }).click();
  await expect(page).toHaveURL(/\?sent=1$/);
  const reference = /PR-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(page.url())![0];
  await page.locator('#code').fill(await codeFromMail(reference));
  await page.locator('.code-form button[type=submit]').click();
  await expect(page.getByRole('heading', { level: 1, name: `Forespørsel ${reference}` })).toBeVisible();
  await expect(page.locator('.status')).toHaveText('Mottatt');
  // Dates in Norwegian: "22. november 2026".
  await expect(page.locator('.due-date')).toHaveText(/^\d{1,2}\. (januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember) \d{4}$/);
  await expectAccessible(page);
  await page.screenshot({ path: test.info().outputPath('request-nb.png'), fullPage: true });
});
