/**
 * Admin API, the overview (`GET /api/v1/accounts/:account_id/overview`): sessions per mode and
 * Kaltura calls per outcome counted per hour and per day in the database, p50/p95 latency, the
 * circuit state of each endpoint now, and the settings check's last answer, on both databases.
 * Kaltura calls are real calls to the Kaltura double (successes, and failures of each kind).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKalturaDouble, type KalturaDouble } from '../kaltura-double/kaltura-double.js';
import { bearer, saveSettings, settingsForDouble, testDatabases } from '../helper.js';
import { adminWorld, expectFieldError, expectUnauthenticated, expectUnauthorized, HOST_A, HOST_B, type AdminWorld } from './admin-fixture.js';

const PARTNER = { partnerId: 4321, adminSecret: 'OVERVIEW-admin-secret-77', userSecret: 'OVERVIEW-user-secret-77' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Chart {
  id: string;
  series: { key: string; values: (number | null)[] }[];
}
interface OverviewBody {
  account_id: number | null;
  period: string;
  bucket: string;
  buckets: string[];
  charts: Chart[];
  circuits: { endpoint: string; state: string; configured: boolean }[];
  settings_check: { level: string; ok: boolean; outcome: string; message: string; account_id: number | null } | null;
  session_mode: string | null;
}

/** The values of one series of one chart. */
function series(body: OverviewBody, chart: string, key: string): (number | null)[] {
  const values = body.charts.find((c) => c.id === chart)?.series.find((s) => s.key === key)?.values;
  if (!values) throw new Error(`no series ${chart}/${key} in ${JSON.stringify(body.charts.map((c) => c.id))}`);
  return values;
}

/** Index of the bucket holding `time` (ms) in the answer's buckets. */
function bucketOf(body: OverviewBody, time: number): number {
  const size = body.bucket === 'hour' ? HOUR : DAY;
  return body.buckets.findIndex((start) => time >= Date.parse(start) && time < Date.parse(start) + size);
}

const sum = (values: (number | null)[]) => values.reduce<number>((a, v) => a + (v ?? 0), 0);

