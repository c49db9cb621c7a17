/**
 * Admin API, developer keys: Canvas's paths (GET/POST on the account, PUT/DELETE by id) and
 * developer_key[…] parameters; removing scopes revokes the key's tokens; admin routes obey a
 * scoped token's scopes like every route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, testDatabases } from '../helper.js';
import { adminWorld, expectFieldError, expectUnauthenticated, expectUnauthorized, HOST_A, parseLinks, type AdminWorld } from './admin-fixture.js';

const KEY_KEYS = ['id', 'name', 'created_at', 'workflow_state', 'require_scopes', 'scopes', 'account_id'];
const S_CONFIG = 'url:GET|/api/v1/services/kaltura';
const S_USER = 'url:GET|/api/v1/users/:id';

describe.each(await testDatabases())('admin API: developer keys on %s', (database) => {
  let w: AdminWorld;
  beforeAll(async () => {
    w = await adminWorld(database);
  });
  afterAll(async () => w.close());

  const keysUrl = () => `/api/v1/accounts/${w.adminA.account.id}/developer_keys`;
  const asToken = (token: string, method: string, url: string) => w.t.app.inject({ method: method as 'GET', url, headers: { host: HOST_A, ...bearer(token) } });

  it('creates (JSON and form), lists with Link, and answers Canvas developer key JSON', async () => {
    const json = await w.call(w.adminA, 'POST', keysUrl(), { developer_key: { name: 'LTI tool', scopes: [S_CONFIG, S_USER], require_scopes: true } });
    expect(json.statusCode).toBe(200);
    expect(Object.keys(json.json())).toEqual(KEY_KEYS);
    expect(json.json()).toMatchObject({ name: 'LTI tool', workflow_state: 'active', require_scopes: true, scopes: [S_CONFIG, S_USER], account_id: w.adminA.account.id });
    const form = await w.call(w.adminA, 'POST', '/api/v1/accounts/self/developer_keys', `developer_key[name]=Form+key&developer_key[require_scopes]=0&developer_key[scopes][]=${encodeURIComponent(S_CONFIG)}`);
    expect(form.statusCode).toBe(200);
    expect(form.json()).toMatchObject({ name: 'Form key', require_scopes: false, scopes: [S_CONFIG] });
    const list = await w.call(w.adminA, 'GET', `${keysUrl()}?per_page=1`);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toHaveLength(1);
    expect(Object.keys(parseLinks(list.headers.link))).toEqual(['current', 'next', 'first', 'last']);
    // B's listing does not show A's keys
    const onB = await w.call(w.adminB, 'GET', `/api/v1/accounts/${w.adminB.account.id}/developer_keys`);
    expect(onB.json()).toEqual([]);
  });

  it('validates name, scopes, require_scopes and event', async () => {
    expectFieldError(await w.call(w.adminA, 'POST', keysUrl(), { developer_key: { scopes: [] } }), 'developer_key[name]', 'developer_key[name] is required');
    expectFieldError(await w.call(w.adminA, 'POST', keysUrl(), { developer_key: { name: 'k', scopes: ['url:GET|/nope'] } }), 'developer_key[scopes]', 'unknown scope: url:GET|/nope');
    expectFieldError(await w.call(w.adminA, 'POST', keysUrl(), { developer_key: { name: 'k', require_scopes: 'maybe' } }), 'developer_key[require_scopes]', 'developer_key[require_scopes] must be true or false');
    const key = (await w.call(w.adminA, 'POST', keysUrl(), { developer_key: { name: 'v' } })).json();
    expectFieldError(await w.call(w.adminA, 'PUT', `/api/v1/developer_keys/${key.id}`, { developer_key: { event: 'explode' } }), 'developer_key[event]', 'developer_key[event] must be "activate" or "deactivate"');
    expectFieldError(await w.call(w.adminA, 'PUT', `/api/v1/developer_keys/${key.id}`, { developer_key: { name: ' ' } }), 'developer_key[name]', 'developer_key[name] must not be blank');
  });

  it('updates (PUT /api/v1/developer_keys/:id); removing scopes revokes its tokens; deactivate/activate; delete', async () => {
    const key = (await w.call(w.adminA, 'POST', keysUrl(), { developer_key: { name: 'rotating', scopes: [S_CONFIG, S_USER], require_scopes: true } })).json();
    const { token } = await w.t.ctx.tokens.create({ userId: w.userA.user.id, developerKeyId: key.id, scopes: [S_CONFIG] });
    expect((await asToken(token, 'GET', '/api/v1/services/kaltura')).statusCode).toBe(200);

    const renamed = await w.call(w.adminA, 'PUT', `/api/v1/developer_keys/${key.id}`, { developer_key: { name: 'renamed' } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'renamed', scopes: [S_CONFIG, S_USER] });
    expect((await asToken(token, 'GET', '/api/v1/services/kaltura')).statusCode).toBe(200);

    const off = await w.call(w.adminA, 'PUT', `/api/v1/developer_keys/${key.id}`, 'developer_key[event]=deactivate');
    expect(off.json().workflow_state).toBe('inactive');
    expect((await asToken(token, 'GET', '/api/v1/services/kaltura')).statusCode).toBe(401);
    expect((await w.call(w.adminA, 'PUT', `/api/v1/developer_keys/${key.id}`, { developer_key: { event: 'activate' } })).json().workflow_state).toBe('active');
    expect((await asToken(token, 'GET', '/api/v1/services/kaltura')).statusCode).toBe(200);

    const narrowed = await w.call(w.adminA, 'PUT', `/api/v1/developer_keys/${key.id}`, { developer_key: { scopes: [S_USER] } });
    expect(narrowed.json().scopes).toEqual([S_USER]);
    const revoked = await asToken(token, 'GET', '/api/v1/services/kaltura');
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json()).toEqual({ errors: [{ message: 'Revoked access token.' }] });

    const del = await w.call(w.adminA, 'DELETE', `/api/v1/developer_keys/${key.id}`);
    expect(del.statusCode).toBe(200);
    expect(del.json()).toMatchObject({ id: key.id, workflow_state: 'deleted' });
    expect((await w.call(w.adminA, 'PUT', `/api/v1/developer_keys/${key.id}`, { developer_key: { name: 'x' } })).statusCode).toBe(404);
    expect((await w.call(w.adminA, 'DELETE', `/api/v1/developer_keys/${key.id}`)).statusCode).toBe(404);
    expect((await w.call(w.adminA, 'DELETE', '/api/v1/developer_keys/424242')).statusCode).toBe(404);
  });

  it("only the account's admins (or site admins) manage its keys", async () => {
    const key = (await w.call(w.adminA, 'POST', keysUrl(), { developer_key: { name: 'guarded' } })).json();
    expectUnauthenticated(await w.call(null, 'GET', keysUrl()));
    expectUnauthorized(await w.call(w.userA, 'GET', keysUrl()));
    expectUnauthorized(await w.call(w.userA, 'POST', keysUrl(), { developer_key: { name: 'x' } }));
    expectUnauthorized(await w.call(w.userA, 'PUT', `/api/v1/developer_keys/${key.id}`, { developer_key: { name: 'x' } }));
    expectUnauthorized(await w.call(w.adminB, 'GET', keysUrl()));
    expectUnauthorized(await w.call(w.adminB, 'PUT', `/api/v1/developer_keys/${key.id}`, { developer_key: { name: 'hijack' } }));
    expectUnauthorized(await w.call(w.adminB, 'DELETE', `/api/v1/developer_keys/${key.id}`));
    const bySite = await w.call(w.siteAdmin, 'PUT', `/api/v1/developer_keys/${key.id}`, { developer_key: { name: 'by site admin' } });
    expect(bySite.json().name).toBe('by site admin');
  });

  it("admin routes obey a scoped token's scopes (url:<VERB>|<path>)", async () => {
    const key = (await w.call(w.adminA, 'POST', keysUrl(), { developer_key: { name: 'narrow', scopes: ['url:GET|/api/v1/accounts/:account_id/developer_keys'], require_scopes: true } })).json();
    const { token } = await w.t.ctx.tokens.create({ userId: w.adminA.user.id, developerKeyId: key.id });
    expect((await asToken(token, 'GET', keysUrl())).statusCode).toBe(200);
    const refused = await asToken(token, 'GET', `/api/v1/users/${w.userA.user.id}`);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({ errors: [{ message: 'Insufficient scopes on access token.' }] });
  });
});
