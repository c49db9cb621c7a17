/**
 * The admin console in a real browser: sign-in, the settings page (a validation error beside its
 * field, then a fixed retry with the connectivity check's answer), creating a token (shown once)
 * and revoking it, and being sent back to sign-in when the console's own token is revoked or
 * expired. Screenshots go to test-artifacts/browser/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bearer, createTestApp, seedUser, type TestApp } from '../helper.js';
import {
  attributeOf,
  chromiumSkipReason,
  isFocused,
  launchChromium,
  listenOnLoopback,
  PATIENCE,
  screenshot,
  signInThroughForm,
  textOf,
  watchPage,
} from './browser.js';

const skip = chromiumSkipReason();

describe.skipIf(skip !== null)('admin console (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let baseUrl: string;
  let admin: Awaited<ReturnType<typeof seedUser>>;
  let watched: { problems: string[] };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await seedUser(t.ctx, { accountName: 'Console U', domains: ['127.0.0.1'], userName: 'Ada Admin', admin: true });
    baseUrl = await listenOnLoopback(t.app);
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    watched = watchPage(page);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sends a visitor without a session to sign-in, refuses a bad token, and keeps a good one in session storage only', async () => {
    await page.goto(`${baseUrl}/admin/settings`);
    await page.waitForURL(/\/admin\/\?reason=signed_out&next=%2Fadmin%2Fsettings$/);
    await expect.poll(textOf(page.getByRole('alert')), PATIENCE).toBe('Please sign in to continue.');

    await page.getByLabel('Access token').fill('not-a-real-token');
    await page.keyboard.press('Enter');
    await expect.poll(textOf(page.locator('#token-error')), PATIENCE).toBe('Your access token is no longer valid. Sign in again.');
    await expect.poll(attributeOf(page.getByLabel('Access token'), 'aria-invalid'), PATIENCE).toBe('true');
    await screenshot(page, 'console-01-sign-in-refused');

    await page.getByLabel('Access token').fill(admin.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${baseUrl}/admin/settings`);
    await expect.poll(textOf(page.locator('#who')), PATIENCE).toContain(`Signed in as Ada Admin (user ${admin.user.id})`);
    const storage = await page.evaluate("({ session: sessionStorage.getItem('cks.admin.token'), local: localStorage.length, cookie: document.cookie })");
    expect(storage).toEqual({ session: admin.token, local: 0, cookie: '' });
    expect((await context.cookies()).length).toBe(0);
  });

  it('shows a validation error beside its field, then saves the fixed settings and shows the check', async () => {
    await page.getByRole('group', { name: 'Domain Settings' }).waitFor({ state: 'visible' });
    // nothing stored yet: the switch's hint says what the first save does
    await expect.poll(textOf(page.locator('#s-enabled-hint')), PATIENCE).toContain('The first save enables Kaltura for this account');
    await page.getByLabel('Domain', { exact: true }).fill('kaltura.example.com');
    await page.getByLabel('Resource Domain').fill('cdn.kaltura.example.com');
    await page.getByLabel('Partner ID', { exact: true }).fill('100');
    await page.getByLabel('Sub Partner ID').fill('10000');
    await page.getByLabel('Administrator Secret').fill('console-admin-secret');
    await page.getByLabel('User Secret').fill('console-user-secret');
    await page.getByLabel('Player UI Conf ID').fill('1');
    await page.getByLabel('KCW UI Conf ID').fill('1');
    await page.getByLabel('Uploader UI Conf ID').fill('1');
    await page.getByLabel('Seconds to cache playlist URL').fill('soon');
    await page.getByLabel('Hide the video icon in Rich Content Editor.').check();
    await page.getByRole('button', { name: 'Save settings' }).click();

    const cacheField = page.getByLabel('Seconds to cache playlist URL');
    await expect.poll(textOf(page.locator('#s-cache_play_list_seconds-error')), PATIENCE).toBe('Please enter an integer for the play list cache');
    await expect.poll(attributeOf(cacheField, 'aria-invalid'), PATIENCE).toBe('true');
    await expect.poll(isFocused(cacheField), PATIENCE).toBe(true);
    await expect.poll(textOf(page.locator('#settings-status')), PATIENCE).toContain('Not saved: 1 problem.');
    await screenshot(page, 'console-02-settings-validation-error');
    expect((await t.ctx.settings.show(admin.account.id)).updated_at).toBeNull();

    // The secrets typed before the failed save are still in the form; fix the field and retry with the check.
    await cacheField.fill('30');
    await page.getByLabel('Check the connection to Kaltura').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(textOf(page.locator('#settings-status')), PATIENCE).toBe('Settings saved.');
    await expect.poll(textOf(page.locator('#check-result')), PATIENCE).toContain('Connectivity check passed. (success)');
    await expect.poll(attributeOf(cacheField, 'aria-invalid'), PATIENCE).toBeNull();
    // Secrets are write-only: the form is emptied and says one is stored.
    await expect.poll(() => page.getByLabel('Administrator Secret').inputValue(), PATIENCE).toBe('');
    await expect.poll(textOf(page.locator('#s-secret_key-hint')), PATIENCE).toContain('A secret is stored and not shown');
    expect(await page.content()).not.toContain('console-admin-secret');
    await screenshot(page, 'console-03-settings-saved');

    const stored = await t.ctx.settings.show(admin.account.id);
    expect(stored.settings).toMatchObject({ domain: 'kaltura.example.com', partner_id: '100', cache_play_list_seconds: 30, hide_rte_button: true, secret_key: '********' });
    expect(stored.enabled).toBe(true);
    expect((await t.ctx.settings.effective(admin.account.id)).secrets.secret_key).toBe('console-admin-secret');
  });

  it('creates a token, shows it once, and revokes it', async () => {
    await page.getByRole('link', { name: 'Access tokens' }).click();
    await page.waitForURL(`${baseUrl}/admin/tokens`);
    await expect.poll(attributeOf(page.getByRole('link', { name: 'Access tokens' }), 'aria-current'), PATIENCE).toBe('page');
    await page.getByLabel('Purpose').fill('lecture capture');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByLabel('Copy this token now. It will not be shown again.');
    await shown.waitFor({ state: 'visible' });
    const created = await shown.inputValue();
    expect(created).toMatch(/^[2346789acefhkmnrtuvwxyzABCDEFGHJKLMNPQRTUVWXYZ]{64}$/);
    const row = page.locator('#tokens-table tbody tr', { hasText: 'lecture capture' });
    await expect.poll(() => row.count(), PATIENCE).toBe(1);
    await expect.poll(textOf(row.locator('code')), PATIENCE).toBe(created.slice(0, 5));
    await screenshot(page, 'console-04-token-created');
    expect((await t.app.inject({ url: '/api/v1/services/kaltura', headers: { ...bearer(created), host: '127.0.0.1' } })).statusCode).toBe(200);

    await page.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Revoke lecture capture' }).click();
    await expect.poll(textOf(page.locator('#tokens-status')), PATIENCE).toBe('Revoked lecture capture.');
    await expect.poll(() => row.count(), PATIENCE).toBe(0);
    await screenshot(page, 'console-05-token-revoked');
    const after = await t.app.inject({ url: '/api/v1/services/kaltura', headers: { ...bearer(created), host: '127.0.0.1' } });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toEqual({ errors: [{ message: 'Revoked access token.' }] });
  });

  it('creates a developer key with scopes and lists it', async () => {
    await page.getByRole('link', { name: 'Developer keys' }).click();
    await page.waitForURL(`${baseUrl}/admin/developer-keys`);
    await page.getByLabel('Name').fill('Media tool');
    await page.getByLabel('Scopes (one per line)').fill('url:POST|/api/v1/services/kaltura_session');
    await page.getByLabel('Require scopes on its tokens').check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const row = page.locator('#keys-table tbody tr', { hasText: 'Media tool' });
    await expect.poll(() => row.count(), PATIENCE).toBe(1);
    expect(await textOf(row)()).toContain('url:POST|/api/v1/services/kaltura_session');
    await screenshot(page, 'console-05b-developer-key');
    const keys = await t.app.inject({ url: '/api/v1/accounts/self/developer_keys', headers: { ...bearer(admin.token), host: '127.0.0.1' } });
    expect(keys.json()).toEqual([expect.objectContaining({ name: 'Media tool', require_scopes: true, scopes: ['url:POST|/api/v1/services/kaltura_session'] })]);
  });

  it('returns to sign-in when the console token is revoked, then comes back after signing in again', async () => {
    const { token, record } = await t.ctx.tokens.create({ userId: admin.user.id, purpose: 'console' });
    await signInThroughForm(page, baseUrl, token, '/admin/users');
    await expect.poll(() => page.locator('#users-table tbody tr', { hasText: 'Ada Admin' }).count(), PATIENCE).toBe(1);
    await t.ctx.tokens.revoke(record.id);

    await page.getByRole('button', { name: 'Refresh list' }).click();
    await page.waitForURL(/\/admin\/\?reason=revoked&next=%2Fadmin%2Fusers$/, PATIENCE);
    await expect.poll(textOf(page.getByRole('alert')), PATIENCE).toBe('Your access token was revoked. Sign in with another token.');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await screenshot(page, 'console-06-revoked-back-to-sign-in');

    await page.getByLabel('Access token').fill(admin.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${baseUrl}/admin/users`);
  });

  it('returns to sign-in when the console token has expired', async () => {
    const { token } = await t.ctx.tokens.create({ userId: admin.user.id, purpose: 'short', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    await signInThroughForm(page, baseUrl, token, '/admin/audit');
    await expect.poll(textOf(page.locator('#audit-status')), PATIENCE).toBe('No sessions match these filters.');
    // Expire it in storage rather than waiting for it.
    await t.ctx.db.kysely.updateTable('access_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('purpose', '=', 'short').execute();

    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/\/admin\/\?reason=expired&next=%2Fadmin%2Faudit/, PATIENCE);
    await expect.poll(textOf(page.getByRole('alert')), PATIENCE).toBe('Your access token has expired. Sign in with a current token.');
    await screenshot(page, 'console-07-expired-back-to-sign-in');
    // Only the refused sign-in, the refused save and the ended sessions failed; no page error.
    expect(watched.problems.filter((p) => !/^401 /.test(p))).toEqual(['400 PUT /api/v1/accounts/self/kaltura_settings']);
  });
});
