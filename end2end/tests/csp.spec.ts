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

// The wasm never competes with what the first paint needs: it is requested
// only after the page has loaded and painted, and the form still hydrates.
test('the wasm is fetched after the page has loaded and painted', async ({ page }) => {
  await page.goto('/o/demo/new/access');
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  const timing = await page.evaluate(() => {
    const wasm = performance
      .getEntriesByType('resource')
      .find((entry) => entry.name.endsWith('.wasm'));
    const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    return {
      wasm: wasm?.startTime ?? null,
      load: navigation.loadEventEnd,
      paint: paint?.startTime ?? null,
    };
  });
  expect(timing.wasm, JSON.stringify(timing)).not.toBeNull();
  expect(timing.paint, JSON.stringify(timing)).not.toBeNull();
  expect(timing.wasm!, JSON.stringify(timing)).toBeGreaterThanOrEqual(timing.load);
  expect(timing.wasm!, JSON.stringify(timing)).toBeGreaterThanOrEqual(timing.paint!);
});
