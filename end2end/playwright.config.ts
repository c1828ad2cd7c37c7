// Browser tests against the release build, in Debian's Chromium (Playwright
// cannot download its own browsers here). The server runs with its mail
// outbox in .e2e-data/outbox, where the tests read the codes a person would
// read in their inbox.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 3123);
export const baseURL = `http://127.0.0.1:${port}`;

const chromium = {
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL,
    locale: 'en-GB',
    timezoneId: 'Europe/Oslo',
    launchOptions: chromium,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'phone',
      testIgnore: /no-javascript/,
      use: { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
    },
    { name: 'desktop', testIgnore: /no-javascript/, use: { viewport: { width: 1280, height: 800 } } },
    {
      name: 'no-javascript',
      testMatch: /no-javascript/,
      use: { viewport: { width: 375, height: 812 }, javaScriptEnabled: false },
    },
  ],
  webServer: {
    // The shipped content with a webhook whose receiver is away (see the script).
    command: './e2e-server.sh',
    url: `${baseURL}/o/demo`,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    timeout: 60_000,
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: '../target/site',
      PORTAL_DATA_DIR: '.e2e-data',
      // The demo's webhook receiver is away on purpose: its retries are not news.
      RUST_LOG: 'warn,portal::service::webhooks=error',
      // Every spec's browser comes from 127.0.0.1: one address standing
      // for many people, so the per-address limits are raised.
      PORTAL_RATE_LIMIT_SUBMIT: '1000/600',
      PORTAL_RATE_LIMIT_VERIFY: '1000/600',
      PORTAL_RATE_LIMIT_LOGIN: '1000/600',
    },
  },
});
