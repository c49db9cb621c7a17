/**
 * URLs the router cannot take (found by the fuzz test): a bad percent-encoding or an over-long
 * path segment gets a 4xx in Canvas's error shape that does not echo the URL, which may carry
 * the caller's access_token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, seedUser, type TestApp } from '../helper.js';

describe('URLs the router cannot take', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    token = (await seedUser(t.ctx)).token;
  });
  afterAll(async () => t.close());

  it.each([
    ['/%zz', 400],
    ['/api/v1/services/kaltura%', 400],
    [`/api/v1/users/${'9'.repeat(300)}`, 414],
  ])('%s → %i in Canvas shape, without echoing the URL', async (path, status) => {
    const res = await t.app.inject({ method: 'GET', url: `${path}?access_token=${token}&x=1` });
    expect(res.statusCode).toBe(status);
    const body = res.json() as { errors: Array<{ message: string; error_code: string }> };
    expect(body.errors[0]!.message.length).toBeGreaterThan(5);
    expect(res.body).not.toContain(token);
    expect(res.body).not.toContain('access_token');
  });
});
