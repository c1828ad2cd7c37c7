// Without a mouse: a person submits a request, confirms it and follows it
// with the keyboard alone, always seeing where the focus is. Also the page
// at 320 CSS pixels (1280 px at 400 % zoom) and at 200 % zoom, in dark mode
// and with reduced motion.
import { expect, Page, test } from '@playwright/test';
import { codeFromMail, expectAccessible } from './portal';

/** Presses Tab until the focused element matches, checking each stop has a visible focus indicator. */
async function tabTo(page: Page, matches: (el: { tag: string; text: string; name: string; label: string }) => boolean, limit = 60) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent ?? '' : '';
      return {
        tag: el.tagName.toLowerCase(),
        text: (el.textContent ?? '').trim(),
        name: el.getAttribute('name') ?? '',
        label: label.trim(),
        // A focus ring: an outline or a box shadow.
        visible: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none',
      };
    });
    if (!focused) continue;
    expect(focused.visible, `visible focus on <${focused.tag}> "${focused.text.slice(0, 40)}"`).toBe(true);
    if (matches(focused)) return;
  }
  throw new Error('the element was never reached with Tab');
}

test('submit, verify and track with the keyboard alone', async ({ page }) => {
  await page.goto('/o/demo');
  // The first stop is the skip link, and it leads to the content.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await tabTo(page, (el) => el.text === 'Exercise your rights');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'What would you like to do?' })).toBeVisible();
  await tabTo(page, (el) => el.text.startsWith('Delete my data'));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Delete my data' })).toBeVisible();
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);

  // An error is announced and tied to its field; the keyboard gets there.
  await tabTo(page, (el) => el.name === 'email');
  await page.keyboard.type('not an address');
  await page.keyboard.press('Tab');
  const email = page.getByLabel('Your e-mail address');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toHaveAttribute('aria-describedby', /email-error/);
  await expect(page.locator('#email-error')).toContainText('does not look like an e-mail address');

  await email.focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(`keys-${test.info().project.name}-${Date.now()}@example.no`);
  // Radio buttons: arrow keys choose within the group.
  await tabTo(page, (el) => el.name === 'erasure_scope');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByLabel('Only the data I describe below')).toBeChecked();
  await tabTo(page, (el) => el.name === 'description');
  await page.keyboard.type('Only my old delivery address, please.');
  await tabTo(page, (el) => el.text === 'Send request');
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(/\?sent=1$/);
  const reference = /PR-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(page.url())![0];
  await tabTo(page, (el) => el.name === 'code');
  await page.keyboard.type(await codeFromMail(reference));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: `Request ${reference}` })).toBeVisible();

  // Tracking: write to the privacy team from the keyboard.
  await tabTo(page, (el) => el.name === 'body');
  await page.keyboard.type('Thank you.');
  await tabTo(page, (el) => el.text === 'Send message');
  await page.keyboard.press('Enter');
  await expect(page.locator('.message-body', { hasText: 'Thank you.' })).toBeVisible();
  await tabTo(page, (el) => el.text === 'All my requests');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'My requests' })).toBeVisible();
});

for (const [name, viewport, scale] of [
  ['320 px', { width: 320, height: 640 }, 1],
  ['200 % zoom', { width: 640, height: 400 }, 2],
] as const) {
  test(`pages reflow without sideways scrolling at ${name}, in dark mode with reduced motion`, async ({ browser }) => {
    const context = await browser.newContext({ viewport, deviceScaleFactor: scale, colorScheme: 'dark', reducedMotion: 'reduce' });
    const page = await context.newPage();
    for (const path of ['/o/demo', '/o/demo/new', '/o/demo/new/rectification', '/o/demo/requests', '/o/demo/notice/changes?from=2026-03-01', '/o/demo?lang=nb', '/o/demo/new?lang=nl']) {
      await page.goto(path);
      await expect(page.locator('h1')).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${path} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
      // Dark colours are checked for contrast too.
      await expectAccessible(page);
    }
    // Reduced motion: no smooth scrolling; without the preference, there is.
    const motion = () => page.evaluate(() => getComputedStyle(document.documentElement).scrollBehavior);
    expect(await motion()).toBe('auto');
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    expect(await motion()).toBe('smooth');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.screenshot({ path: test.info().outputPath(`reflow-${viewport.width}.png`), fullPage: true });
    await context.close();
  });
}
