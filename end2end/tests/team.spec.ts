// A team as it grows: an admin invites a colleague by address; the
// colleague opens the mailed link, chooses their own password and sets up
// an authenticator, and reaches the queue. Later they forget the password
// and set a new one through a mailed link. Nobody but them ever chose it.
// The console is a desk job: desktop only.
import { expect, test, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { TOTP } from 'otpauth';
import { codeFromMail, expectAccessible, linkFromMail, subjectSubmits } from './portal';

const adminPassword = 'e2e admin password, long enough';

function createAdmin(email: string) {
  execFileSync('../target/release/server', ['admin', 'create', '--org', 'demo', '--email', email, '--role', 'admin'], {
    env: {
      ...process.env,
      PORTAL_DATA_DIR: '.e2e-data',
      PORTAL_CONTENT_DIR: '../content',
      PORTAL_ADMIN_PASSWORD: adminPassword,
      RUST_LOG: 'error',
    },
  });
}

function authenticatorCode(secret: string, stepsAhead = 0): string {
  return new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: Date.now() + stepsAhead * 30_000,
  });
}

/** Sets up an authenticator on the enrolment page; returns its secret. */
async function enrol(page: Page, password: string): Promise<string> {
  await expect(page.getByRole('img', { name: 'QR code with your authenticator secret' })).toBeVisible();
  const secret = (await page.locator('[data-secret]').getAttribute('data-secret'))!;
  await page.getByLabel('Code from the app').fill(authenticatorCode(secret));
  await page.getByLabel('Your password').fill(password);
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible();
  return secret;
}

/** A new admin of the demo organisation, signed in with an authenticator set up. */
async function newAdminSignsIn(page: Page, email: string) {
  createAdmin(email);
  await page.goto('/console/login');
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'set up an authenticator app' }).click();
  await enrol(page, adminPassword);
}

async function signIn(page: Page, email: string, password: string, secret: string) {
  await page.goto('/console/login');
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Code', { exact: true }).fill(authenticatorCode(secret, 1));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Requests' })).toBeVisible();
}

