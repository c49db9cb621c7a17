/**
 * The OpenAPI 3 document is built from the route schemas and served at /api/v1/openapi.json;
 * every route must have a schema. Rule: a route that is not API (an HTML page, a static file)
 * declares `schema: { hide: true }`, which keeps it out of the document; every other route,
 * with every method, is in the document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, seedUser, type TestApp } from '../helper.js';

/** Fastify `:param` → OpenAPI `{param}`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('OpenAPI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { METRICS_TOKEN: 'm' } });
    await seedUser(t.ctx); // every /api/ request resolves its root account first
  });
  afterAll(async () => t.close());

  it('serves an OpenAPI 3 document at /api/v1/openapi.json (and without .json), with the bearer scheme', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info).toMatchObject({ title: 'canvas-kaltura-services' });
    expect(doc.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(doc.security).toEqual([{ bearer: [] }]);
    const session = doc.paths['/api/v1/services/kaltura_session'].post;
    expect(Object.keys(session.responses)).toEqual(expect.arrayContaining(['200', '4XX', '5XX']));
    expect(session.responses['200'].content['application/json'].schema.properties).toHaveProperty('ks');
    expect(doc.paths['/health/ready'].get.security).toEqual([]);
    const again = await t.app.inject({ method: 'GET', url: '/api/v1/openapi' });
    expect(again.json()).toEqual(doc);
  });

  it('every registered route has a schema; every route not marked hide is in the document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const routes = t.app.registeredRoutes.filter((r) => r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(10);
    const withoutSchema = routes.filter((r) => !r.hasSchema).map((r) => `${r.method} ${r.path}`);
    expect(withoutSchema).toEqual([]);
    const missing = routes
      .filter((r) => !r.hidden)
      .filter((r) => !doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()])
      .map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
    // the hidden ones are the console's pages and files, nothing under /api/
    const hidden = routes.filter((r) => r.hidden).map((r) => r.path);
    expect(hidden.every((p) => !p.startsWith('/api/'))).toBe(true);
  });

  it('the check catches a route registered without a schema', async () => {
    const t2 = await createTestApp();
    // a fresh, not yet started instance built the same way would record it: register before ready
    const { buildApp } = await import('../../src/http/app.js');
    const app = await buildApp(t2.ctx, { logger: false });
    app.get('/api/v1/unschemed', async () => ({}));
    await app.ready();
    try {
      expect(app.registeredRoutes.filter((r) => !r.hasSchema).map((r) => `${r.method} ${r.path}`)).toContain('GET /api/v1/unschemed');
    } finally {
      await app.close();
      await t2.close();
    }
  });

  it('is public: served on an empty database and whatever token comes with it', async () => {
    const empty = await createTestApp();
    try {
      const plain = await empty.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      expect(plain.statusCode).toBe(200);
      const badToken = await empty.app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: { authorization: 'Bearer not-a-token' } });
      expect(badToken.statusCode).toBe(200);
      // every other API route still needs a root account: a clear 503, not a 500
      const noAccount = await empty.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: { authorization: 'Bearer not-a-token' } });
      expect(noAccount.statusCode).toBe(503);
      expect(noAccount.json().errors[0].error_code).toBe('no_root_account');
    } finally {
      await empty.close();
    }
  });
});
