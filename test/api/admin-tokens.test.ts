/**
 * Admin API, access tokens: created with Canvas's token[…] parameters and shown once, listed by
 * hint only, deleted (revoked); who may manage whose tokens; validation messages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, testDatabases } from '../helper.js';
import { adminWorld, expectFieldError, expectUnauthenticated, expectUnauthorized, HOST_A, parseLinks, type AdminWorld } from './admin-fixture.js';

const TOKEN_KEYS = ['id', 'user_id', 'developer_key_id', 'purpose', 'created_at', 'updated_at', 'expires_at', 'last_used_at', 'workflow_state', 'scopes', 'real_user_id', 'token_hint'];

describe.each(await testDatabases())('admin API: access tokens on %s', (database) => {
  let w: AdminWorld;
  beforeAll(async () => {
    w = await adminWorld(database);
  });
  afterAll(async () => w.close());

  const useToken = (token: string) => w.t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: { host: HOST_A, ...bearer(token) } });

  it('creates a token from a form (token[scopes][]) and shows it once, as visible_token', async () => {
    const res = await w.call(
      w.userA,
      'POST',
      '/api/v1/users/self/tokens',
      'token[purpose]=My+app&token[expires_at]=2099-01-31T12:00:00Z&token[scopes][]=url:GET|/api/v1/services/kaltura&token[scopes][]=url:GET|/api/v1/users/:id',
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual([...TOKEN_KEYS, 'visible_token']);
    expect(body).toMatchObject({
      user_id: w.userA.user.id,
      purpose: 'My app',
      expires_at: '2099-01-31T12:00:00.000Z',
      workflow_state: 'active',
      scopes: ['url:GET|/api/v1/services/kaltura', 'url:GET|/api/v1/users/:id'],
      real_user_id: null,
    });
    expect(body.visible_token).toMatch(/^[2346789acefhkmnrtuvwxyzABCDEFGHJKLMNPQRTUVWXYZ]{64}$/);
    expect(body.token_hint).toBe(body.visible_token.slice(0, 5));
    expect((await useToken(body.visible_token)).statusCode).toBe(200);

    // never again: not in the listing, nor in anything else
    const list = await w.call(w.userA, 'GET', '/api/v1/users/self/tokens');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(body.visible_token);
    expect(list.body).not.toContain('visible_token');
    const listed = list.json().find((t: { id: number }) => t.id === body.id);
    expect(Object.keys(listed)).toEqual(TOKEN_KEYS);
  });

  it('creates from JSON; an admin may create for a user of their account (kept as real_user_id)', async () => {
    const res = await w.call(w.adminA, 'POST', `/api/v1/users/${w.userA.user.id}/tokens`, { token: { purpose: 'support' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user_id: w.userA.user.id, real_user_id: w.adminA.user.id, expires_at: null, scopes: [] });
    const site = await w.call(w.siteAdmin, 'POST', `/api/v1/users/${w.userB.user.id}/tokens`, { token: { purpose: 'site' } });
    expect(site.statusCode).toBe(200);
  });

  it('validates purpose, expires_at and scopes with clear messages', async () => {
    const url = '/api/v1/users/self/tokens';
    expectFieldError(await w.call(w.userA, 'POST', url, { token: {} }), 'token[purpose]', 'token[purpose] is required');
    expectFieldError(await w.call(w.userA, 'POST', url, { token: { purpose: 'x', expires_at: 'tomorrow' } }), 'token[expires_at]', 'token[expires_at] must be an ISO 8601 time, e.g. 2030-01-31T12:00:00Z');
    expectFieldError(await w.call(w.userA, 'POST', url, { token: { purpose: 'x', expires_at: '2001-01-01T00:00:00Z' } }), 'token[expires_at]', 'token[expires_at] must be in the future');
    expectFieldError(await w.call(w.userA, 'POST', url, { token: { purpose: 'x', scopes: ['url:GET|/api/v1/nope'] } }), 'token[scopes]', 'unknown scope: url:GET|/api/v1/nope');
    expectFieldError(await w.call(w.userA, 'POST', url, 'token[purpose]=x&token[scopes][]=a%00b'), 'token[scopes]', 'token[scopes] holds an invalid entry');
    const conflicting = await w.call(w.userA, 'POST', url, 'token[purpose]=x&token[scopes]=1&token[scopes][]=2');
    expect(conflicting.statusCode).toBe(400);
    expect(conflicting.json().errors[0].message).toBe('The parameter "token[scopes][]" is given both as a list and otherwise.');
  });

  it("refuses other people's tokens: plain users, other accounts' admins, strangers", async () => {
    const body = { token: { purpose: 'x' } };
    expectUnauthenticated(await w.call(null, 'POST', `/api/v1/users/${w.userA.user.id}/tokens`, body));
    expectUnauthorized(await w.call(w.userA, 'POST', `/api/v1/users/${w.adminA.user.id}/tokens`, body));
    expectUnauthorized(await w.call(w.userA, 'GET', `/api/v1/users/${w.adminA.user.id}/tokens`));
    expectUnauthorized(await w.call(w.adminB, 'POST', `/api/v1/users/${w.userA.user.id}/tokens`, body));
    expectUnauthorized(await w.call(w.adminB, 'GET', `/api/v1/users/${w.userA.user.id}/tokens`));
    expectUnauthorized(await w.call(w.adminB, 'DELETE', `/api/v1/users/${w.userA.user.id}/tokens/${w.userA.tokenRecord.id}`));
    expect((await useToken(w.userA.token)).statusCode).toBe(200);
    expect((await w.call(w.adminA, 'GET', '/api/v1/users/999999/tokens')).statusCode).toBe(404);
  });

  it('deletes a token: it stops working; unknown or foreign ids are 404; `current` names the calling token', async () => {
    const created = (await w.call(w.userA, 'POST', '/api/v1/users/self/tokens', { token: { purpose: 'to delete' } })).json();
    const del = await w.call(w.userA, 'DELETE', `/api/v1/users/self/tokens/${created.id}`);
    expect(del.statusCode).toBe(200);
    expect(Object.keys(del.json())).toEqual(TOKEN_KEYS);
    expect(del.json()).toMatchObject({ id: created.id, workflow_state: 'deleted' });
    const used = await useToken(created.visible_token);
    expect(used.statusCode).toBe(401);
    expect(used.json()).toEqual({ errors: [{ message: 'Revoked access token.' }] });
    expect((await w.call(w.userA, 'DELETE', `/api/v1/users/self/tokens/${created.id}`)).statusCode).toBe(404);
    // another user's token id under my path
    expect((await w.call(w.userA, 'DELETE', `/api/v1/users/self/tokens/${w.adminA.tokenRecord.id}`)).statusCode).toBe(404);
    expect((await useToken(w.adminA.token)).statusCode).toBe(200);
    expectFieldError(await w.call(w.userA, 'DELETE', '/api/v1/users/self/tokens/x'), 'id', 'id must be a positive whole number');

    // an admin deletes a user's token
    const other = (await w.call(w.userA, 'POST', '/api/v1/users/self/tokens', { token: { purpose: 'admin deletes' } })).json();
    expect((await w.call(w.adminA, 'DELETE', `/api/v1/users/${w.userA.user.id}/tokens/${other.id}`)).statusCode).toBe(200);
    expect((await useToken(other.visible_token)).statusCode).toBe(401);

    const mine = (await w.call(w.userB, 'POST', '/api/v1/users/self/tokens', { token: { purpose: 'log out' } })).json();
    const logout = await w.t.app.inject({ method: 'DELETE', url: '/api/v1/users/self/tokens/current', headers: { host: 'b.example.edu', ...bearer(mine.visible_token) } });
    expect(logout.statusCode).toBe(200);
    expect(logout.json().id).toBe(mine.id);
  });

  it("paginates a user's tokens with the Link header", async () => {
    for (const n of [1, 2]) await w.call(w.adminB, 'POST', '/api/v1/users/self/tokens', { token: { purpose: `p${n}` } });
    const res = await w.call(w.adminB, 'GET', '/api/v1/users/self/tokens?per_page=1');
    expect(res.json()).toHaveLength(1);
    const links = parseLinks(res.headers.link);
    expect(Object.keys(links)).toEqual(['current', 'next', 'first', 'last']);
    expect(links.last).toBe('http://b.example.edu/api/v1/users/self/tokens?page=3&per_page=1');
  });
});
