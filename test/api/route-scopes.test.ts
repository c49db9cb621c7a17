/** Every API route is a known scope, so developer keys can name it (Canvas: url:<VERB>|<path>). */
import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../src/developer-keys/route-scopes.js';
import { createTestApp } from '../helper.js';

describe('route scopes', () => {
  it('lists exactly the registered /api/ routes', async () => {
    const t = await createTestApp();
    try {
      const registered = t.app.registeredRoutes
        .filter((r) => r.path.startsWith('/api/') && r.method !== 'HEAD' && r.method !== 'OPTIONS')
        .map((r) => `${r.method} ${r.path}`)
        .sort();
      expect(registered.length).toBeGreaterThan(1);
      expect(registered).toEqual(API_ROUTES.map(([m, p]) => `${m} ${p}`).sort());
    } finally {
      await t.close();
    }
  });
});
