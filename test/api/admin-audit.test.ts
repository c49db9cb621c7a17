/**
 * Admin API, the session audit log (`GET /api/v1/accounts/:account_id/kaltura_sessions`, filters
 * and Link pagination, never a whole KS) and error reports (`GET /api/v1/error_reports/:id`,
 * site admins only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, CANVAS_SPEC_SETTINGS, saveSettings, testDatabases } from '../helper.js';
import { adminWorld, expectFieldError, expectUnauthenticated, expectUnauthorized, HOST_A, parseLinks, type AdminWorld } from './admin-fixture.js';

const ENTRY_KEYS = ['id', 'created_at', 'account_id', 'user_id', 'real_user_id', 'uid', 'mode', 'expires_at', 'privileges', 'ks_tail', 'client_ip', 'request_id'];

describe.each(await testDatabases())('admin API: audit log and error reports on %s', (database) => {
  let w: AdminWorld;
  const issued: string[] = [];
  let before: string;
  beforeAll(async () => {
    w = await adminWorld(database);
    await saveSettings(w.t.ctx, CANVAS_SPEC_SETTINGS);
    before = new Date(Date.now() - 60_000).toISOString();
    for (const who of [w.userA, w.userA, w.adminA]) {
      const res = await w.t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { host: HOST_A, ...bearer(who.token) } });
      expect(res.statusCode).toBe(200);
      issued.push(res.json().ks);
    }
  });
  afterAll(async () => w.close());

  const url = () => `/api/v1/accounts/${w.adminA.account.id}/kaltura_sessions`;

  it('lists minted sessions newest first, with the KS tail only', async () => {
    const res = await w.call(w.adminA, 'GET', url());
    expect(res.statusCode).toBe(200);
    const entries = res.json();
    expect(entries).toHaveLength(3);
    expect(Object.keys(entries[0])).toEqual(ENTRY_KEYS);
    expect(entries.map((e: { user_id: number }) => e.user_id)).toEqual([w.adminA.user.id, w.userA.user.id, w.userA.user.id]);
    expect(entries[2]).toMatchObject({ account_id: w.adminA.account.id, uid: `${w.userA.user.id}_${w.adminA.account.id}`, mode: 'local', real_user_id: null });
    for (const ks of issued) expect(res.body).not.toContain(ks);
    expect(issued[2]!.endsWith(entries[0].ks_tail)).toBe(true);
  });

  it('filters by user_id, since, until and mode, and keeps filters in the Link header', async () => {
    const byUser = await w.call(w.adminA, 'GET', `${url()}?user_id=${w.userA.user.id}&per_page=1`);
    expect(byUser.json()).toHaveLength(1);
    expect(byUser.json()[0].user_id).toBe(w.userA.user.id);
    const links = parseLinks(byUser.headers.link);
    expect(links.next).toBe(`http://${HOST_A}${url()}?user_id=${w.userA.user.id}&page=2&per_page=1`);
    expect(links.last).toBe(`http://${HOST_A}${url()}?user_id=${w.userA.user.id}&page=2&per_page=1`);
    expect((await w.call(w.adminA, 'GET', `${url()}?since=${encodeURIComponent(before)}`)).json()).toHaveLength(3);
    expect((await w.call(w.adminA, 'GET', `${url()}?since=2999-01-01T00:00:00Z`)).json()).toEqual([]);
    expect((await w.call(w.adminA, 'GET', `${url()}?until=${encodeURIComponent(before)}`)).json()).toEqual([]);
    expect((await w.call(w.adminA, 'GET', `${url()}?mode=remote`)).json()).toEqual([]);
    expect((await w.call(w.adminA, 'GET', `${url()}?mode=local`)).json()).toHaveLength(3);
  });

  it('validates the filters', async () => {
    expectFieldError(await w.call(w.adminA, 'GET', `${url()}?user_id=abc`), 'user_id', 'user_id must be a positive whole number');
    expectFieldError(await w.call(w.adminA, 'GET', `${url()}?since=yesterday`), 'since', 'since must be an ISO 8601 time, e.g. 2030-01-31T12:00:00Z');
    expectFieldError(await w.call(w.adminA, 'GET', `${url()}?since=2030-01-02&until=2030-01-01`), 'until', 'until must be later than since');
    expectFieldError(await w.call(w.adminA, 'GET', `${url()}?mode=magic`), 'mode', 'mode must be one of local, remote, app_token');
    expectFieldError(await w.call(w.adminA, 'GET', `${url()}?per_page=-5`), 'per_page', 'per_page must be a whole number from 1 to 100');
  });

  it("shows the log to the account's admins only", async () => {
    expectUnauthenticated(await w.call(null, 'GET', url()));
    expectUnauthorized(await w.call(w.userA, 'GET', url()));
    expectUnauthorized(await w.call(w.adminB, 'GET', url()));
    expect((await w.call(w.adminB, 'GET', `/api/v1/accounts/${w.adminB.account.id}/kaltura_sessions`)).json()).toEqual([]);
    expect((await w.call(w.siteAdmin, 'GET', url())).json()).toHaveLength(3);
  });

  it('shows an error report to site admins only', async () => {
    const id = await w.t.ctx.errorReports.insert({
      category: 'api',
      message: 'boom',
      backtrace: 'at somewhere',
      requestId: 'req-1',
      httpMethod: 'POST',
      url: '/api/v1/services/kaltura_session',
      accountId: w.adminA.account.id,
      userId: w.userA.user.id,
    });
    const res = await w.call(w.siteAdmin, 'GET', `/api/v1/error_reports/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id,
      created_at: expect.any(String),
      category: 'api',
      message: 'boom',
      backtrace: 'at somewhere',
      request_id: 'req-1',
      http_method: 'POST',
      url: '/api/v1/services/kaltura_session',
      account_id: w.adminA.account.id,
      user_id: w.userA.user.id,
    });
    expectUnauthenticated(await w.call(null, 'GET', `/api/v1/error_reports/${id}`));
    expectUnauthorized(await w.call(w.adminA, 'GET', `/api/v1/error_reports/${id}`));
    expectUnauthorized(await w.call(w.userA, 'GET', `/api/v1/error_reports/${id}`));
    expect((await w.call(w.siteAdmin, 'GET', '/api/v1/error_reports/99999')).statusCode).toBe(404);
    expectFieldError(await w.call(w.siteAdmin, 'GET', '/api/v1/error_reports/x'), 'id', 'id must be a positive whole number');
  });
});
