/**
 * Redis going away under a running instance: the service keeps serving, its readiness check
 * says `degraded` and its log says why, rate limits fall back to this instance's own counters
 * (not to no limit at all), and everything returns to shared operation when Redis is back.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANVAS_SPEC_SETTINGS, newSecretKey } from '../helper.js';
import { eventually, startService, type ServiceProcess } from '../process.js';
import { call, startPrivateRedis, uniqueRedisPrefix, type PrivateRedis } from './scale-helper.js';

function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error('redis-server is required under CI');
    console.warn('skipping the Redis outage test: no redis-server binary');
    return false;
  }
}

describe.skipIf(!hasRedisServer())('Redis outage', () => {
  let redis: PrivateRedis;
  let svc: ServiceProcess;
  let token: string;
  let dataDir: string;
  const prefix = uniqueRedisPrefix();

  beforeAll(async () => {
    redis = await startPrivateRedis();
    dataDir = mkdtempSync(join(tmpdir(), 'cks-redis-outage-'));
    svc = await startService({
      DATA_DIR: dataDir,
      SECRET_KEYS: newSecretKey(),
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      TRUST_PROXY: 'true',
      RATE_LIMIT_AUTH_FAILURES_PER_IP: '3',
      RATE_LIMIT_WINDOW_MS: '600000',
    });
    token = /access token \(shown once, keep it safe\): (\S+)/.exec(svc.stdout())![1]!;
  }, 30_000);

  afterAll(async () => {
    const code = await svc?.stop();
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    expect(code).toBe(0);
  });

  const ready = () => call(`${svc.url}/health/ready`);
  const badTokenFrom = (ip: string) => call(`${svc.url}/api/v1/services/kaltura`, { token: 'y'.repeat(64), headers: { 'x-forwarded-for': ip } });

  it('is ready with Redis connected, keeps serving and says degraded without it, and recovers', async () => {
    expect(await eventually(async () => (await ready()).body?.status === 'ready', 5000)).toBe(true);
    const put = await call(`${svc.url}/api/v1/kaltura_settings`, { method: 'PUT', token, body: JSON.stringify({ settings: CANVAS_SPEC_SETTINGS, enabled: true }) });
    expect(put.status).toBe(200);

    await redis.stop();
    expect(await eventually(async () => (await ready()).body?.status === 'degraded', 5000)).toBe(true);
    const degraded = await ready();
    expect(degraded.status).toBe(200);
    expect(degraded.body.checks.find((c: { name: string }) => c.name === 'redis')).toMatchObject({ ok: true, degraded: true });
    expect(await eventually(async () => /redis canvas-kaltura: unavailable/.test(svc.stderr()), 5000)).toBe(true);

    // still serving: sessions and setting changes
    const session = await call(`${svc.url}/api/v1/services/kaltura_session`, { method: 'POST', token });
    expect(session.status).toBe(200);
    const put2 = await call(`${svc.url}/api/v1/kaltura_settings`, { method: 'PUT', token, body: JSON.stringify({ settings: { player_ui_conf: '2' } }) });
    expect(put2.status).toBe(200);

    // rate limits hold per instance (not "no limit")
    for (let i = 0; i < 3; i++) expect((await badTokenFrom('192.0.2.50')).status).toBe(401);
    const limited = await badTokenFrom('192.0.2.50');
    expect(limited.status).toBe(429);
    expect(limited.body.errors[0].error_code).toBe('rate_limit_exceeded');

    await redis.start();
    expect(await eventually(async () => (await ready()).body?.status === 'ready', 10_000)).toBe(true);
    expect(await eventually(async () => /redis canvas-kaltura: reconnected/.test(svc.stderr()), 5000)).toBe(true);
    // counters are shared again: they land in Redis under the prefix
    expect((await badTokenFrom('192.0.2.51')).status).toBe(401);
    const client = new Redis(redis.url);
    try {
      expect((await client.keys(`${prefix}*`)).length).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
  }, 40_000);
});
