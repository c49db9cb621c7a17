/**
 * URLs the router cannot take (found by the fuzz test): a bad percent-encoding or an over-long
 * path segment gets a 4xx in Canvas's error shape that does not echo the URL, which may carry
 * the caller's access_token. And a fragment (`#…`), which no client sends but a raw request
 * line may carry, is dropped as Canvas's Puma drops it: what follows `#` is neither path nor
 * query, so it is no credential and never comes back in a pagination link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, seedUser, type TestApp } from '../helper.js';
import { sendRaw, type RawResponse } from './fuzz/raw-http.js';

/** A GET with the request target exactly as given (fetch and inject drop `#…`). */
function rawGet(port: number, target: string, authorization?: string): Promise<RawResponse> {
  const auth = authorization === undefined ? '' : `Authorization: ${authorization}\r\n`;
  return sendRaw(port, Buffer.from(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${auth}Connection: close\r\n\r\n`));
}

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

describe('a fragment in the request target', () => {
  let t: TestApp;
  let token: string;
  let accountId: number;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp();
    const admin = await seedUser(t.ctx, { admin: true });
    token = admin.token;
    accountId = admin.account.id;
    await seedUser(t.ctx, { accountId });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(async () => t.close());

  it('is not part of the query: a token after `#` never comes back in the Link header', async () => {
    // the fuzz test's case: nothing but the fragment after the path
    const bare = await rawGet(port, `/api/v1/accounts/${accountId}/users#?access_token=${token}`, `Bearer ${token}`);
    expect(bare.status).toBe(200);
    expect(JSON.parse(bare.body)).toHaveLength(2);
    expect(String(bare.headers.link)).toContain(`/api/v1/accounts/${accountId}/users?page=1&per_page=10>; rel="current"`);
    expect(String(bare.headers.link)).not.toContain(token);

    // a query before the fragment is kept; the fragment is not
    const res = await rawGet(port, `/api/v1/accounts/${accountId}/users?per_page=1#?access_token=${token}&fragment?access_token=${token}`, `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toHaveLength(1);
    const link = String(res.headers.link);
    expect(link).not.toContain(token);
    expect(link).not.toContain('#');
    expect(link).toContain(`/api/v1/accounts/${accountId}/users?page=2&per_page=1>; rel="next"`);
  });

  it('is no credential: a token only after `#` gets Canvas\'s 401', async () => {
    const res = await rawGet(port, `/api/v1/services/kaltura#?access_token=${token}`);
    expect(res.status).toBe(401);
    expect(res.body).not.toContain(token);
  });

  it('leaves the route as it was: `.json` and the path before `#` still route', async () => {
    const res = await rawGet(port, '/api/v1/services/kaltura.json#x', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toHaveProperty('enabled');
  });
});
