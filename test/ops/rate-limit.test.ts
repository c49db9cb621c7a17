/**
 * Rate limits: the session endpoint per token and per IP, and failed authentication per IP
 * (after too many bad tokens an IP is refused before its token is checked), each answered 429
 * with Retry-After in Canvas's error shape; with Redis the counters are shared by instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANVAS_SPEC_SETTINGS, bearer, createTestApp, saveSettings, seedUser, type TestApp } from '../helper.js';
import { redisAvailable, REDIS_TEST_URL, uniqueRedisPrefix } from '../scale/scale-helper.js';

const LIMITS = {
  RATE_LIMIT_SESSION_PER_TOKEN: '3',
  RATE_LIMIT_SESSION_PER_IP: '5',
  RATE_LIMIT_AUTH_FAILURES_PER_IP: '3',
  RATE_LIMIT_WINDOW_MS: '60000',
  METRICS_TOKEN: 'metrics-for-rate-limit-tests',
};

function expect429(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) {
  expect(res.statusCode).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
  expect(res.json()).toEqual({ errors: [{ message: `Rate limit exceeded; try again in ${retryAfter} seconds.`, error_code: 'rate_limit_exceeded' }] });
  expect(res.headers['cache-control']).toBe('no-store');
}

describe('rate limits', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof seedUser>>;
  let bToken: string;
  beforeAll(async () => {
    t = await createTestApp({ env: LIMITS });
    a = await seedUser(t.ctx);
    bToken = (await seedUser(t.ctx, { accountId: a.account.id })).token;
    await saveSettings(t.ctx, CANVAS_SPEC_SETTINGS);
  });
  afterAll(async () => t.close());

  const session = (token: string, remoteAddress = '192.0.2.10') =>
    t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: bearer(token), remoteAddress });

  it('limits sessions per token, then per IP; other IPs and other endpoints are not affected', async () => {
    const first = [await session(a.token), await session(a.token), await session(a.token)];
    expect(first.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect429(await session(a.token)); // 4th for token A
    expect((await session(bToken)).statusCode).toBe(200); // 5th from this IP, 1st for token B
    expect429(await session(bToken)); // 6th from this IP
    expect((await session(bToken, '198.51.100.7')).statusCode).toBe(200); // another IP, B's 3rd
    const config = await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: bearer(a.token), remoteAddress: '192.0.2.10' });
    expect(config.statusCode).toBe(200);
  });

  it('counts failed authentications per IP and then refuses that IP before checking the token', async () => {
    const ip = '203.0.113.5';
    const bad = (token: string) => t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: bearer(token), remoteAddress: ip });
    for (let i = 0; i < 3; i++) {
      const res = await bad(`not-a-token-${i}`);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ errors: [{ message: 'Invalid access token.' }] });
    }
    expect429(await bad('not-a-token-3'));
    // a good token from the same IP is refused too: the token is not even looked at
    expect429(await bad(a.token));
    expect429(await t.app.inject({ method: 'GET', url: `/api/v1/services/kaltura?access_token=${a.token}`, remoteAddress: ip }));
    // requests that present no token are not authentication attempts
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', remoteAddress: ip })).statusCode).toBe(401);
    // other IPs are served
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: bearer(a.token), remoteAddress: '203.0.113.6' })).statusCode).toBe(200);
  });

  it('counts an IPv6 client by its /64, so rotating addresses within it does not help', async () => {
    const bad = (n: number) =>
      t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: bearer(`guess-${n}`), remoteAddress: `2001:db8:aa:bb::${n.toString(16)}` });
    for (let i = 1; i <= 3; i++) expect((await bad(i)).statusCode).toBe(401);
    expect429(await bad(4));
    const other = await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: bearer(a.token), remoteAddress: '2001:db8:aa:cc::1' });
    expect(other.statusCode).toBe(200);
  });

  it('does not count a good token as a failure', async () => {
    const ip = '203.0.113.77';
    for (let i = 0; i < 6; i++) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: bearer(a.token), remoteAddress: ip });
      expect(res.statusCode).toBe(200);
    }
  });

  it('counts refusals in the metrics, by limit', async () => {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics', headers: bearer(LIMITS.METRICS_TOKEN) })).body;
    expect(text).toContain('rate_limit_refusals_total{limit="session_per_token"} 1');
    expect(text).toContain('rate_limit_refusals_total{limit="session_per_ip"} 1');
    expect(text).toContain('rate_limit_refusals_total{limit="auth_failures_per_ip"} 4');
  });
});

describe('rate limits shared through Redis', async () => {
  const up = await redisAvailable();
  if (!up) console.warn(`skipping shared rate-limit test: Redis not reachable at ${REDIS_TEST_URL}`);

  it.skipIf(!up)('two instances on one Redis count failed authentications together', async () => {
    const env = { ...LIMITS, REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: uniqueRedisPrefix() };
    const one = await createTestApp({ env });
    const two = await createTestApp({ env });
    try {
      // the shared connection comes up in the background (until then limits are per instance)
      for (let i = 0; i < 50 && [one, two].some((x) => x.ctx.redis?.check().status !== 'ok'); i++) await new Promise((r) => setTimeout(r, 100));
      const { token } = await seedUser(two.ctx);
      await seedUser(one.ctx);
      const ip = '192.0.2.200';
      const bad = (app: TestApp) => app.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: bearer('wrong'), remoteAddress: ip });
      expect((await bad(one)).statusCode).toBe(401);
      expect((await bad(one)).statusCode).toBe(401);
      expect((await bad(two)).statusCode).toBe(401);
      expect429(await two.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: bearer(token), remoteAddress: ip }));
      expect429(await bad(one));
    } finally {
      await one.close();
      await two.close();
    }
  });
});
