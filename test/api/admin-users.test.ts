/**
 * Admin API, users: Canvas's paths, parameter names and user JSON, on every database; who may
 * create, list and read users; validation messages; Link-header pagination.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helper.js';
import { adminWorld, expectFieldError, expectUnauthenticated, expectUnauthorized, parseLinks, type AdminWorld } from './admin-fixture.js';

const USER_KEYS = ['id', 'name', 'sortable_name', 'short_name', 'sis_user_id', 'login_id', 'created_at', 'uuid'];

describe.each(await testDatabases())('admin API: users on %s', (database) => {
  let w: AdminWorld;
  beforeAll(async () => {
    w = await adminWorld(database);
  });
  afterAll(async () => w.close());

  it('creates a user from JSON with Canvas parameter names and answers Canvas user JSON', async () => {
    const published: string[] = [];
    w.t.ctx.bus.subscribe((topic, key) => published.push(`${topic}:${key}`));
    const res = await w.call(w.adminA, 'POST', `/api/v1/accounts/${w.adminA.account.id}/users`, {
      user: { name: 'Grace Hopper' },
      pseudonym: { unique_id: 'grace', sis_user_id: 'sis-grace' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual(USER_KEYS);
    expect(body).toMatchObject({ name: 'Grace Hopper', sortable_name: 'Hopper, Grace', short_name: 'Grace Hopper', sis_user_id: 'sis-grace', login_id: 'grace' });
    expect(published).toContain(`user:${body.id}`);
    expect(await w.t.ctx.users.hasActiveLogin(body.id, w.adminA.account.id)).toBe(true);

    const shown = await w.call(w.adminA, 'GET', `/api/v1/users/${body.id}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual(body);
  });

  it('creates a user from a form with bracket keys, and accepts `self` for the account', async () => {
    const res = await w.call(w.adminA, 'POST', '/api/v1/accounts/self/users', 'user%5Bname%5D=Alan+Turing&pseudonym[unique_id]=alan');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Alan Turing', login_id: 'alan', sis_user_id: null });
  });

  it('validates every field with a clear message naming it', async () => {
    const url = `/api/v1/accounts/${w.adminA.account.id}/users`;
    expectFieldError(await w.call(w.adminA, 'POST', url, { pseudonym: { unique_id: 'x1' } }), 'user[name]', 'user[name] is required');
    expectFieldError(await w.call(w.adminA, 'POST', url, { user: { name: '  ' }, pseudonym: { unique_id: 'x1' } }), 'user[name]', 'user[name] is required');
    expectFieldError(await w.call(w.adminA, 'POST', url, { user: { name: 'X' } }), 'pseudonym[unique_id]', 'pseudonym[unique_id] is required');
    expectFieldError(await w.call(w.adminA, 'POST', url, { user: { name: 'x'.repeat(256) }, pseudonym: { unique_id: 'x1' } }), 'user[name]', 'user[name] is too long (at most 255 characters)');
    expectFieldError(await w.call(w.adminA, 'POST', url, 'user[name]=X&pseudonym[unique_id]=a%01b'), 'pseudonym[unique_id]', 'pseudonym[unique_id] must not contain control characters');
    expectFieldError(await w.call(w.adminA, 'POST', url, { user: { name: 'X' }, pseudonym: { unique_id: 'PAT' } }), 'pseudonym[unique_id]', 'ID already in use for this account');
    expectFieldError(await w.call(w.adminA, 'POST', url, { user: { name: 'X' }, pseudonym: { unique_id: 'new1', sis_user_id: 'sis-pat' } }), 'pseudonym[sis_user_id]', 'SIS ID "sis-pat" is already in use');
    expectFieldError(await w.call(w.adminA, 'POST', url, { user: 'Ann', pseudonym: { unique_id: 'x2' } }), 'user', 'user must be an object of fields');
    expectFieldError(await w.call(w.adminA, 'POST', url, { user: { name: ['a', 'b'] }, pseudonym: { unique_id: 'x2' } }), 'user[name]', 'user[name] must be text');
    expectUnauthenticated(await w.call(null, 'POST', url, { user: 'Ann' }));
    expectUnauthorized(await w.call(w.userA, 'POST', url, { user: 'Ann' }));
    expectFieldError(await w.call(w.adminA, 'POST', '/api/v1/accounts/abc/users', { user: { name: 'X' } }), 'account_id', 'account_id must be a positive whole number or "self"');
    const tooDeep = await w.call(w.adminA, 'POST', url, 'user[a][b][c][d][e]=1');
    expect(tooDeep.statusCode).toBe(400);
    expect(tooDeep.json().errors[0].message).toMatch(/nested too deeply/);
  });

  it('lets only admins of the account (or site admins) create and list; 404 for an unknown account', async () => {
    const url = `/api/v1/accounts/${w.adminA.account.id}/users`;
    const body = { user: { name: 'Nope' }, pseudonym: { unique_id: 'nope' } };
    expectUnauthenticated(await w.call(null, 'POST', url, body));
    expectUnauthenticated(await w.call(null, 'GET', url));
    expectUnauthorized(await w.call(w.userA, 'POST', url, body));
    expectUnauthorized(await w.call(w.userA, 'GET', url));
    // B's admin, signed in on B, naming account A
    expectUnauthorized(await w.call(w.adminB, 'GET', url));
    expectUnauthorized(await w.call(w.adminB, 'POST', url, body));
    expect(await w.t.ctx.users.findBySisUserId(w.adminA.account.id, 'nope')).toBeUndefined();
    // the site admin (signed in on A) may act on B
    const onB = await w.call(w.siteAdmin, 'GET', `/api/v1/accounts/${w.adminB.account.id}/users`);
    expect(onB.statusCode).toBe(200);
    expect(onB.json().map((u: { login_id: string }) => u.login_id).sort()).toEqual(['bea', 'bob']);
    const missing = await w.call(w.siteAdmin, 'GET', '/api/v1/accounts/999999/users');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ errors: [{ message: 'The specified resource does not exist.', error_code: 'not_found' }] });
  });

  it('shows a user to themself and their admins only', async () => {
    const self = await w.call(w.userA, 'GET', '/api/v1/users/self');
    expect(self.statusCode).toBe(200);
    expect(self.json()).toMatchObject({ id: w.userA.user.id, login_id: 'pat', sis_user_id: 'sis-pat' });
    expect((await w.call(w.adminA, 'GET', `/api/v1/users/${w.userA.user.id}`)).statusCode).toBe(200);
    expect((await w.call(w.siteAdmin, 'GET', `/api/v1/users/${w.userB.user.id}`)).statusCode).toBe(200);
    expectUnauthorized(await w.call(w.userA, 'GET', `/api/v1/users/${w.adminA.user.id}`));
    expectUnauthorized(await w.call(w.adminB, 'GET', `/api/v1/users/${w.userA.user.id}`));
    expectUnauthenticated(await w.call(null, 'GET', `/api/v1/users/${w.userA.user.id}`));
    expect((await w.call(w.adminA, 'GET', '/api/v1/users/987654')).statusCode).toBe(404);
  });

  it("paginates the listing with Canvas's Link header", async () => {
    const accountId = w.adminB.account.id;
    for (const n of [1, 2, 3]) {
      expect((await w.call(w.adminB, 'POST', `/api/v1/accounts/${accountId}/users`, { user: { name: `Page User${n}` }, pseudonym: { unique_id: `page${n}` } })).statusCode).toBe(200);
    }
    // bea, bob, page1..3 = 5 users; pages of 2
    const res = await w.call(w.adminB, 'GET', `/api/v1/accounts/${accountId}/users?per_page=2&page=2`);
    expect(res.statusCode).toBe(200);
    expect(res.json().map((u: { login_id: string }) => u.login_id)).toEqual(['page1', 'page2']);
    const base = `http://${'b.example.edu'}/api/v1/accounts/${accountId}/users`;
    expect(res.headers.link).toBe(
      `<${base}?page=2&per_page=2>; rel="current",<${base}?page=3&per_page=2>; rel="next",<${base}?page=1&per_page=2>; rel="prev",<${base}?page=1&per_page=2>; rel="first",<${base}?page=3&per_page=2>; rel="last"`,
    );
    const last = await w.call(w.adminB, 'GET', new URL(parseLinks(res.headers.link).last!).pathname + new URL(parseLinks(res.headers.link).last!).search);
    expect(last.json().map((u: { login_id: string }) => u.login_id)).toEqual(['page3']);
    expect(parseLinks(last.headers.link).next).toBeUndefined();
    const defaults = await w.call(w.adminB, 'GET', `/api/v1/accounts/${accountId}/users`);
    expect(parseLinks(defaults.headers.link).current).toBe(`${base}?page=1&per_page=10`);
    expectFieldError(await w.call(w.adminB, 'GET', `/api/v1/accounts/${accountId}/users?per_page=0`), 'per_page', 'per_page must be a whole number from 1 to 100');
    expectFieldError(await w.call(w.adminB, 'GET', `/api/v1/accounts/${accountId}/users?page=x`), 'page', /^page must be a whole number/);
  });
});
