/**
 * The admin console over plain HTTP: every page is served with the Content-Security-Policy and
 * holds no inline script, style or event handler; its scripts and k5uploader are served (and
 * nothing else of the package); the upload check page alone may call the configured Kaltura
 * origin. CORS: the session endpoint answers listed origins only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_WEB_ROOT } from '../../src/http/plugins/admin-console.js';
import { ADMIN_PAGES, loadAdminPages } from '../../src/http/admin-pages.js';
import { createTestApp, saveSettings, seedUser, CANVAS_SPEC_SETTINGS, type TestApp } from '../helper.js';

const CSP_PARTS = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"];

function directive(csp: string, name: string): string {
  return csp.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `)) ?? '';
}

describe('admin console pages', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: 'https://canvas.example.edu, http://localhost:3001/' } });
    await seedUser(t.ctx, { domains: ['127.0.0.1'], admin: true });
  });
  afterAll(() => t?.close());

  const composed = loadAdminPages(ADMIN_WEB_ROOT);
  const pagePaths = [...ADMIN_PAGES.map((p) => p.path), '/admin/'];

  it.each(pagePaths)('%s is served with the CSP and no inline script or style', async (path) => {
    const res = await t.app.inject({ url: path, headers: { host: '127.0.0.1' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(res.headers['content-security-policy']);
    for (const part of CSP_PARTS) expect(csp).toContain(part);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(res.body).toBe(composed.get(path === '/admin/' ? '/admin' : path));
    // the shared layout around the page's own content: every signed-in page links every other one
    const page = ADMIN_PAGES.find((p) => p.path === (path === '/admin/' ? '/admin' : path))!;
    expect(res.body).toContain(`<title>${page.title} · Canvas Kaltura services</title>`);
    expect(res.body).toContain(readFileSync(join(ADMIN_WEB_ROOT, 'pages', `${page.name}.html`), 'utf8'));
    for (const other of ADMIN_PAGES.filter((p) => p.signedIn)) {
      expect(res.body.includes(`<a href="${other.path}">${other.title}</a>`)).toBe(page.signedIn);
    }

    const scripts = [...res.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\/admin\/assets\/js\/[a-z-]+\.js"/);
      expect(attrs).toMatch(/\btype="module"/);
      expect(body!.trim()).toBe('');
    }
    expect(res.body).not.toMatch(/<style\b/i);
    expect(res.body).not.toMatch(/\sstyle\s*=/i);
    expect(res.body).not.toMatch(/\son[a-z]+\s*=/i);
    expect(res.body).not.toMatch(/javascript:/i);
  });

  it('serves every script and stylesheet the pages load, under the same CSP', async () => {
    const referenced = new Set<string>();
    for (const html of composed.values()) {
      for (const m of html.matchAll(/(?:src|href)="(\/admin\/assets\/[^"]+)"/g)) referenced.add(m[1]!);
    }
    const modules = readdirSync(join(ADMIN_WEB_ROOT, 'assets', 'js')).map((f) => `/admin/assets/js/${f}`);
    for (const url of [...referenced, ...modules]) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(url.endsWith('.css') ? /^text\/css/ : /^(application|text)\/javascript/);
      expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
      // The console's code builds the DOM from text, never from HTML strings.
      expect(res.body, url).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    }
  });

  it("serves k5uploader's ES modules from the package, and nothing else of it", async () => {
    const index = await t.app.inject({ url: '/admin/vendor/k5uploader/index.js' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/javascript/);
    expect(index.body).toContain('export function K5Uploader');
    for (const m of index.body.matchAll(/from '\.\/([a-z_]+\.js)'/g)) {
      expect((await t.app.inject({ url: `/admin/vendor/k5uploader/${m[1]}` })).statusCode).toBe(200);
    }
    for (const url of ['/admin/vendor/k5uploader/index.d.ts', '/admin/vendor/k5uploader/../package.json', '/admin/vendor/k5uploader/__tests__/uploader.test.js', '/admin/vendor/k5uploader/']) {
      expect((await t.app.inject({ url })).statusCode, url).toBe(404);
    }
  });

  it('lets only the upload check page connect to the configured Kaltura origin', async () => {
    const before = await t.app.inject({ url: '/admin/upload-check', headers: { host: '127.0.0.1' } });
    expect(directive(String(before.headers['content-security-policy']), 'connect-src')).toBe("connect-src 'self'");
    await saveSettings(t.ctx, { ...CANVAS_SPEC_SETTINGS, domain: 'media.example.edu:8443', protocol: 'https' });
    const upload = await t.app.inject({ url: '/admin/upload-check', headers: { host: '127.0.0.1' } });
    expect(directive(String(upload.headers['content-security-policy']), 'connect-src')).toBe("connect-src 'self' https://media.example.edu:8443");
    const settings = await t.app.inject({ url: '/admin/settings', headers: { host: '127.0.0.1' } });
    expect(directive(String(settings.headers['content-security-policy']), 'connect-src')).toBe("connect-src 'self'");
  });
});

describe('CORS for POST /api/v1/services/kaltura_session', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: 'https://canvas.example.edu, http://localhost:3001/, not an origin' } });
    ({ token } = await seedUser(t.ctx));
    await saveSettings(t.ctx, CANVAS_SPEC_SETTINGS);
  });
  afterAll(() => t?.close());

  const preflight = (origin: string, url = '/api/v1/services/kaltura_session') =>
    t.app.inject({ method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });

  it('answers the preflight of a listed origin', async () => {
    for (const [origin, url] of [
      ['https://canvas.example.edu', '/api/v1/services/kaltura_session'],
      ['http://localhost:3001', '/api/v1/services/kaltura_session.json?include_upload_config=1'],
    ] as const) {
      const res = await preflight(origin, url);
      expect(res.statusCode).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-methods']).toBe('POST');
      expect(res.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers.vary).toContain('Origin');
    }
  });

  it('adds the CORS header to the session answer (success and Canvas 401) for a listed origin', async () => {
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { origin: 'https://canvas.example.edu', authorization: `Bearer ${token}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('https://canvas.example.edu');
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { origin: 'https://canvas.example.edu' } });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({ errors: { base: 'You must be logged in to use Kaltura' }, logged_in: false });
    expect(anonymous.headers['access-control-allow-origin']).toBe('https://canvas.example.edu');
    // caches must key the session answer by Origin: it differs between listed and other origins
    expect(ok.headers.vary).toContain('Origin');
    const other = await t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { origin: 'https://evil.example.com', authorization: `Bearer ${token}` } });
    expect(other.headers.vary).toContain('Origin');
  });

  it('gives other origins, other routes and other paths no CORS headers', async () => {
    const cases = [
      await preflight('https://evil.example.com'),
      await preflight('https://canvas.example.edu.evil.example.com'),
      await preflight('null'),
      await preflight('https://canvas.example.edu', '/api/v1/services/kaltura'),
      await preflight('https://canvas.example.edu', '/admin/settings'),
      await t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { origin: 'https://evil.example.com', authorization: `Bearer ${token}` } }),
      await t.app.inject({ url: '/api/v1/services/kaltura', headers: { origin: 'https://canvas.example.edu', authorization: `Bearer ${token}` } }),
    ];
    for (const res of cases) {
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
    // A refused preflight is a plain not-found in Canvas's shape.
    expect(cases[0]!.statusCode).toBe(404);
    expect(cases[0]!.json()).toEqual({ errors: [{ message: 'The specified resource does not exist.', error_code: 'not_found' }] });
  });
});
