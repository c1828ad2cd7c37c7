// The portal inside a company's own page: embed.js inserts the iframe and
// sizes it from the height the portal reports. A page on an origin the
// organisation lists shows it and a subject can make a request in it; a
// page on any other origin is refused by the browser (CSP frame-ancestors).
import { expect, test } from '@playwright/test';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { baseURL } from '../playwright.config';
import { codeFromMail, expectAccessible } from './portal';

// The demo organisation allows http://localhost:4173 (content/orgs/demo/org.toml).
const ALLOWED_PORT = 4173;
let allowed: Server;
let refused: Server;

function hostPage(port: number): Promise<Server> {
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Fjordlys – Personvern</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="margin:0;font-family:sans-serif">
<header style="padding:1rem;background:#0b3d5c;color:#fff"><h1 style="margin:0">Fjordlys Energi</h1></header>
<main style="padding:1rem"><h2>Personvern</h2>
<script src="${baseURL}/embed.js" data-org="demo" data-lang="nb" data-title="Fjordlys personvernportal"></script>
</main><footer style="padding:1rem">© Fjordlys</footer></body></html>`;
  return new Promise((resolve) => {
    const server = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(html);
    });
    server.listen(port, 'localhost', () => resolve(server));
  });
}

test.beforeAll(async () => {
  allowed = await hostPage(ALLOWED_PORT);
  refused = await hostPage(0);
});
test.afterAll(async () => {
  allowed?.close();
  refused?.close();
});

test('on an allowed site the portal shows in the frame, takes its height and works', async ({ page }) => {
  await page.goto(`http://localhost:${ALLOWED_PORT}/`);
  const iframe = page.locator('iframe[title="Fjordlys personvernportal"]');
  await expect(iframe).toBeVisible();
  const frame = page.frameLocator('iframe[title="Fjordlys personvernportal"]');
  await expect(frame.getByRole('heading', { level: 1, name: 'Personvernerklæring' })).toBeVisible();
  // No outer chrome: no footer, no brand link.
  await expect(frame.locator('footer')).toHaveCount(0);
  await expect(frame.locator('.brand')).toHaveCount(0);
  // Resized to the content's height (the notice is long), without a scroll bar.
  await expect(iframe).toHaveAttribute('data-resized', 'true');
  const height = await iframe.evaluate((el: HTMLIFrameElement) => el.getBoundingClientRect().height);
  expect(height).toBeGreaterThan(1000);
  await expectAccessible(page);
  await page.screenshot({ path: test.info().outputPath('embedded.png'), fullPage: false });

  // Inside the frame, links stay in the frame and the request goes through.
  await frame.getByRole('link', { name: 'Bruk rettighetene dine' }).click();
  await expect(frame.getByRole('heading', { level: 1, name: 'Hva vil du gjøre?' })).toBeVisible();
  await frame.getByRole('link', { name: /Få en kopi av opplysningene mine/ }).click();
  // No wait for hydration: the form is a plain form that works without
  // WebAssembly, which is what this test is about.
  await frame.locator('#email').fill(`embed-${test.info().project.name}-${Date.now()}@example.no`);
  await frame.getByRole('button', { name: 'Send forespørsel' }).click();
  await expect(frame.getByText('Vi har sendt en sekssifret kode')).toBeVisible();
  const inner = await (await iframe.elementHandle())!.contentFrame();
  const path = new URL(inner!.url()).pathname;
  expect(path).toMatch(/^\/embed\/demo\/requests\/PR-/);
  expect(page.url()).toBe(`http://localhost:${ALLOWED_PORT}/`);

  // Confirming in the frame: the session cookie is kept for this site's
  // frame (SameSite=None; Secure; Partitioned), so the request shows.
  const reference = /PR-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(path)![0];
  await frame.locator('#code').fill(await codeFromMail(reference));
  await frame.locator('.code-form button[type=submit]').click();
  await expect(frame.getByRole('heading', { level: 1, name: `Forespørsel ${reference}` })).toBeVisible();
  await expect(frame.locator('.status')).toHaveText('Mottatt');
  await frame.getByRole('link', { name: 'Alle forespørslene mine' }).click();
  await expect(frame.getByRole('heading', { level: 1, name: 'Mine forespørsler' })).toBeVisible();
  expect(new URL(inner!.url()).pathname).toBe('/embed/demo/requests');
  await expectAccessible(page);
});

test('on any other site the browser refuses to show the portal', async ({ page }) => {
  const port = (refused.address() as AddressInfo).port;
  const blocked = new Promise<string>((resolve) =>
    page.on('console', (message) => {
      if (/frame-ancestors/.test(message.text())) resolve(message.text());
    }),
  );
  await page.goto(`http://localhost:${port}/`);
  await expect(page.locator('iframe')).toHaveCount(1);
  expect(await blocked).toContain('frame-ancestors');
  const frame = page.frameLocator('iframe');
  await expect(frame.getByRole('heading', { name: 'Personvernerklæring' })).toHaveCount(0);
  await expect(page.locator('iframe')).not.toHaveAttribute('data-resized', 'true');
});

test('the plain portal may not be framed by anyone else, the embed page only by its list', async ({ request }) => {
  // The directive as the browser reads it: up to the next ';' or the end.
  const frameAncestors = (policy: string) =>
    policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('frame-ancestors '));
  const plain = await request.get('/o/demo');
  expect(frameAncestors(plain.headers()['content-security-policy'])).toBe("frame-ancestors 'self'");
  const embed = await request.get('/embed/demo');
  expect(frameAncestors(embed.headers()['content-security-policy'])).toBe(
    "frame-ancestors 'self' https://www.fjordlys.example http://localhost:4173",
  );
});
