/**
 * /health/live answers while the process runs; /health/ready checks the database (on SQLite and
 * PostgreSQL), the shared Redis when configured (degraded, not down, when it is away), and every
 * check added to ctx.readinessChecks, answering 503 when one fails or hangs.
 */
import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createTestApp, testDatabases } from '../helper.js';
import { redisAvailable, REDIS_TEST_URL, uniqueRedisPrefix } from '../scale/scale-helper.js';
import { redisCheck, runCheck } from '../../src/observability/readiness.js';
import { closedPort } from './support.js';

describe.each(await testDatabases())('health on %s', (database) => {
  it('live and ready while the database answers; 503 not ready once it is gone, live still 200', async () => {
    const t = await createTestApp({ database });
    try {
      const live = await t.app.inject({ method: 'GET', url: '/health/live' });
      expect(live.statusCode).toBe(200);
      expect(live.json()).toEqual({ status: 'ok' });
      expect(live.headers['cache-control']).toBe('no-store');
      const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready', checks: [{ name: 'database', ok: true, detail: database }] });

      await t.ctx.db.close();
      const down = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ status: 'unavailable', checks: [{ name: 'database', ok: false }] });
      expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    } finally {
      await t.close().catch(() => {});
    }
  });
});

describe('readiness checks', () => {
  it('runs the checks added to ctx.readinessChecks: a failing or hanging one makes the instance not ready', async () => {
    const t = await createTestApp();
    try {
      t.ctx.readinessChecks.push(async () => ({ name: 'queue', ok: true }));
      expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).json().checks.map((c: { name: string }) => c.name)).toEqual(['database', 'queue']);
      t.ctx.readinessChecks.push(async function search() {
        throw Object.assign(new Error('connect refused to postgres://user:pw@db.internal/x'), { code: 'ECONNREFUSED' });
      });
      const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      const failed = res.json().checks.find((c: { name: string }) => c.name === 'search');
      expect(failed).toMatchObject({ ok: false, detail: 'ECONNREFUSED: connect refused to <url>' });
      expect(res.body).not.toContain('pw@');
    } finally {
      await t.close();
    }
    const hung = await runCheck(() => new Promise(() => {}), 'slow', 50);
    expect(hung).toEqual({ name: 'slow', ok: false, detail: 'no answer within 50 ms' });
  });
});

describe('readiness with Redis', async () => {
  const up = await redisAvailable();
  if (!up) console.warn(`skipping Redis readiness tests: Redis not reachable at ${REDIS_TEST_URL}`);

  it.skipIf(!up)('reports the shared Redis: ok when connected', async () => {
    const t = await createTestApp({ env: { REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: uniqueRedisPrefix() } });
    try {
      let body: { status: string; checks: Array<{ name: string; ok: boolean; degraded?: boolean }> } | undefined;
      for (let i = 0; i < 50; i++) {
        body = (await t.app.inject({ method: 'GET', url: '/health/ready' })).json();
        if (body!.status === 'ready') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(body).toMatchObject({ status: 'ready', checks: [{ name: 'database', ok: true }, { name: 'redis', ok: true }] });
      // the PING check for a plain ioredis client
      const client = new Redis(REDIS_TEST_URL);
      try {
        expect(await redisCheck(client)()).toEqual({ name: 'redis', ok: true });
      } finally {
        client.disconnect();
      }
    } finally {
      await t.close();
    }
  });

  it('reports an unreachable Redis as degraded: still ready (rate limits and caches fall back per instance)', async () => {
    const port = await closedPort();
    const t = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: uniqueRedisPrefix() } });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'degraded', checks: [{ name: 'database', ok: true }, { name: 'redis', ok: true, degraded: true }] });
    } finally {
      await t.close();
    }
  });
});
