/**
 * The media upload check page in Chromium against the Kaltura double: a session from the real
 * service, then @instructure/k5uploader (served by the service) uploads a generated video file
 * and adds the entry; the page ends showing the entry id the double created. Errors k5uploader
 * reports (a refused upload, a file type Kaltura does not take) are shown without the KS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, saveSettings, seedUser, settingsForDouble, type TestApp } from '../helper.js';
import { DEFAULT_UI_CONF_ID, startKalturaDouble, type KalturaDouble } from '../kaltura-double/kaltura-double.js';
import { chromiumSkipReason, launchChromium, listenOnLoopback, PATIENCE, screenshot, signInThroughForm, textOf, watchPage } from './browser.js';

const skip = chromiumSkipReason();
const PARTNER = { partnerId: 4321, adminSecret: 'upload-check-admin-secret', userSecret: 'upload-check-user-secret' };

/** A few KB that Kaltura takes for a video by its name (the double checks the extension, not the content). */
function tinyVideo(name: string) {
  return { name, mimeType: 'video/mp4', buffer: Buffer.concat([Buffer.from('\0\0\0\x18ftypmp42'), randomBytes(4096)]) };
}

describe.skipIf(skip !== null)('upload check page (Chromium, Kaltura double)', () => {
  let t: TestApp;
  let kaltura: KalturaDouble;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  let watched: { problems: string[] };

  beforeAll(async () => {
    kaltura = await startKalturaDouble({ partners: [PARTNER] });
    t = await createTestApp();
    const admin = await seedUser(t.ctx, { accountName: 'Media U', domains: ['127.0.0.1'], userName: 'Uma Uploader', admin: true });
    await saveSettings(
      t.ctx,
      settingsForDouble(kaltura.port, PARTNER, {
        resource_domain: `127.0.0.1:${kaltura.port}`,
        player_ui_conf: '1',
        kcw_ui_conf: '1',
        upload_ui_conf: String(DEFAULT_UI_CONF_ID),
      }),
      admin.account.id,
    );
    await t.ctx.settings.setEnabled(admin.account.id, true);
    baseUrl = await listenOnLoopback(t.app);
    browser = await launchChromium();
    page = await browser.newPage();
    // (sign-in probes whether the user is a site admin: an expected 401)
    await signInThroughForm(page, baseUrl, admin.token, '/admin/upload-check');
    watched = watchPage(page);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await kaltura?.close();
  });

  it('is served with a connect-src naming the configured Kaltura origin', async () => {
    const response = await page.reload();
    const csp = response!.headers()['content-security-policy'];
    expect(csp).toContain(`connect-src 'self' ${kaltura.url}`);
    expect(csp).toContain("script-src 'self'");
  });

  it('uploads a generated video with k5uploader and shows the entry id the double created', async () => {
    await page.getByLabel('Media file (video or audio)').setInputFiles(tinyVideo('lecture-01.mp4'));
    await page.getByRole('button', { name: 'Upload to Kaltura' }).click();
    await expect.poll(textOf(page.locator('#upload-status')), PATIENCE).toMatch(/^Upload complete: entry /);
    await screenshot(page, 'upload-check-01-entry-created');

    expect(kaltura.entries).toHaveLength(1);
    const entry = kaltura.entries[0]!;
    expect(await textOf(page.getByLabel('Entry id'))()).toBe(entry.id);
    expect(entry.id).toMatch(/^0_[a-z0-9]{8}$/);
    expect(entry.name).toBe('lecture-01.mp4');
    expect(entry.partnerData).toMatch(/^root_account_uuid=[0-9a-f-]{36}&user_uuid=[0-9a-f-]{36}$/);
    // k5uploader's own calls, in Canvas's order, all to the double (plus the upload's CORS preflight).
    const calls = kaltura.requestLines().filter((l) => !l.startsWith('OPTIONS '));
    expect(calls[0]).toContain(`ui_conf_id=${DEFAULT_UI_CONF_ID}`);
    expect(calls.map((l) => l.replace(/\?.*$/, ''))).toEqual([
      'GET /index.php/partnerservices2/getuiconf',
      'POST /index.php/partnerservices2/upload',
      'GET /index.php/partnerservices2/addEntry',
    ]);
    expect(kaltura.uploads[0]!.origFilename).toBe('lecture-01.mp4');
    expect(watched.problems).toEqual([]);
  });

  it('shows the error Kaltura gave for a refused upload, without the KS', async () => {
    kaltura.enqueueFault({ kind: 'kaltura-error', code: 'INVALID_KS' }, { operation: 'ps2.upload' });
    await page.getByLabel('Media file (video or audio)').setInputFiles(tinyVideo('lecture-02.mp4'));
    await page.getByRole('button', { name: 'Upload to Kaltura' }).click();
    const errors = page.locator('#upload-error-list li');
    await expect.poll(() => errors.count(), PATIENCE).toBe(1);
    const text = await textOf(errors.first())();
    expect(text).toMatch(/^Kaltura refused the upload: INVALID_KS/);
    const refused = kaltura.requests.filter((r) => r.operation === 'ps2.upload').at(-1)!;
    expect(refused.fault).not.toBeNull();
    const ks = String(refused.params?.ks);
    expect(ks.length).toBeGreaterThan(40);
    expect(await page.content()).not.toContain(ks);
    expect(await textOf(page.locator('#upload-status'))()).toBe('The upload check failed.');
    await page.locator('#upload-result').waitFor({ state: 'hidden' });
    await screenshot(page, 'upload-check-02-upload-refused');
    expect(kaltura.entries).toHaveLength(1);
  });

  it("shows k5uploader's file error for a file type Kaltura does not take", async () => {
    await page.getByLabel('Media file (video or audio)').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not media') });
    await page.getByRole('button', { name: 'Upload to Kaltura' }).click();
    await expect
      .poll(textOf(page.locator('#upload-error-list li').first()), PATIENCE)
      .toBe('Kaltura does not accept notes.txt: allowed media types are audio, video, at most 500 MB.');
    await screenshot(page, 'upload-check-03-file-refused');
    expect(kaltura.uploads).toHaveLength(1);
  });
});