describe.each(await testDatabases())('admin API: overview on %s', (database) => {
  let w: AdminWorld;
  let kaltura: KalturaDouble;
  let endpoint: string;
  const seededAt = { twoHoursAgo: 0, fiveHoursAgo: 0, threeDaysAgo: 0, fortyDaysAgo: 0 };

  beforeAll(async () => {
    kaltura = await startKalturaDouble({ partners: [PARTNER] });
    // the circuit opens after 2 consecutive upstream failures and stays open through the test
    w = await adminWorld(database, { env: { KALTURA_BREAKER_FAILURES: '2', KALTURA_BREAKER_COOLDOWN_MS: '600000' } });
    endpoint = `http://127.0.0.1:${kaltura.port}/api_v3`;
    // A: remote mode against the double (saving runs the check: its answer is kept); B: local
    await saveSettings(w.t.ctx, settingsForDouble(kaltura.port, PARTNER, { session_mode: 'remote', kaltura_timeout_ms: '200' }), w.adminA.account.id);
    await saveSettings(w.t.ctx, { ...settingsForDouble(kaltura.port, PARTNER), session_mode: 'local', domain: 'kaltura.b.example.com', protocol: 'https' }, w.adminB.account.id);

    await w.t.ctx.settings.setEnabled(w.adminA.account.id, true);
    await w.t.ctx.settings.setEnabled(w.adminB.account.id, true);
    const post = async (host: string, token: string) =>
      w.t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { host, ...bearer(token) } });
    for (let i = 0; i < 3; i++) expect((await post(HOST_A, w.userA.token)).statusCode).toBe(200);
    // Kaltura answers an API error: 502 kaltura_session_failed (the breaker counts it as an answer)
    kaltura.setFault({ kind: 'kaltura-error', code: 'START_SESSION_ERROR', message: 'Error while starting session for partner' });
    expect((await post(HOST_A, w.userA.token)).statusCode).toBe(502);
    // no answer in time: 504 kaltura_timeout (first upstream failure)
    kaltura.setFault({ kind: 'latency', ms: 1000 });
    expect((await post(HOST_A, w.userA.token)).statusCode).toBe(504);
    // an HTML page: 502 kaltura_session_failed (second failure: the circuit opens)
    kaltura.setFault({ kind: 'html' });
    expect((await post(HOST_A, w.userA.token)).statusCode).toBe(502);
    // the circuit is open: 503 kaltura_unavailable without a call
    expect((await post(HOST_A, w.userA.token)).statusCode).toBe(503);
    kaltura.clearFaults();
    // B mints locally: sessions, no Kaltura calls
    for (let i = 0; i < 2; i++) expect((await post(HOST_B, w.userB.token)).statusCode).toBe(200);

    // older history, written as the service writes it
    const now = Date.now();
    seededAt.twoHoursAgo = now - 2 * HOUR;
    seededAt.fiveHoursAgo = now - 5 * HOUR;
    seededAt.threeDaysAgo = now - 3 * DAY;
    seededAt.fortyDaysAgo = now - 40 * DAY;
    const audit = (at: number, mode: string, accountId = w.adminA.account.id) =>
      w.t.ctx.audit.insert({
        createdAt: new Date(at).toISOString(),
        accountId,
        userId: w.userA.user.id,
        realUserId: null,
        uid: `${w.userA.user.id}_${accountId}`,
        mode,
        expiresAt: new Date(at + HOUR).toISOString(),
        privileges: '',
        ksTail: 'abcdef',
        clientIp: null,
        requestId: null,
      });
    await Promise.all([
      audit(seededAt.twoHoursAgo, 'app_token'),
      audit(seededAt.twoHoursAgo, 'app_token'),
      audit(seededAt.twoHoursAgo, 'local'),
      audit(seededAt.threeDaysAgo, 'remote'),
      audit(seededAt.threeDaysAgo, 'local'),
      audit(seededAt.fortyDaysAgo, 'local'),
    ]);
    const call = (at: number, outcome: 'success' | 'kaltura_timeout' | 'kaltura_unavailable', latencyMs: number) =>
      w.t.ctx.kalturaCalls.record({ createdAt: new Date(at).toISOString(), accountId: w.adminA.account.id, mode: 'remote', endpoint, outcome, latencyMs });
    for (const ms of [40, 10, 30, 20]) call(seededAt.fiveHoursAgo, 'success', ms);
    call(seededAt.fiveHoursAgo, 'kaltura_timeout', 200);
    call(seededAt.fiveHoursAgo, 'kaltura_unavailable', 0.01); // never reached Kaltura: not timed
    await w.t.ctx.kalturaCalls.drain();
    // media objects registered through the API: two in A (one deleted again: still created), none in B
    // (B's Kaltura domain is not the double: registering there would send media.get off this machine)
    const register = (host: string, token: string, id: string) =>
      w.t.app.inject({ method: 'POST', url: '/api/v1/media_objects', headers: { host, ...bearer(token) }, payload: { id, type: 'video', title: id } });
    expect((await register(HOST_A, w.userA.token, '0_overvw01')).statusCode).toBe(200);
    expect((await register(HOST_A, w.userA.token, '0_overvw02')).statusCode).toBe(200);
    expect((await w.t.app.inject({ method: 'DELETE', url: '/api/v1/media_objects/0_overvw02', headers: { host: HOST_A, ...bearer(w.userA.token) } })).statusCode).toBe(200);
    await w.t.ctx.media.idle();
  });

  afterAll(async () => {
    await w?.close();
    await kaltura?.close();
  });

  const url = (account: number | string, period?: string) => `/api/v1/accounts/${account}/overview${period ? `?period=${period}` : ''}`;

  it('counts sessions per hour and mode over the last 48 hours', async () => {
    const res = await w.call(w.adminA, 'GET', url(w.adminA.account.id));
    expect(res.statusCode).toBe(200);
    const body = res.json() as OverviewBody;
    expect(body).toMatchObject({ account_id: w.adminA.account.id, period: '48h', bucket: 'hour', session_mode: 'remote' });
    expect(body.buckets).toHaveLength(48);
    expect(body.charts.map((c) => c.id)).toEqual(['sessions', 'kaltura_calls', 'kaltura_latency', 'media_objects']);
    const last = body.buckets.length - 1;
    const twoHours = bucketOf(body, seededAt.twoHoursAgo);
    expect(twoHours).toBe(last - 2);
    expect(series(body, 'sessions', 'remote')[last]).toBe(3);
    expect(series(body, 'sessions', 'app_token')[twoHours]).toBe(2);
    expect(series(body, 'sessions', 'local')[twoHours]).toBe(1);
    // three days ago and forty days ago are outside 48 hours; B's sessions are B's
    expect(sum(series(body, 'sessions', 'local'))).toBe(1);
    expect(sum(series(body, 'sessions', 'remote'))).toBe(3);
  });

  it('counts Kaltura calls per outcome, failures of each kind included', async () => {
    const body = (await w.call(w.adminA, 'GET', url('self'))).json() as OverviewBody;
    const last = body.buckets.length - 1;
    const five = bucketOf(body, seededAt.fiveHoursAgo);
    expect(series(body, 'kaltura_calls', 'success')[last]).toBe(3);
    expect(series(body, 'kaltura_calls', 'kaltura_session_failed')[last]).toBe(2);
    expect(series(body, 'kaltura_calls', 'kaltura_timeout')[last]).toBe(1);
    expect(series(body, 'kaltura_calls', 'kaltura_unavailable')[last]).toBe(1);
    expect(series(body, 'kaltura_calls', 'success')[five]).toBe(4);
    expect(series(body, 'kaltura_calls', 'kaltura_timeout')[five]).toBe(1);
    expect(series(body, 'kaltura_calls', 'kaltura_unavailable')[five]).toBe(1);
  });

  it('gives p50 and p95 latency per bucket (interpolated like percentile_cont), null where nothing was timed', async () => {
    const body = (await w.call(w.adminA, 'GET', url(w.adminA.account.id))).json() as OverviewBody;
    const five = bucketOf(body, seededAt.fiveHoursAgo);
    // 10, 20, 30, 40, 200 (the fail-fast call is left out): p50 = 30, p95 = 40 + 0.8 × 160 = 168
    expect(series(body, 'kaltura_latency', 'p50')[five]).toBe(30);
    expect(series(body, 'kaltura_latency', 'p95')[five]).toBe(168);
    expect(series(body, 'kaltura_latency', 'p50')[five - 1]).toBeNull();
    // the real calls of this hour were timed (the timeout took at least its 200 ms)
    const last = body.buckets.length - 1;
    expect(series(body, 'kaltura_latency', 'p95')[last]).toBeGreaterThanOrEqual(series(body, 'kaltura_latency', 'p50')[last]!);
    expect(series(body, 'kaltura_latency', 'p95')[last]).toBeGreaterThan(150);
  });

  it('counts media objects created per bucket, from the media audit log (a deleted one still counts)', async () => {
    const a = (await w.call(w.adminA, 'GET', url(w.adminA.account.id))).json() as OverviewBody;
    const last = a.buckets.length - 1;
    expect(series(a, 'media_objects', 'media_object_created')[last]).toBe(2);
    expect(sum(series(a, 'media_objects', 'media_object_created'))).toBe(2);
    const days = (await w.call(w.adminA, 'GET', url(w.adminA.account.id, '30d'))).json() as OverviewBody;
    expect(sum(series(days, 'media_objects', 'media_object_created'))).toBe(2);
    const b = (await w.call(w.adminB, 'GET', url(w.adminB.account.id))).json() as OverviewBody;
    expect(sum(series(b, 'media_objects', 'media_object_created'))).toBe(0);
  });

  it('counts per day over the last 30 days', async () => {
    const res = await w.call(w.adminA, 'GET', url(w.adminA.account.id, '30d'));
    expect(res.statusCode).toBe(200);
    const body = res.json() as OverviewBody;
    expect(body).toMatchObject({ period: '30d', bucket: 'day' });
    expect(body.buckets).toHaveLength(30);
    expect(body.buckets.every((b) => b.endsWith('T00:00:00.000Z'))).toBe(true);
    const threeDays = bucketOf(body, seededAt.threeDaysAgo);
    expect(threeDays).toBe(body.buckets.length - 4);
    expect(series(body, 'sessions', 'remote')[threeDays]).toBe(1);
    expect(series(body, 'sessions', 'local')[threeDays]).toBe(1);
    // forty days ago is outside the window
    expect(sum(series(body, 'sessions', 'local'))).toBe(2);
    expect(sum(series(body, 'sessions', 'remote'))).toBe(4);
    expect(sum(series(body, 'kaltura_calls', 'success'))).toBe(7);
  });

  it("shows each endpoint's circuit state now", async () => {
    const a = (await w.call(w.adminA, 'GET', url(w.adminA.account.id))).json() as OverviewBody;
    expect(a.circuits).toEqual([{ endpoint, state: 'open', configured: true }]);
    const b = (await w.call(w.adminB, 'GET', url(w.adminB.account.id))).json() as OverviewBody;
    expect(b.circuits).toEqual([{ endpoint: 'https://kaltura.b.example.com/api_v3', state: 'closed', configured: true }]);
    expect(b.session_mode).toBe('local');
    expect(sum(series(b, 'kaltura_calls', 'success'))).toBe(0);
    expect(sum(series(b, 'sessions', 'local'))).toBe(2);
  });

  it("shows the settings check's last answer, kept when the check ran", async () => {
    const a = (await w.call(w.adminA, 'GET', url(w.adminA.account.id))).json() as OverviewBody;
    expect(a.settings_check).toMatchObject({ level: 'account', account_id: w.adminA.account.id, ok: true, outcome: 'success' });
    expect(a.settings_check!.message).toMatch(/^Kaltura started a remote trial session for partner 4321/);
    // B saved local settings without a check: none yet; asking for one keeps its answer
    expect(((await w.call(w.adminB, 'GET', url(w.adminB.account.id))).json() as OverviewBody).settings_check).toBeNull();
    await w.t.ctx.settings.update(w.adminB.account.id, { secret_key: 'a-new-secret-for-b' }, { check: true });
    const b = (await w.call(w.adminB, 'GET', url(w.adminB.account.id))).json() as OverviewBody;
    expect(b.settings_check).toMatchObject({ level: 'account', ok: true, outcome: 'success' });
    expect(JSON.stringify(b)).not.toContain('a-new-secret-for-b');
  });

  it('gives site admins every account with `all`', async () => {
    const res = await w.call(w.siteAdmin, 'GET', url('all'));
    expect(res.statusCode).toBe(200);
    const body = res.json() as OverviewBody;
    expect(body.account_id).toBeNull();
    expect(body.session_mode).toBeNull();
    expect(sum(series(body, 'sessions', 'local'))).toBe(3); // A's seeded one and B's two
    expect(body.circuits).toEqual([{ endpoint, state: 'open', configured: false }]);
    // and any one account
    expect((await w.call(w.siteAdmin, 'GET', url(w.adminB.account.id))).json().account_id).toBe(w.adminB.account.id);
  });

  it('is for admins of the account only, and checks its parameters', async () => {
    expectUnauthenticated(await w.call(null, 'GET', url(w.adminA.account.id)));
    expectUnauthorized(await w.call(w.userA, 'GET', url(w.adminA.account.id)));
    expectUnauthorized(await w.call(w.adminB, 'GET', url(w.adminA.account.id)));
    expectUnauthorized(await w.call(w.adminA, 'GET', url('all')));
    expectFieldError(await w.call(w.adminA, 'GET', url(w.adminA.account.id, '7d')), 'period', 'period must be one of 48h, 30d');
    expectFieldError(await w.call(w.adminA, 'GET', url('everyone')), 'account_id', 'account_id must be a positive whole number or "self"');
    expect((await w.call(w.adminA, 'GET', url(999999))).statusCode).toBe(404);
  });
});