test('an admin invites a colleague, who chooses their own password, and later resets it', async ({ browser, page }) => {
  test.skip(test.info().project.name !== 'desktop', 'the console is a desk job; one run is enough');
  const stamp = Date.now();
  const admin = `admin-${stamp}@fjordlys.example`;
  const colleague = `colleague-${stamp}@fjordlys.example`;
  await newAdminSignsIn(page, admin);

  // What has not arrived: here every mail goes to the development folder,
  // so once the outbox has sent what enrolling wrote, nothing waits.
  await page.goto('/console');
  await page.getByRole('link', { name: 'Outgoing mail' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Outgoing mail' })).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(page.getByText('All mail has been delivered.')).toBeVisible({ timeout: 1000 });
  }).toPass();
  await expectAccessible(page);

  // A subject confirms a request: the demo organisation's webhook receiver
  // is away, so the webhook page shows the endpoint failing, and why.
  const { reference } = await subjectSubmits(browser, `e2e-webhook-${stamp}@example.no`);
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole('row').filter({ hasText: reference })).toContainText('Not accepted yet', { timeout: 1000 });
  }).toPass();
  await expect(page.locator('.endpoint').filter({ hasText: 'e2e-crm' })).toContainText('Failing');
  await expect(page.locator('.endpoint').filter({ hasText: 'e2e-crm' })).toContainText('Last error');
  await expectAccessible(page);

  // A letter came last week: the admin enters it for its writer, who is
  // mailed a code as if they had asked in the portal.
  await page.getByRole('link', { name: 'Enter a request' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Enter a request' })).toBeVisible();
  await page.getByLabel('Kind of request').selectOption('erasure');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Erasure (Art. 17)' })).toBeVisible();
  await page.getByLabel('How it arrived').selectOption('post');
  const lastWeek = new Date(Date.now() - 7 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  await page.getByLabel('The day it arrived').fill(lastWeek);
  await page.getByLabel("The subject's e-mail address").fill(`e2e-letter-${stamp}@example.no`);
  await page.getByLabel("The subject's language").selectOption('nb');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Enter the request' }).click();
  await expect(page.getByText(/Request PR-[0-9A-Z]{4}-[0-9A-Z]{4} was entered/)).toBeVisible();
  const entered = /PR-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(await page.getByRole('status').innerText())![0];
  expect(await codeFromMail(entered)).toMatch(/^[0-9]{6}$/);

  // What the admin is mailed about: everything until they choose otherwise.
  await page.goto('/console/account');
  const newRequests = page.getByLabel('a new request is confirmed by its subject');
  await expect(newRequests).toBeChecked();
  await newRequests.uncheck();
  await page.getByRole('button', { name: /Save the mail settings for/ }).click();
  await expect(page.getByText('Your mail settings were saved.')).toBeVisible();
  await expect(page.getByLabel('a new request is confirmed by its subject')).not.toBeChecked();
  await expect(page.getByLabel('a colleague assigns a request to me')).toBeChecked();
  await expect(page.getByLabel(/once a day: requests due within 7 days/)).toBeChecked();
  // The digest at seven in the morning in Amsterdam.
  await page.getByLabel('Your time zone').fill('Europe/Amsterdam');
  await page.getByLabel('At', { exact: true }).selectOption('7');
  await page.getByRole('button', { name: "Save the digest's time" }).click();
  await expect(page.getByText("Your digest's time was saved.")).toBeVisible();
  await expect(page.getByLabel('Your time zone')).toHaveValue('Europe/Amsterdam');
  await expect(page.getByLabel('At', { exact: true })).toHaveValue('7');
  await expectAccessible(page);

  await page.goto('/console/team');
  await expectAccessible(page);
  await expect(page.getByLabel(/password/i)).toHaveCount(0);
  await page.getByLabel('E-mail address').fill(colleague);
  await page.getByLabel('Role').selectOption('agent');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText('The invitation was sent')).toBeVisible();
  await expect(page.getByText(colleague)).toBeVisible();
  await expect(page.getByRole('button', { name: `Revoke the invitation of ${colleague}` })).toBeVisible();

  // The colleague, in their own browser, from their mailbox.
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(await linkFromMail(colleague, '/console/invitation/'));
  await expect(invitee.getByRole('heading', { name: /Join the privacy team of/ })).toBeVisible();
  await expectAccessible(invitee);
  const theirs = 'a passphrase only I know';
  await invitee.getByLabel('New password', { exact: true }).fill(theirs);
  await invitee.getByLabel('New password again').fill(theirs);
  await invitee.getByRole('button', { name: 'Create my account' }).click();
  const secret = await enrol(invitee, theirs);
  await invitee.getByRole('link', { name: 'Go to the queue' }).click();
  await expect(invitee.getByRole('heading', { level: 1, name: 'Requests' })).toBeVisible();

  // The admin's team now lists them as a member.
  await page.reload();
  await expect(page.getByRole('cell', { name: colleague, exact: true })).toBeVisible();

  // Later: "forgot your password", a mailed link, a new one; the
  // authenticator is still asked.
  await invitee.getByRole('link', { name: 'Account' }).click();
  await expect(invitee.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
  await expectAccessible(invitee);
  await invitee.getByRole('button', { name: 'Sign out' }).click();
  await invitee.getByRole('link', { name: 'Forgot your password?' }).click();
  await expectAccessible(invitee);
  await invitee.getByLabel('E-mail address').fill(colleague);
  await invitee.getByRole('button', { name: 'Send me a link' }).click();
  await expect(invitee.getByText('If that address has an account')).toBeVisible();
  await invitee.goto(await linkFromMail(colleague, '/console/reset/'));
  await expectAccessible(invitee);
  const renewed = 'a new passphrase only I know';
  await invitee.getByLabel('New password', { exact: true }).fill(renewed);
  await invitee.getByLabel('New password again').fill(renewed);
  await invitee.getByRole('button', { name: 'Set the new password' }).click();
  await expect(invitee.getByText('Your password was changed. Sign in with it.')).toBeVisible();
  await signIn(invitee, colleague, renewed, secret);
});

test('an admin makes an API token, sees it once, and revokes it', async ({ browser, page, request }) => {
  test.skip(test.info().project.name !== 'desktop', 'the console is a desk job; one run is enough');
  const stamp = Date.now();
  await newAdminSignsIn(page, `tokens-${stamp}@fjordlys.example`);
  await page.goto('/console');
  await page.getByRole('link', { name: 'API tokens' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API tokens' })).toBeVisible();
  await expectAccessible(page);

  const name = `CRM ${stamp}`;
  await page.getByLabel('Name (what uses it)').fill(name);
  await page.getByLabel('Role').selectOption('agent');
  await page.getByLabel('Expires after').selectOption('30');
  await page.getByRole('button', { name: 'Make token' }).click();
  const shown = page.getByTestId('new-token');
  await expect(shown).toBeVisible();
  await expect(page.getByText('Copy it now: it is not shown again.')).toBeVisible();
  const token = (await shown.innerText()).trim();
  expect(token).toMatch(/^ppo_[A-Za-z0-9_-]{40,}$/);
  await expect(page.getByRole('row').filter({ hasText: name })).toContainText('Live');
  await expectAccessible(page);

  // It works the queue through the API.
  const subject = await subjectSubmits(browser, `e2e-token-${stamp}@example.no`);
  const listed = await request.get('/api/v1/orgs/demo/requests?status=all', { headers: { Authorization: `Bearer ${token}` } });
  expect(listed.status()).toBe(200);
  expect(JSON.stringify(await listed.json())).toContain(subject.reference);

  // Shown once: the same page again, with or without JavaScript, has it no more.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'API tokens' })).toBeVisible();
  await expect(page.getByTestId('new-token')).toHaveCount(0);
  await expect(page.getByText(token)).toHaveCount(0);

  // Revoked, it stops at once.
  await page.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect(page.getByText('The token was revoked: it no longer works.')).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: name })).toContainText('Revoked');
  const refused = await request.get('/api/v1/orgs/demo/requests', { headers: { Authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
});

test('a refused request tells a Norwegian subject, in Norwegian, the ground, the authority and the way to court', async ({ browser, page }) => {
  test.skip(test.info().project.name !== 'desktop', 'the console is a desk job; one run is enough');
  const stamp = Date.now();
  await newAdminSignsIn(page, `refuses-${stamp}@fjordlys.example`);

  // A Norwegian subject asks for erasure and confirms.
  const subject = await (await browser.newContext()).newPage();
  await subject.goto('/o/demo/new/erasure?lang=nb');
  await expect(subject.locator('body[data-hydrated="true"]')).toHaveCount(1);
  await subject.locator('#email').fill(`refused-${stamp}@example.no`);
  await subject.getByRole('button', { name: 'Send forespørsel' }).click();
  await expect(subject).toHaveURL(/\?sent=1$/);
  const reference = /PR-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(subject.url())![0];
  await subject.locator('#code').fill(await codeFromMail(reference));
  await subject.locator('.code-form button[type=submit]').click();
  await expect(subject.getByRole('heading', { level: 1, name: `Forespørsel ${reference}` })).toBeVisible();

  // Staff refuse it on a ground from the erasure's list, with their reason.
  await page.goto(`/console/o/demo/requests/${reference}`);
  await page.locator('#reject-reason').fill('Vi må oppbevare fakturaene i fem år.');
  const ground = page.locator('#reject-ground');
  await expect(ground.locator('option', { hasText: 'Art. 15(4)' })).toHaveCount(0);
  await ground.selectOption('legal_obligation');
  await page.getByRole('button', { name: 'Refuse request' }).click();
  await expect(page.getByText('Refused', { exact: false }).first()).toBeVisible();

  // Art. 12(4), 77 and 79, in Norwegian.
  await subject.reload();
  const history = subject.locator('main');
  await expect(history).toContainText('Vi må oppbevare fakturaene i fem år.');
  await expect(history).toContainText('vi er pålagt ved lov å beholde opplysningene (art. 17 nr. 3 bokstav b)');
  await expect(history).toContainText('Du kan klage til Datatilsynet, Postboks 458 Sentrum, 0105 Oslo, https://www.datatilsynet.no');
  await expect(history).toContainText('du kan bringe saken inn for domstolene (art. 79)');
  await expect(history).not.toContainText('You may');
  await expectAccessible(subject);
});
