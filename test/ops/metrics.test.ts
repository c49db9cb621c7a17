/**
 * /metrics in Prometheus format: requests by route pattern and status (unmatched URLs under one
 * label), sessions per mode, Kaltura upstream latency, errors and breaker state, default process
 * metrics; served only with METRICS_TOKEN (Bearer) on the main port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKalturaDouble, type KalturaDouble } from '../kaltura-double/kaltura-double.js';
import { CANVAS_SPEC_SETTINGS, bearer, createTestApp, saveSettings, seedUser, type TestApp } from '../helper.js';
import { closedPort } from './support.js';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('metrics', () => {
  let t: TestApp;
  let kaltura: KalturaDouble;
  let seeded: Awaited<ReturnType<typeof seedUser>>;
  const scrape = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: bearer(METRICS_TOKEN) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.body;
  };

  beforeAll(async () => {
    kaltura = await startKalturaDouble({ partners: [{ partnerId: 100, adminSecret: CANVAS_SPEC_SETTINGS.secret_key, userSecret: CANVAS_SPEC_SETTINGS.user_secret_key }] });
    t = await createTestApp({ env: { METRICS_TOKEN } });
    seeded = await seedUser(t.ctx, { domains: ['remote.example.edu'] });
    await saveSettings(t.ctx, CANVAS_SPEC_SETTINGS);
  });
  afterAll(async () => {
    await t.close();
    await kaltura.close();
  });

  it('refuses scrapes without the token (constant-time Bearer check)', async () => {
    for (const headers of [{}, bearer('wrong'), { authorization: METRICS_TOKEN }, bearer(`${METRICS_TOKEN}x`)]) {
      const res = await t.app.inject({ method: 'GET', url: '/metrics', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ errors: [{ message: 'A valid metrics token is required.' }] });
      expect(res.body).not.toContain('http_requests_total');
    }
  });

  it('counts requests by route pattern and status, unmatched URLs under one label', async () => {
    await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: bearer(seeded.token) });
    await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura.json', headers: bearer(seeded.token) });
    await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura' });
    await t.app.inject({ method: 'GET', url: `/api/v1/users/${seeded.user.id}`, headers: bearer(seeded.token) });
    for (const path of ['/a', '/b/c', '/d?e=f']) await t.app.inject({ method: 'GET', url: path });
    const text = await scrape();
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/api/v1/services/kaltura', status_code: '200' })).toBe(2);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/api/v1/services/kaltura', status_code: '401' })).toBe(1);
    expect(text).toContain('route="/api/v1/users/:id"');
    expect(text).not.toContain(`/api/v1/users/${seeded.user.id}"`);
    expect(sample(text, 'http_requests_total', { route: 'unmatched', status_code: '404' })).toBe(3);
    expect(text).not.toMatch(/route="\/(a|b\/c|d|d\?e=f)"/);
    expect(sample(text, 'http_request_duration_seconds_count', { route: '/api/v1/services/kaltura', status_code: '200' })).toBe(2);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0\.1",method="GET",route="\/api\/v1\/services\/kaltura",status_code="200"\}/);
  });

  it('includes the default process metrics', async () => {
    const text = await scrape();
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(text).toContain(`# TYPE ${name}`);
    }
  });

  it('counts sessions minted per mode', async () => {
    for (let i = 0; i < 2; i++) {
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: bearer(seeded.token) })).statusCode).toBe(200);
    }
    await saveSettings(
      t.ctx,
      { ...CANVAS_SPEC_SETTINGS, domain: `127.0.0.1:${kaltura.port}`, protocol: 'http', session_mode: 'remote' },
      seeded.account.id,
    );
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { ...bearer(seeded.token), host: 'remote.example.edu' } });
    expect(res.statusCode).toBe(200);
    const text = await scrape();
    expect(sample(text, 'kaltura_sessions_minted_total', { mode: 'local' })).toBe(2);
    expect(sample(text, 'kaltura_sessions_minted_total', { mode: 'remote' })).toBe(1);
    expect(sample(text, 'kaltura_upstream_duration_seconds_count', { mode: 'remote', outcome: 'ok' })).toBe(1);
  });

  it('reports Kaltura upstream errors by reason and the breaker opening, per endpoint', async () => {
    const port = await closedPort();
    const other = await seedUser(t.ctx, { domains: ['down.example.edu'] });
    const saved = await t.ctx.settings.update(
      other.account.id,
      { ...CANVAS_SPEC_SETTINGS, domain: `127.0.0.1:${port}`, protocol: 'http', session_mode: 'remote' },
      { force: true },
    );
    expect(saved.ok).toBe(true);
    const statuses: number[] = [];
    // the production breaker: 5 consecutive failures open it
    for (let i = 0; i < 6; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { ...bearer(other.token), host: 'down.example.edu' } });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([502, 502, 502, 502, 502, 503]);
    const text = await scrape();
    expect(sample(text, 'kaltura_upstream_errors_total', { mode: 'remote', reason: 'connection' })).toBe(5);
    expect(sample(text, 'kaltura_upstream_errors_total', { mode: 'remote', reason: 'unavailable' })).toBe(1);
    expect(sample(text, 'kaltura_upstream_duration_seconds_count', { mode: 'remote', outcome: 'error' })).toBe(6);
    expect(sample(text, 'kaltura_circuit_breaker_state', { endpoint: `http://127.0.0.1:${port}/api_v3` })).toBe(2);
    expect(sample(text, 'kaltura_circuit_breaker_state', { endpoint: `http://127.0.0.1:${kaltura.port}/api_v3` })).toBeUndefined();
  });

  it('is not served on the main port without METRICS_TOKEN, and each app has its own registry', async () => {
    const plain = await createTestApp();
    try {
      const res = await plain.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(404);
      // a second app in this process counts on its own
      await plain.app.inject({ method: 'GET', url: '/health/live' });
      const own = await plain.ctx.metrics.exposition();
      expect(sample(own.body, 'http_requests_total', { route: '/health/live' })).toBe(1);
      expect(sample(await scrape(), 'http_requests_total', { route: '/health/live' })).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
