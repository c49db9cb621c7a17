/**
 * Every console page in Chromium, the sign-in and error states included: no serious or
 * critical axe-core violation, and a keyboard walk (Tab) that reaches every interactive element
 * with a visible focus style. The signed-in pages are the ones the layout's navigation lists
 * (read from the page, so a page added to the navigation is checked too), over seeded data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PAGES } from '../../src/http/admin-pages.js';
import { chromiumSkipReason, launchChromium, listenOnLoopback, PATIENCE, screenshot, textOf } from './browser.js';
import { consoleWorld, type ConsoleWorld } from './console-seed.js';
import { keyboardWalk, seriousAxeViolations } from './a11y.js';

const skip = chromiumSkipReason();

describe.skipIf(skip !== null)('console accessibility (Chromium, axe-core and keyboard)', () => {
  let w: ConsoleWorld;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;

  beforeAll(async () => {
    w = await consoleWorld();
    baseUrl = await listenOnLoopback(w.t.app);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  /** axe and the keyboard walk on the page as it is now. */
  async function check(state: string): Promise<void> {
    const axe = await seriousAxeViolations(page);
    expect(axe, `${state}: axe-core serious/critical violations`).toEqual([]);
    const walk = await keyboardWalk(page);
    expect(walk.reached, `${state}: nothing reachable by keyboard`).toBeGreaterThan(0);
    expect(walk.unreached, `${state}: not reachable by Tab`).toEqual([]);
    expect(walk.invisibleFocus, `${state}: focus not visible`).toEqual([]);
  }

  it('sign-in page, empty', async () => {
    await page.goto(`${baseUrl}/admin/`);
    await page.getByLabel('Access token').waitFor();
    await check('sign-in');
  });

  it('sign-in page, error states (session expired, token refused)', async () => {
    await page.goto(`${baseUrl}/admin/?reason=expired`);
    await page.getByLabel('Access token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(textOf(page.locator('#token-error')), PATIENCE).not.toBe('');
    await screenshot(page, 'a11y-sign-in-error');
    await check('sign-in error');
  });

  it('every page of the navigation', async () => {
    await page.getByLabel('Access token').fill(w.admin.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/overview', PATIENCE);
    const navigation = await page.locator('nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    // the navigation is the list of signed-in pages (so a new page is covered here)
    expect(navigation).toEqual(ADMIN_PAGES.filter((p) => p.signedIn).map((p) => p.path));
    expect(navigation).toEqual(expect.arrayContaining(['/admin/overview', '/admin/ks', '/admin/settings', '/admin/users', '/admin/tokens', '/admin/developer-keys', '/admin/audit', '/admin/upload-check']));
    for (const path of navigation as string[]) {
      await page.goto(`${baseUrl}${path}`);
      await page.locator('body.ready').waitFor(PATIENCE);
      // let the page load its data (its status line settles, or a brief pause for pages without one)
      await page.waitForLoadState('networkidle');
      await check(path);
    }
  });

  it('overview with a data table open', async () => {
    await page.goto(`${baseUrl}/admin/overview`);
    await expect.poll(() => page.locator('section.chart-card').count(), PATIENCE).toBe(4);
    await page.locator('section[data-chart="kaltura_calls"] summary').click();
    await check('overview, data table open');
  });

  it('error states of console pages (a bad filter, an unknown account, an empty KS, a refused KS)', async () => {
    await page.goto(`${baseUrl}/admin/audit`);
    await page.getByLabel('User id').fill('abc');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(textOf(page.locator('#f-user-error')), PATIENCE).not.toBe('');
    await check('audit, filter error');

    await page.goto(`${baseUrl}/admin/overview?account=99999`);
    await expect.poll(textOf(page.locator('#overview-status')), PATIENCE).not.toBe('Loading…');
    await check('overview, error');

    await page.goto(`${baseUrl}/admin/ks`);
    await page.getByRole('button', { name: 'Inspect' }).click();
    await expect.poll(textOf(page.locator('#ks-input-error')), PATIENCE).toBe('Paste a KS to inspect.');
    await check('ks, empty');
    await page.getByLabel('Kaltura session (KS)').fill('djJ8MjQ2OHxnot-really-a-ks');
    await page.getByRole('button', { name: 'Inspect' }).click();
    await expect.poll(textOf(page.locator('#ks-status')), PATIENCE).toBe('The KS is not valid.');
    await check('ks, refused');
    await page.getByLabel('Kaltura session (KS)').fill(w.mintedKs);
    await page.getByRole('button', { name: 'Inspect' }).click();
    await expect.poll(textOf(page.locator('#ks-status')), PATIENCE).toBe('The KS is valid.');
    await check('ks, verified');
  });
});

describe.skipIf(skip !== null)('the accessibility checks themselves (Chromium)', () => {
  let w: ConsoleWorld;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    w = await consoleWorld();
    const baseUrl = await listenOnLoopback(w.t.app);
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    await page.goto(`${baseUrl}/admin/`);
    await page.getByLabel('Access token').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  it('report a nameless button (axe) and a link whose focus draws nothing (keyboard)', async () => {
    // CSSOM styles are allowed by the CSP (only style attributes in markup are not)
    await page.evaluate(`{
      const form = document.getElementById('sign-in-form');
      form.append(document.createElement('button'));
      const link = document.createElement('a');
      link.href = '#nowhere';
      link.id = 'no-focus-style';
      link.textContent = 'quiet link';
      link.style.outline = 'none';
      form.append(link);
    }`);
    const axe = await seriousAxeViolations(page);
    expect(axe.map((v) => v.id)).toContain('button-name');
    const walk = await keyboardWalk(page);
    expect(walk.invisibleFocus).toEqual(['a#no-focus-style "quiet link"']);
  });
});
