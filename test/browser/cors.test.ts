/**
 * CORS for the session endpoint, from a page on another origin in Chromium: an origin listed in
 * CORS_ORIGINS may POST /api/v1/services/kaltura_session with a Bearer token (after a preflight);
 * an unlisted origin, and any origin on another API route, is refused by the browser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, saveSettings, seedUser, CANVAS_SPEC_SETTINGS, type TestApp } from '../helper.js';
import { chromiumSkipReason, launchChromium, listenOnLoopback } from './browser.js';

const skip = chromiumSkipReason();

/** A page server on its own port: the "other site" (e.g. a Canvas instance's rich content editor). */
function startOtherSite(): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>other site</title><p>other site</p>');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port })));
}

/** Runs fetch in the page; answers the status and body, or the error the browser gave. */
async function fetchFrom(page: Page, url: string, init: { method: string; token: string }) {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const res = await fetch(url, { method: init.method, headers: { Authorization: `Bearer ${init.token}` } });
        return { status: res.status, body: await res.json() };
      } catch (err) {
        return { error: String(err) };
      }
    },
    { url, init },
  );
}

describe.skipIf(skip !== null)('CORS for the session endpoint (Chromium, two origins)', () => {
  let t: TestApp;
  let other: { server: Server; port: number };
  let browser: Browser;
  let page: Page;
  let apiUrl: string;
  let token: string;

  beforeAll(async () => {
    other = await startOtherSite();
    // Only 127.0.0.1:<port> is listed; localhost:<port> is the same server under another origin.
    t = await createTestApp({ env: { CORS_ORIGINS: `http://127.0.0.1:${other.port}` } });
    const seeded = await seedUser(t.ctx, { domains: ['127.0.0.1'] });
    token = seeded.token;
    await saveSettings(t.ctx, CANVAS_SPEC_SETTINGS);
    apiUrl = await listenOnLoopback(t.app);
    browser = await launchChromium();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await new Promise((resolve) => other?.server.close(resolve));
  });

  it('lets a listed origin start a Kaltura session', async () => {
    await page.goto(`http://127.0.0.1:${other.port}/`);
    const result = await fetchFrom(page, `${apiUrl}/api/v1/services/kaltura_session?include_upload_config=1`, { method: 'POST', token });
    expect(result).toMatchObject({ status: 200, body: { partner_id: '100', subp_id: '10000', kaltura_setting: { uploadUrl: 'http://kaltura.example.com/index.php/partnerservices2/upload' } } });
  });

  it('refuses the same call from an origin that is not listed', async () => {
    await page.goto(`http://localhost:${other.port}/`);
    const result = await fetchFrom(page, `${apiUrl}/api/v1/services/kaltura_session`, { method: 'POST', token });
    expect(result).toEqual({ error: 'TypeError: Failed to fetch' });
  });

  it('refuses a listed origin on other API routes', async () => {
    await page.goto(`http://127.0.0.1:${other.port}/`);
    const result = await fetchFrom(page, `${apiUrl}/api/v1/services/kaltura`, { method: 'GET', token });
    expect(result).toEqual({ error: 'TypeError: Failed to fetch' });
  });
});
