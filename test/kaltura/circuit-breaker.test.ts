/**
 * The circuit breaker per Kaltura endpoint, over HTTP against the double: it opens after N
 * consecutive upstream failures (503 kaltura_unavailable + Retry-After, no call made), lets one
 * trial through after the cool-down, closes on success and reopens on failure. Kaltura's
 * well-formed errors do not count, and GET /api/v1/services/kaltura is never affected.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKalturaDouble, type KalturaDouble } from '../kaltura-double/kaltura-double.js';
import { bearer, createTestApp, saveSettings, seedUser } from '../helper.js';
import { PARTNER, firstError, startHarness, type Harness } from './setup.js';

const COOLDOWN = 400;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('circuit breaker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode: 'remote', breaker: { failureThreshold: 3, cooldownMs: COOLDOWN } });
  });
  afterAll(async () => h.close());
  afterEach(async () => {
    h.kaltura.clearFaults();
    await saveSettings(h.t.ctx, h.settingsFor('remote'));
    // let any open circuit cool down and close it with a successful trial
    const key = `http://127.0.0.1:${h.kaltura.port}/api_v3`;
    if (h.breakers.get(key).state !== 'closed') {
      await sleep(COOLDOWN + 20);
      expect((await h.session()).statusCode).toBe(200);
    }
    h.kaltura.clearRecords();
  });

  async function openCircuit(): Promise<void> {
    h.kaltura.setFault({ kind: 'html' });
    for (let i = 0; i < 3; i++) expect((await h.session()).statusCode).toBe(502);
  }

  it('opens after 3 consecutive failures: 503 kaltura_unavailable with Retry-After, Kaltura not called', async () => {
    await openCircuit();
    expect(h.kaltura.requests).toHaveLength(3);
    const res = await h.session();
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(firstError(res.body)).toEqual({ message: 'Kaltura is unavailable after repeated failures; try again in 1 seconds.', error_code: 'kaltura_unavailable' });
    expect(h.kaltura.requests).toHaveLength(3);
    // the configuration route never touches Kaltura and is never affected
    const config = await h.config();
    expect(config.statusCode).toBe(200);
    expect(config.json()).toMatchObject({ enabled: true, partner_id: '1234' });
  });

  it('after the cool-down one trial decides: success closes the circuit', async () => {
    await openCircuit();
    h.kaltura.clearFaults();
    expect((await h.session()).statusCode).toBe(503);
    await sleep(COOLDOWN + 20);
    h.kaltura.clearRecords();
    expect((await h.session()).statusCode).toBe(200);
    expect((await h.session()).statusCode).toBe(200);
    expect(h.kaltura.requests).toHaveLength(2);
  });

  it('after the cool-down a failed trial reopens it at once for another cool-down', async () => {
    await openCircuit();
    await sleep(COOLDOWN + 20);
    h.kaltura.clearRecords();
    expect((await h.session()).statusCode).toBe(502); // the trial
    expect((await h.session()).statusCode).toBe(503); // open again after one failure
    expect(h.kaltura.requests).toHaveLength(1);
  });

  it('lets exactly one trial through: concurrent requests during it fail fast', async () => {
    await openCircuit();
    h.kaltura.setFault({ kind: 'latency', ms: 150 });
    await sleep(COOLDOWN + 20);
    h.kaltura.clearRecords();
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 6 }, () => h.session()));
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 503, 503, 503, 503, 503]);
    for (const r of results.filter((x) => x.statusCode === 503)) expect(r.headers['retry-after']).toBe('1');
    expect(h.kaltura.requests).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('counts timeouts, resets and 5xx; a success in between resets the count', async () => {
    h.kaltura.setFault({ kind: 'no-answer' });
    expect((await h.session()).statusCode).toBe(504);
    expect((await h.session()).statusCode).toBe(504);
    h.kaltura.clearFaults();
    expect((await h.session()).statusCode).toBe(200); // count back to 0
    h.kaltura.setFault({ kind: 'reset' });
    expect((await h.session()).statusCode).toBe(502);
    h.kaltura.setFault({ kind: 'http5xx' });
    expect((await h.session()).statusCode).toBe(502);
    expect((await h.session()).statusCode).toBe(502); // third in a row
    h.kaltura.clearFaults();
    expect((await h.session()).statusCode).toBe(503);
  });

  it('does not count Kaltura\'s well-formed errors (bad settings are not an outage)', async () => {
    await h.t.ctx.settings.update(null, { user_secret_key: 'not-the-secret' }, { force: true });
    h.kaltura.clearRecords();
    for (let i = 0; i < 6; i++) {
      const res = await h.session();
      expect(res.statusCode).toBe(502);
      expect(firstError(res.body).kaltura_code).toBe('START_SESSION_ERROR');
    }
    expect(h.kaltura.requests).toHaveLength(6);
  });

  it('is kept per endpoint: another account on another Kaltura is not affected', async () => {
    const other: KalturaDouble = await startKalturaDouble({ partners: [PARTNER] });
    try {
      const b = await seedUser(h.t.ctx, { domains: ['other.example.edu'] });
      await saveSettings(h.t.ctx, { domain: `127.0.0.1:${other.port}` }, b.account.id);
      await openCircuit();
      expect((await h.session()).statusCode).toBe(503);
      const res = await h.t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { host: 'other.example.edu', ...bearer(b.token) } });
      expect(res.statusCode).toBe(200);
      expect(other.requests.filter((r) => r.operation === 'session.start').length).toBeGreaterThanOrEqual(2); // the save check + this
    } finally {
      await other.close();
    }
  });

  it('applies to app_token mode too (the same endpoint, widget and app-token calls)', async () => {
    const a = await startHarness({ mode: 'app_token', breaker: { failureThreshold: 2, cooldownMs: COOLDOWN } });
    try {
      await a.appTokenIssuer.cache.delete(`http://127.0.0.1:${a.kaltura.port}/api_v3|1234`);
      a.kaltura.setFault({ kind: 'truncated-xml' }, { operation: 'session.startWidgetSession' });
      expect((await a.session()).statusCode).toBe(502);
      expect((await a.session()).statusCode).toBe(502);
      a.kaltura.clearFaults();
      a.kaltura.clearRecords();
      const res = await a.session();
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(a.kaltura.requests).toEqual([]);
      await sleep(COOLDOWN + 20);
      expect((await a.session()).statusCode).toBe(200);
    } finally {
      await a.close();
    }
  });
});

describe('circuit breaker defaults (createKalturaConnectivity): 5 failures, 30 s cool-down', () => {
  it('opens after 5 failures and asks to retry after 30 seconds', async () => {
    const kaltura = await startKalturaDouble({ partners: [PARTNER] });
    const t = await createTestApp();
    try {
      const s = await seedUser(t.ctx, { domains: ['d.example.edu'] });
      await saveSettings(t.ctx, {
        domain: `127.0.0.1:${kaltura.port}`,
        protocol: 'http',
        partner_id: '1234',
        subpartner_id: '123400',
        user_secret_key: PARTNER.userSecret,
        secret_key: PARTNER.adminSecret,
        session_mode: 'remote',
        kaltura_timeout_ms: '300',
      });
      const post = () => t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { host: 'd.example.edu', ...bearer(s.token) } });
      expect((await post()).statusCode).toBe(200);
      kaltura.setFault({ kind: 'html' });
      for (let i = 0; i < 5; i++) expect((await post()).statusCode).toBe(502);
      const res = await post();
      expect(res.statusCode).toBe(503);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(29);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(30);
      expect(firstError(res.body).error_code).toBe('kaltura_unavailable');
      // the settings check bypasses the breaker and reports Kaltura's real state
      const check = await t.ctx.settings.checkNow(null);
      expect(check).toMatchObject({ ok: false, outcome: 'bad_answer' });
      kaltura.clearFaults();
      expect(await t.ctx.settings.checkNow(null)).toMatchObject({ ok: true, outcome: 'success' });
      expect((await post()).statusCode).toBe(503); // still cooling down
    } finally {
      await t.close();
      await kaltura.close();
    }
  });
});
