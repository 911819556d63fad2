/**
 * The console through a host name that is not localhost, as a colleague on the LAN opens it.
 * Chromium treats every 127.x address as a secure origin, so the name is mapped instead: only then
 * would an `upgrade-insecure-requests` header on plain HTTP send the scripts to https and blank the page.
 */
import { existsSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startTestApp } from '../support/app';
import { ensureConsoleBuilt } from './console-build';

const ROOT = join(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

jest.setTimeout(120_000);

let app: Awaited<ReturnType<typeof startTestApp>>;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install -y chromium).`);
  ensureConsoleBuilt(ROOT);
  app = await startTestApp();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--host-resolver-rules=MAP flywheel.test 127.0.0.1'],
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

it('renders the console and signs in over plain HTTP at http://flywheel.test:<port>/console', async () => {
  const port = (app.app.getHttpServer().address() as AddressInfo).port;
  const page = await browser.newPage();
  const failed: string[] = [];
  page.on('requestfailed', (r) => failed.push(r.url()));
  await page.goto(`http://flywheel.test:${port}/console/`);
  await page.waitForSelector('[data-testid=token-input]', { timeout: 15_000 });
  await page.fill('[data-testid=token-input]', app.token({ sub: 'ops-1', tenant: 'acme', roles: ['ops'] }));
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=who]', { timeout: 15_000 });
  expect(failed.filter((u) => u.startsWith('https:'))).toEqual([]);
});
