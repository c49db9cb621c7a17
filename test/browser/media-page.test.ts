/**
 * The console's media page in Chromium, against the Kaltura double: an admin sees every media object
 * of the account with its thumbnail (the service's thumbnail redirect to the double, allowed by the
 * page's CSP), its ready sources and its captions; searches by title and filters by owner, with the
 * keyboard; a bad filter is shown beside its field. Screenshots go to test-artifacts/browser/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { bearer, createTestApp, saveSettings, seedUser, settingsForDouble, type TestApp } from '../helper.js';
import { startKalturaDouble, type KalturaDouble } from '../kaltura-double/kaltura-double.js';
import { attributeOf, chromiumSkipReason, isFocused, launchChromium, listenOnLoopback, PATIENCE, screenshot, signInThroughForm, textOf, watchPage } from './browser.js';

const skip = chromiumSkipReason();
const PARTNER = { partnerId: 3579, adminSecret: 'media-page-admin-secret', userSecret: 'media-page-user-secret' };

describe.skipIf(skip !== null)('console media page (Chromium, Kaltura double)', () => {
  let t: TestApp;
  let kaltura: KalturaDouble;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  let admin: Awaited<ReturnType<typeof seedUser>>;
  let teacher: Awaited<ReturnType<typeof seedUser>>;
  let watched: { problems: string[] };
  const ids: Record<string, string> = {};

  async function call(method: 'POST' | 'PUT', url: string, token: string, payload: unknown): Promise<void> {
    const res = await t.app.inject({ method, url, headers: { host: '127.0.0.1', ...bearer(token), 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
    if (res.statusCode !== 200) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  }

  beforeAll(async () => {
    kaltura = await startKalturaDouble({ partners: [PARTNER] });
    t = await createTestApp();
    admin = await seedUser(t.ctx, { accountName: 'Media Console U', domains: ['127.0.0.1'], userName: 'Ada Admin', admin: true });
    teacher = await seedUser(t.ctx, { accountId: admin.account.id, userName: 'Tess Teacher' });
    await saveSettings(t.ctx, settingsForDouble(kaltura.port, PARTNER, { resource_domain: `127.0.0.1:${kaltura.port}` }), admin.account.id);
    await t.ctx.settings.setEnabled(admin.account.id, true);

    // three objects: two of the teacher's (one with captions), one audio of the admin's
    for (const [key, name, mediaType, owner, context] of [
      ['lecture', 'Lecture 1: atoms', 1, teacher, 'course_7'],
      ['lab', 'Lab safety walkthrough', 1, teacher, 'course_7'],
      ['podcast', 'Department podcast', 5, admin, `user_${admin.user.id}`],
    ] as const) {
      const entry = kaltura.addEntry({ name, mediaType, partnerId: PARTNER.partnerId });
      ids[key] = entry.id;
      await call('POST', '/api/v1/media_objects', owner.token, { id: entry.id, type: mediaType === 5 ? 'audio' : 'video', context_code: context, title: `${key}.mp4`, user_entered_title: name });
    }
    await call('PUT', `/api/v1/media_objects/${ids.lecture}/media_tracks`, teacher.token, [
      { locale: 'en', content: 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nAtoms\n' },
      { locale: 'fr', content: '1\n00:00:00,000 --> 00:00:01,000\nAtomes\n' },
    ]);

    baseUrl = await listenOnLoopback(t.app);
    browser = await launchChromium();
    page = await browser.newPage();
    await page.addInitScript("window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));");
    await signInThroughForm(page, baseUrl, admin.token, '/admin/media');
    watched = watchPage(page);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await kaltura?.close();
  });

  const rows = () => page.locator('#media-table tbody tr');

  it('lists every object of the account with its thumbnail, sources and captions', async () => {
    await expect.poll(textOf(page.locator('#media-status')), PATIENCE).toBe('3 media objects shown.');
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Media objects');
    const titles = await rows().locator('.media-title').allTextContents();
    expect(titles).toEqual(['Department podcast', 'Lab safety walkthrough', 'Lecture 1: atoms']);

    const lecture = rows().filter({ hasText: 'Lecture 1: atoms' });
    await expect.poll(textOf(lecture.locator('td').nth(2)), PATIENCE).toBe(`Tess Teacher (${teacher.user.id})`);
    expect(await textOf(lecture.locator('td').nth(3))()).toBe('course_7');
    expect(await lecture.locator('td').nth(5).locator('li').allTextContents()).toEqual(['en (captions)', 'fr (captions)']);
    // sources: the double's ready flavors, as download links (the converting one is not listed)
    const links = lecture.locator('td').nth(4).locator('a');
    await expect.poll(() => links.count(), PATIENCE).toBe(2);
    expect((await links.allTextContents()).sort()).toEqual(['1280×720 mp4, 1900 kbit/s (original)', '640×360 mp4, 900 kbit/s']);
    for (const href of await links.evaluateAll((els) => els.map((e) => e.getAttribute('href') ?? ''))) {
      expect(href.startsWith(`${kaltura.url}/p/${PARTNER.partnerId}/sp/${PARTNER.partnerId}00/download/entry_id/${ids.lecture}/flavor/`)).toBe(true);
    }
    // thumbnails load through the service's redirect to the double (img-src allows Kaltura's origin)
    const image = lecture.getByRole('img', { name: 'Thumbnail of Lecture 1: atoms' });
    await expect.poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), PATIENCE).toBe(128);
    expect(kaltura.requests.some((r) => r.operation === 'serve.thumbnail' && r.params?.entry_id === ids.lecture)).toBe(true);
    await screenshot(page, 'media-page-01-list');
    expect(await page.evaluate('window.cspViolations')).toEqual([]);
    expect(watched.problems).toEqual([]);
  });

  it('searches by title and filters by owner with the keyboard; the view is kept in the address', async () => {
    const search = page.getByLabel('Title contains');
    await search.focus();
    await page.keyboard.type('lab');
    await page.keyboard.press('Enter');
    await expect.poll(textOf(page.locator('#media-status')), PATIENCE).toBe('1 media object shown.');
    expect(await rows().locator('.media-title').allTextContents()).toEqual(['Lab safety walkthrough']);
    expect(new URL(page.url()).searchParams.get('search_term')).toBe('lab');

    await search.fill('');
    await page.getByLabel("Owner's user id").fill(String(admin.user.id));
    await page.getByRole('button', { name: 'Search' }).press('Enter');
    await expect.poll(textOf(page.locator('#media-status')), PATIENCE).toBe('1 media object shown.');
    expect(await rows().locator('.media-title').allTextContents()).toEqual(['Department podcast']);
    expect(await rows().locator('td').nth(5).textContent()).toBe('None');

    // the keyboard reaches the filters in order, and focus is visible
    await search.focus();
    await page.keyboard.press('Tab');
    await expect.poll(isFocused(page.getByLabel("Owner's user id")), PATIENCE).toBe(true);
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).not.toBe('none');
    await screenshot(page, 'media-page-02-filtered');
  });

  it('shows a bad owner id beside its field and focuses it', async () => {
    await page.getByLabel("Owner's user id").fill('tess');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(textOf(page.locator('#f-user-error')), PATIENCE).toBe('The user id must be a whole number.');
    await expect.poll(attributeOf(page.getByLabel("Owner's user id"), 'aria-invalid'), PATIENCE).toBe('true');
    await expect.poll(isFocused(page.getByLabel("Owner's user id")), PATIENCE).toBe(true);
    await screenshot(page, 'media-page-03-bad-filter');
  });

  it('is for admins: a teacher signed in gets sent back to sign-in', async () => {
    const tab = await browser.newPage();
    await tab.goto(`${baseUrl}/admin/?next=${encodeURIComponent('/admin/media')}`);
    await tab.getByLabel('Access token').fill(teacher.token);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(textOf(tab.locator('#token-error')), PATIENCE).not.toBe('');
    expect(new URL(tab.url()).pathname).toBe('/admin/');
    await tab.close();
  });
});
