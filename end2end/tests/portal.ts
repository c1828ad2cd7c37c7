// Helpers shared by the specs: the subject's inbox (the server's outbox
// folder) and an accessibility check.
import { Browser, expect, Page, test } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const outbox = join(__dirname, '..', '.e2e-data', 'outbox');

/** The code from the newest mail about `reference`, waiting for it to arrive. */
export async function codeFromMail(reference: string): Promise<string> {
  let code: string | undefined;
  await expect
    .poll(
      () => {
        const files = readdirSync(outbox)
          .filter((f) => f.endsWith('.eml'))
          .map((f) => join(outbox, f))
          .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
        for (const file of files) {
          const subject = /^Subject: (\d{6}) .*$/m.exec(readFileSync(file, 'utf8'));
          if (subject && subject[0].includes(reference)) {
            code = subject[1];
            return true;
          }
        }
        return false;
      },
      { message: `a mail for ${reference}`, timeout: 10_000 },
    )
    .toBe(true);
  return code!;
}

/** A mail's text with quoted-printable soft breaks and escapes undone. */
function unfolded(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

/** The path of the newest link containing `needle` in a mail to `to`, waiting for it. */
export async function linkFromMail(to: string, needle: string): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(
      () => {
        const files = readdirSync(outbox)
          .filter((f) => f.endsWith('.eml'))
          .map((f) => join(outbox, f))
          .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
        for (const file of files) {
          const mail = unfolded(readFileSync(file, 'utf8'));
          if (!new RegExp(`^To: .*${to.replace(/[.]/g, '\\.')}`, 'mi').test(mail)) continue;
          const found = mail.split(/\s+/).find((word) => word.startsWith('http') && word.includes(needle));
          if (found) {
            link = new URL(found).pathname;
            return true;
          }
        }
        return false;
      },
      { message: `a mail to ${to} with ${needle}`, timeout: 10_000 },
    )
    .toBe(true);
  return link!;
}

/** WCAG 2.2 AA as axe-core checks it: no violations. */
mkdirSync(join(__dirname, '..', 'test-results'), { recursive: true });
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  // One line per check, for the per-page report (test-results/axe.jsonl).
  const url = new URL(page.url());
  appendFileSync(
    join(__dirname, '..', 'test-results', 'axe.jsonl'),
    JSON.stringify({
      project: test.info().project.name,
      path: url.pathname + url.search,
      lang: await page.locator('html').getAttribute('lang'),
      violations: results.violations.length,
      passes: results.passes.length,
    }) + '\n',
  );
  expect(summary, 'axe-core violations').toEqual([]);
}

/** The due date a request verified today gets: one calendar month later, clamped to the month's end. */
export function dueDateText(today = new Date()): string {
  const year = today.getFullYear() + (today.getMonth() === 11 ? 1 : 0);
  const month = (today.getMonth() + 1) % 12;
  const lastDay = new Date(year, month + 1, 0).getDate();
  const due = new Date(year, month, Math.min(today.getDate(), lastDay));
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return `${due.getDate()} ${months[due.getMonth()]} ${due.getFullYear()}`;
}

/** A subject at `email` asks for access in a browser of their own and confirms with the mailed code. */
export async function subjectSubmits(browser: Browser, email: string): Promise<{ subject: Page; reference: string }> {
  const subject = await (await browser.newContext()).newPage();
  await subject.goto('/o/demo/new/access');
  await subject.getByLabel('Your e-mail address').fill(email);
  await subject.getByRole('button', { name: 'Send request' }).click();
  await expect(subject).toHaveURL(/\/o\/demo\/requests\/PR-/);
  const reference = /PR-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(subject.url())![0];
  await subject.getByLabel('Six-digit code').fill(await codeFromMail(reference));
  await subject.getByRole('button', { name: 'Confirm' }).click();
  await expect(subject.getByRole('heading', { level: 1, name: `Request ${reference}` })).toBeVisible();
  return { subject, reference };
}
