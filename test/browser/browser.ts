/**
 * Browser test harness: Debian's Chromium driven by playwright-core (never a downloaded browser),
 * the real app listening on loopback, and screenshots saved under test-artifacts/browser/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { ROOT } from '../process.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(ROOT, 'test-artifacts', 'browser');

/** Why browser tests cannot run here (null: they can). Under CI=true a missing Chromium is a failure. */
export function chromiumSkipReason(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const reason = `Chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`;
  if (process.env.CI === 'true') throw new Error(`browser tests need Chromium under CI: ${reason}`);
  console.warn(`skipping browser tests: ${reason}`);
  return reason;
}

/** Starts headless Chromium with the flags this machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Listens on 127.0.0.1 (a free port) and returns the base URL. */
export async function listenOnLoopback(app: FastifyInstance): Promise<string> {
  return app.listen({ host: '127.0.0.1', port: 0 });
}

/** Saves a full-page screenshot as test-artifacts/browser/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

/** Collects what the page logs as errors and the requests it could not make, for failure messages. */
export function watchPage(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
  });
  return { problems };
}

/** Signs in through the sign-in form with `token` (replacing any session of the tab). */
export async function signInThroughForm(page: Page, baseUrl: string, token: string, next = '/admin/settings'): Promise<void> {
  await page.goto(`${baseUrl}/admin/?reason=signed_out&next=${encodeURIComponent(next)}`);
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === next, PATIENCE);
}

/** How long a browser expectation may keep retrying (a bound for slow machines, not a speed claim). */
export const PATIENCE = { timeout: 20_000, interval: 50 };

/** The trimmed text of a locator, for `expect.poll`. */
export const textOf = (locator: Locator) => async () => ((await locator.textContent()) ?? '').trim();

/** An attribute of a locator, for `expect.poll`. */
export const attributeOf = (locator: Locator, name: string) => () => locator.getAttribute(name);

/** Whether a locator holds the keyboard focus, for `expect.poll`. */
export const isFocused = (locator: Locator) => () => locator.evaluate((el) => el === el.ownerDocument.activeElement);
