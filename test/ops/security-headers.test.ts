/**
 * Headers (OWASP REST): Cache-Control: no-store on API answers (success and error alike),
 * X-Content-Type-Options: nosniff on everything, a strict CSP on HTML pages that bring none
 * (the admin console keeps its own), and the body size limit answered in Canvas's shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { STRICT_HTML_CSP } from '../../src/http/plugins/security-headers.js';
import { CANVAS_SPEC_SETTINGS, bearer, createTestApp, saveSettings, seedUser, type TestApp } from '../helper.js';

describe('security headers', () => {
  let t: TestApp;
  let seeded: Awaited<ReturnType<typeof seedUser>>;
  beforeAll(async () => {
    t = await createTestApp();
    seeded = await seedUser(t.ctx);
    await saveSettings(t.ctx, CANVAS_SPEC_SETTINGS);
  });
  afterAll(async () => t.close());

  it('no-store and nosniff on every API answer: 200, 401, 404, 400', async () => {
    const answers = await Promise.all([
      t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: bearer(seeded.token) }),
      t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura' }),
      t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' }),
      t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { ...bearer(seeded.token), 'content-type': 'application/json' }, payload: '{bad' }),
    ]);
    expect(answers.map((r) => r.statusCode)).toEqual([200, 401, 404, 400]);
    for (const r of answers) {
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['content-security-policy']).toBeUndefined();
    }
    const other = await t.app.inject({ method: 'GET', url: '/elsewhere' });
    expect(other.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses a body over the limit with 413 in Canvas shape', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/services/kaltura_session',
      headers: { ...bearer(seeded.token), 'content-type': 'application/json' },
      payload: JSON.stringify({ pad: 'x'.repeat(t.config.bodyLimitBytes) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ errors: [{ message: 'The request body is too large.', error_code: 'request_too_large' }] });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('keeps the admin console its own CSP', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/admin' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(res.headers['content-security-policy']).not.toBe(STRICT_HTML_CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('gives an HTML page without a CSP the strict one, with framing refused', async () => {
    const app = await buildApp(t.ctx, { logger: false });
    app.get('/page', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send('<!doctype html><title>x</title>'));
    app.get('/own', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html').header('content-security-policy', "default-src 'self'").send('<p>own</p>'),
    );
    await app.ready();
    try {
      const page = await app.inject({ method: 'GET', url: '/page' });
      expect(page.headers['content-security-policy']).toBe(STRICT_HTML_CSP);
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(STRICT_HTML_CSP).toMatch(/default-src 'none'/);
      expect(STRICT_HTML_CSP).toMatch(/frame-ancestors 'none'/);
      expect(STRICT_HTML_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
      const own = await app.inject({ method: 'GET', url: '/own' });
      expect(own.headers['content-security-policy']).toBe("default-src 'self'");
    } finally {
      await app.close();
    }
  });
});
