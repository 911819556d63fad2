/**
 * The web console's browser suites (test/browser/console-*.spec.ts): one real service over HTTP
 * (temp SQLite, real OCR, real training) per file, driven in Debian's headless Chromium through
 * playwright-core, and the helpers that drive pages. Screenshots of every key step go to
 * artifacts/screenshots/ and are kept as artifacts of the run.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestApp } from './app';
import { ensureConsoleBuilt } from '../browser/console-build';
import { camelCaseKeys } from './wire';

export type App = Awaited<ReturnType<typeof startTestApp>>;
export type Json = Record<string, unknown>;

const ROOT = join(__dirname, '..', '..');
const SHOTS = join(ROOT, 'artifacts', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const TENANT = 'acme';

/** This file's service and browser, set by useConsoleApp's beforeAll. */
export const harness = {} as { app: App; browser: Browser };

/** camelCase keys in the JSON the console itself received (its pages read the snake_case wire). */
const leaks: string[] = [];

/** Starts the service and Chromium before the file's tests and closes them after; holds every page to the snake_case wire. */
export function useConsoleApp(): void {
  jest.setTimeout(240_000);

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install -y chromium).`);
    }
    // The service serves console/dist: build it when missing or older than the console's sources.
    ensureConsoleBuilt(ROOT);
    mkdirSync(SHOTS, { recursive: true });
    harness.app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    harness.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterEach(() => {
    const found = leaks.splice(0);
    expect(found).toEqual([]);
  });

  afterAll(async () => {
    await harness.browser?.close();
    await harness.app?.close();
  });
}


export async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await harness.browser.newContext({ viewport: { width: 1280, height: 900 } });
  // The machine running this may be loaded: wait generously for UI state (never for fixed time).
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('[console pageerror]', err.message));
  page.on('response', (res) => {
    const url = new URL(res.url());
    if (!url.pathname.startsWith('/api/') || !(res.headers()['content-type'] ?? '').includes('application/json')) return;
    const path = url.pathname + url.search;
    res.json().then(
      (body: unknown) => leaks.push(...camelCaseKeys(path, body).map((key) => `${res.request().method()} ${path}: ${key}`)),
      () => undefined,
    );
  });
  return { context, page };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Signs in the way a person does: paste the token, press Enter. */
export async function signIn(page: Page, token: string, route = ''): Promise<void> {
  await page.goto(`${harness.app.baseUrl}/console/${route ? `#/${route}` : ''}`);
  await page.waitForSelector('[data-testid=token-input]');
  await page.fill('[data-testid=token-input]', token);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=who]');
}

export async function testIdText(page: Page, testId: string): Promise<string> {
  return ((await page.textContent(`[data-testid=${testId}]`)) ?? '').trim();
}

/**
 * The part of the page's DOM that the in-page checks below use. This file compiles without the DOM
 * lib (it is a Node test); the callbacks run in the browser, where `document` is the real one.
 * They are functions, not strings: the console's Content-Security-Policy forbids eval.
 */
export interface PageNode {
  textContent: string | null;
  getAttribute(name: string): string | null;
  complete?: boolean;
  naturalWidth?: number;
}
/** The in-page `document` the checks use (declare it in a spec as `declare const document: PageDocument`). */
export interface PageDocument {
  activeElement: PageNode | null;
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode>;
}
declare const document: PageDocument;

export async function focusedTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
}

export async function waitForText(page: Page, selector: string, expected: string): Promise<void> {
  await page.waitForFunction(
    ([sel, want]) => document.querySelector(sel)?.textContent?.trim() === want,
    [selector, expected] as const,
  );
}

export async function waitForCount(page: Page, selector: string, n: number): Promise<void> {
  await page.waitForFunction(([sel, want]) => document.querySelectorAll(sel).length === want, [selector, n] as const);
}

export async function waitForImage(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((sel) => {
    const img = document.querySelector(sel);
    return !!img && !!img.complete && (img.naturalWidth ?? 0) > 0;
  }, selector);
}

export async function waitForFocus(page: Page, testId: string): Promise<void> {
  await page.waitForFunction((id) => document.activeElement?.getAttribute('data-testid') === id, testId);
}

