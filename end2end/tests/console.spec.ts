// The whole lifecycle across both sides, as people do it: a subject asks
// for their data and confirms; an agent signs in with password and an
// authenticator code, asks a question; the subject answers; the agent
// extends the deadline and completes with a file; the subject sees every
// step and downloads the answer and a data package, whose summary opens
// offline. Staff work at a desk, so this runs in the
// desktop project only; the subject's side is covered on a phone elsewhere.
import { expect, test, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { TOTP } from 'otpauth';
import { expectAccessible, subjectSubmits } from './portal';

const password = 'e2e agent password, long enough';

function createAgent(email: string) {
  execFileSync('../target/release/server', ['admin', 'create', '--org', 'demo', '--email', email, '--role', 'agent'], {
    env: {
      ...process.env,
      PORTAL_DATA_DIR: '.e2e-data',
      PORTAL_CONTENT_DIR: '../content',
      PORTAL_ADMIN_PASSWORD: password,
      RUST_LOG: 'error',
    },
  });
}

/** The code an authenticator app shows `stepsAhead` 30-second steps from now. */
function authenticatorCode(secret: string, stepsAhead = 0): string {
  const totp = new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.generate({ timestamp: Date.now() + stepsAhead * 30_000 });
}

async function signIn(page: Page, email: string) {
  await page.goto('/console/login');
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('an agent works a request from question to answer and the subject follows every step', async ({ browser, page }) => {
  test.skip(test.info().project.name !== 'desktop', 'the console is a desk job; one run is enough');
  const { subject, reference } = await subjectSubmits(browser, `e2e-console-${Date.now()}@example.no`);

  const agent = `agent-${Date.now()}@fjordlys.example`;
  createAgent(agent);

  // First sign-in: the demo organisation requires two-factor sign-in.
  await signIn(page, agent);
  await expect(page.getByText('Your organisation requires two-factor sign-in')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'set up an authenticator app' }).click();
  await expect(page.getByRole('img', { name: 'QR code with your authenticator secret' })).toBeVisible();
  await expectAccessible(page);
  const secret = (await page.locator('[data-secret]').getAttribute('data-secret'))!;
  await page.getByLabel('Code from the app').fill(authenticatorCode(secret));
  await page.getByLabel('Your password').fill(password);
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible();
  await expect(page.locator('.recovery-codes li')).toHaveCount(10);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/console\/login$/);

  // From now on: password, then the app's code (the next step's, since the
  // current one was spent on enrolment and codes never replay).
  await signIn(page, agent);
  await expect(page.getByRole('heading', { name: 'Authenticator code' })).toBeVisible();
  await page.getByLabel('Code', { exact: true }).fill(authenticatorCode(secret, 1));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Requests' })).toBeVisible();
  await expectAccessible(page);

  // The queue, soonest deadline first; open the subject's request.
  await page.getByRole('link', { name: reference }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Request ${reference}` })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Start working on it' }).click();
  await expect(page.getByText('The request is in progress.')).toBeVisible();
  await page.getByLabel('Ask the subject for information').fill('Which meter number is yours?');
  await page.getByRole('button', { name: 'Send question' }).click();
  await expect(page.getByText('Your question was sent')).toBeVisible();

  // The subject answers from the tracking page.
  await subject.reload();
  await expect(subject.getByText('We need information from you')).toBeVisible();
  await expect(subject.getByText('Which meter number is yours?')).toBeVisible();
  await subject.getByLabel('Write to the privacy team').fill('Meter 7070-1');
  await subject.getByRole('button', { name: 'Send message' }).click();
  await expect(subject.locator('.status')).toHaveText('In progress');

  // The agent sees the answer and puts the subject's data package together.
  await page.reload();
  await expect(page.getByText('Meter 7070-1')).toBeVisible();
  await page.getByLabel('Category').selectOption({ label: 'Consumption data' });
  await page.getByLabel(/Data file/).setInputFiles({
    name: 'meters.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('meter,hour,kwh\n7070-1,2026-11-01T00:00,1.25\n7070-1,2026-11-01T01:00,0.75\n'),
  });
  await page.getByRole('button', { name: 'Add data' }).click();
  await expect(page.getByText('The data was added to the package.')).toBeVisible();
  await expect(page.getByText('Upload: meters.csv — 2 record(s)')).toBeVisible();
  await page.getByRole('button', { name: 'Build the package and offer it to the subject' }).click();
  await expect(page.getByText('The package was built')).toBeVisible();

  // Then extends once, and completes with a file.
  await page.getByLabel('By', { exact: true }).selectOption('2');
  await page.getByLabel('Reason (told to the subject)').first().fill('We must search three billing systems.');
  await page.getByRole('button', { name: 'Extend deadline' }).click();
  await expect(page.getByText('The deadline was extended')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Extend deadline' })).toHaveCount(0);
  await page.getByLabel('Response to the subject').fill('Here is a copy of your data.');
  await page.getByLabel(/Attachments/).setInputFiles({
    name: 'your-data.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"meter":"7070-1"}'),
  });
  await page.getByRole('button', { name: 'Complete and notify the subject' }).click();
  await expect(page.getByText('The request is completed')).toBeVisible();
  await expect(page.getByRole('link', { name: 'your-data.json' })).toBeVisible();

  // The subject sees each step and the answer, and downloads the file.
  await subject.reload();
  await expect(subject.locator('.status')).toHaveText('Completed');
  for (const text of ['We asked you for information', 'You answered', 'We extended the deadline',
    'We must search three billing systems.', 'We answered your request', 'Here is a copy of your data.']) {
    await expect(subject.getByText(text).first()).toBeVisible();
  }
  const download = subject.waitForEvent('download');
  await subject.getByRole('link', { name: 'your-data.json' }).click();
  expect((await download).suggestedFilename()).toBe('your-data.json');
  await expectAccessible(subject);

  // The data package: downloaded, unpacked, and its summary read offline.
  const packageDownload = subject.waitForEvent('download');
  await subject.getByRole('link', { name: /Download your data/ }).click();
  const zip = test.info().outputPath('package.zip');
  await (await packageDownload).saveAs(zip);
  const unpacked = test.info().outputPath('package');
  execFileSync('python3', ['-m', 'zipfile', '-e', zip, unpacked]);
  const summary = await (await browser.newContext({ offline: true })).newPage();
  await summary.goto(`file://${unpacked}/index.html`);
  await expect(summary.getByRole('heading', { level: 1, name: 'Your data held by Fjordlys Energi AS' })).toBeVisible();
  await expect(summary.getByRole('heading', { level: 2, name: 'Consumption data' })).toBeVisible();
  await expect(summary.getByText('Upload: meters.csv: 2 record(s).')).toBeVisible();
  await expect(summary.getByText(/no data found about you/).first()).toBeVisible();

  // The queue at desk and tablet width, for the record.
  await page.goto('/console?status=all');
  await page.screenshot({ path: 'test-results/console-queue-desktop.png', fullPage: true });
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.screenshot({ path: 'test-results/console-queue-tablet.png', fullPage: true });
});
