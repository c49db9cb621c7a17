/**
 * The overview and the KS inspector in Chromium, over a seeded history (sessions of every mode
 * over nine days, Kaltura calls of every outcome, real failures through the double): sign-in
 * lands on the overview; uPlot draws each chart under the console's CSP (no violation); each
 * chart has a summary (its aria-describedby) and a data table; the circuit and the last check
 * are shown; the KS inspector verifies a minted KS on the server. Screenshots of each state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumSkipReason, launchChromium, listenOnLoopback, PATIENCE, screenshot, textOf, watchPage } from './browser.js';
import { consoleWorld, type ConsoleWorld } from './console-seed.js';

const skip = chromiumSkipReason();

describe.skipIf(skip !== null)('overview and KS inspector (Chromium)', () => {
  let w: ConsoleWorld;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  let watched: { problems: string[] };
  const violations: string[] = [];
  const received: string[] = [];

  beforeAll(async () => {
    w = await consoleWorld();
    baseUrl = await listenOnLoopback(w.t.app);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await context.exposeFunction('reportCspViolation', (text: string) => violations.push(text));
    await context.addInitScript(
      "document.addEventListener('securitypolicyviolation', (e) => window.reportCspViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`))",
    );
    page = await context.newPage();
    watched = watchPage(page);
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/api/')) void response.text().then((t) => received.push(t), () => {});
    });
  });

  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  it('lands on the overview after sign-in and draws every chart with its text equivalent', async () => {
    await page.goto(`${baseUrl}/admin/`);
    await page.getByLabel('Access token').fill(w.admin.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/overview', PATIENCE);
    await expect.poll(textOf(page.locator('#overview-status')), PATIENCE).toBe('Showing account ' + w.admin.account.id + ', last 48 hours per hour.');

    const cards = page.locator('section.chart-card');
    await expect.poll(() => cards.count(), PATIENCE).toBe(4);
    for (const id of ['sessions', 'kaltura_calls', 'kaltura_latency', 'media_objects']) {
      const card = page.locator(`section[data-chart="${id}"]`);
      // uPlot drew a canvas of real size inside the labelled image
      const box = await card.locator('.chart canvas').boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(box!.height).toBeGreaterThan(150);
      const describedBy = await card.locator('.chart').getAttribute('aria-describedby');
      expect(await textOf(page.locator(`#${describedBy}`))()).toMatch(/over the last 48 hours/);
      // the data table: one row per hour
      expect(await card.locator('table.data tbody tr').count()).toBe(48);
    }
    const sessions = await textOf(page.locator('#chart-sessions-summary'))();
    expect(sessions).toMatch(/^Sessions minted over the last 48 hours, in total: local \d+, remote \d+, app token \d+\. Busiest hour: /);
    const calls = await textOf(page.locator('#chart-kaltura_calls-summary'))();
    for (const outcome of ['success', 'kaltura_session_failed', 'kaltura_timeout', 'kaltura_unavailable']) expect(calls).toMatch(new RegExp(`${outcome} [1-9]\\d*`));
    expect(await textOf(page.locator('#chart-kaltura_latency-summary'))()).toMatch(/p50 from [\d.]+ ms to [\d.,]+ ms; p95 from/);

    // Kaltura now: the circuit opened by the failures, the check that ran when the settings were saved
    await expect.poll(textOf(page.locator('#circuits-table tbody')), PATIENCE).toContain('open');
    expect(await textOf(page.locator('#now-check'))()).toMatch(/^Passed \(success\) .*Kaltura started a remote trial session for partner 2468/);
    expect(await textOf(page.locator('#now-mode'))()).toBe('remote');
    await screenshot(page, 'overview-01-48-hours');

    await page.locator('section[data-chart="kaltura_calls"] summary').click();
    await page.locator('section[data-chart="kaltura_calls"] table.data').scrollIntoViewIfNeeded();
    await screenshot(page, 'overview-02-48-hours-data-table');
  });

  it('switches to 30 days per day', async () => {
    await page.getByLabel('Last 30 days, per day').check();
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(textOf(page.locator('#overview-status')), PATIENCE).toBe(`Showing account ${w.admin.account.id}, last 30 days per day.`);
    expect(await page.locator('section[data-chart="sessions"] table.data tbody tr').count()).toBe(30);
    expect(await textOf(page.locator('#chart-sessions-summary'))()).toMatch(/over the last 30 days, in total: .* Busiest day: \d{4}-\d\d-\d\d with \d+\./);
    expect(new URL(page.url()).search).toBe(`?account=self&period=30d`);
    await screenshot(page, 'overview-03-30-days');
  });

  it('shows a site admin every account, and says when an account does not exist', async () => {
    // the first admin is not a site admin: no "All accounts" choice
    expect(await page.locator('#o-account option[value="all"]').count()).toBe(0);
    await w.t.ctx.db.kysely.updateTable('account_admins').set({ site_admin: 1 }).where('user_id', '=', w.admin.user.id).execute();
    await page.goto(`${baseUrl}/admin/?reason=signed_out&next=${encodeURIComponent('/admin/overview?account=all&period=30d')}`);
    await page.getByLabel('Access token').fill(w.admin.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(textOf(page.locator('#overview-status')), PATIENCE).toBe('Showing all accounts, last 30 days per day.');
    await page.getByLabel('Or account id').fill('424242');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(textOf(page.locator('#o-account-error')), PATIENCE).toBe('There is no account 424242.');
    await screenshot(page, 'overview-04-unknown-account');
  });

  it('inspects a KS on the server: verified with its fields, or refused with the reason', async () => {
    await page.getByRole('link', { name: 'KS inspector' }).click();
    await page.waitForURL(`${baseUrl}/admin/ks`);
    await page.getByRole('button', { name: 'Inspect' }).click();
    await expect.poll(textOf(page.locator('#ks-input-error')), PATIENCE).toBe('Paste a KS to inspect.');
    await screenshot(page, 'ks-01-empty');

    await page.getByLabel('Kaltura session (KS)').fill(w.mintedKs);
    await page.getByRole('button', { name: 'Inspect' }).click();
    await expect.poll(textOf(page.locator('#ks-status')), PATIENCE).toBe('The KS is valid.');
    const facts = await textOf(page.locator('#ks-facts'))();
    expect(facts).toContain('SignatureVerified with this account\'s administrator secret');
    expect(facts).toContain(`Partner${w.partnerId}`);
    expect(facts).toContain('TypeUSER');
    expect(facts).toMatch(/Expiry.*\(expires in (5 hours|6 hours)/);
    expect(facts).toContain('edit:*');
    expect(facts).toContain(`…${w.mintedKs.slice(-6)}`);
    await screenshot(page, 'ks-02-verified');
    // verified on the server: no secret is in the page or in anything the page received
    for (const secret of w.secrets) {
      expect(await page.content()).not.toContain(secret);
      expect(received.join('\n')).not.toContain(secret);
    }
    expect(received.some((body) => body.includes('"signature":"verified"'))).toBe(true);

    await page.getByLabel('Kaltura session (KS)').fill('not a kaltura session at all');
    await page.getByRole('button', { name: 'Inspect' }).click();
    await expect.poll(textOf(page.locator('#ks-verdict')), PATIENCE).toBe('This is not a Kaltura session: it cannot be decoded.');
    await screenshot(page, 'ks-03-not-a-ks');
    // the KS went in a POST body: never in an address the browser loaded
    expect(page.url()).not.toContain(w.mintedKs.slice(0, 20));
  });

  it('met no CSP violation and no page error', async () => {
    expect(violations).toEqual([]);
    // the expected refusals: sign-in's site-admin probe (before the promotion) and the unknown account
    expect(watched.problems.filter((p) => p !== '401 GET /api/v1/kaltura_settings' && p !== '404 GET /api/v1/accounts/424242/overview')).toEqual([]);
    // the watch itself works: an inline style attribute is refused and reported
    await page.evaluate("{ const probe = document.createElement('div'); probe.setAttribute('style', 'color: red'); document.body.append(probe); }");
    await expect.poll(() => violations.length, PATIENCE).toBe(1);
    expect(violations[0]).toMatch(/^style-src/);
  });
});
