import { test, expect } from '@playwright/test';

// The Content-Security-Policy allows only scripts with the response's nonce
// (and what they load, by 'strict-dynamic'). A script Leptos or a page
// writes without it would be refused by the browser and reported here; the
// request form must still hydrate (its wasm compiles under
// 'wasm-unsafe-eval').
test('pages hydrate under the policy and the browser refuses nothing', async ({ page }) => {
  const refused: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) refused.push(message.text());
  });
  for (const path of ['/o/demo', '/o/demo/new/access', '/embed/demo/new/access']) {
    await page.goto(path);
    if (path.includes('/new/')) {
      await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
    }
  }
  expect(refused).toEqual([]);
});
