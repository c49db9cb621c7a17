/**
 * Structured logs: JSON lines with the request id on every line a request produces (also the
 * lines written by code that has no request in hand), the id in X-Request-Id, and no token,
 * secret or whole KS on any line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANVAS_SPEC_SETTINGS, bearer, createTestApp, saveSettings, seedUser, type TestApp } from '../helper.js';
import { closedPort, logCollector } from './support.js';

describe('request logs', () => {
  const log = logCollector();
  let t: TestApp;
  let seeded: Awaited<ReturnType<typeof seedUser>>;
  beforeAll(async () => {
    t = await createTestApp({ logger: log.logger });
    seeded = await seedUser(t.ctx);
    await saveSettings(t.ctx, CANVAS_SPEC_SETTINGS);
  });
  afterAll(async () => t.close());

  it('puts the request id on every line and in X-Request-Id; keeps a sane incoming id, replaces a bad one', async () => {
    const a = await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: bearer(seeded.token) });
    const b = await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: { ...bearer(seeded.token), 'x-request-id': 'lb-7f3a.2' } });
    const c = await t.app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'bad id\u0007<script>' } });
    const ids = [a, b, c].map((r) => r.headers['x-request-id']);
    expect(ids[1]).toBe('lb-7f3a.2');
    expect(ids[2]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(3);
    const lines = log.lines();
    for (const line of lines) expect(typeof line.reqId, JSON.stringify(line)).toBe('string');
    // one access-log line per request (not Fastify's "incoming request" + "request completed")
    for (const id of ids) expect(lines.filter((l) => l.reqId === id).map((l) => l.msg)).toEqual(['request']);
  });

  it('writes one access-log line per request: method, path without the query, status, duration, request id, user id', async () => {
    const before = log.lines().length;
    const ok = await t.app.inject({ method: 'POST', url: `/api/v1/services/kaltura_session.json?include_upload_config=1&access_token=${seeded.token}` });
    const unauthenticated = await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura?as_user_id=2' });
    const lines = log.lines().slice(before);
    expect(lines).toHaveLength(2);
    const [a, b] = lines as [Record<string, unknown>, Record<string, unknown>];
    expect(a).toMatchObject({ level: 30, msg: 'request', method: 'POST', path: '/api/v1/services/kaltura_session.json', status: 200, reqId: ok.headers['x-request-id'], userId: seeded.user.id });
    expect(typeof a.ms).toBe('number');
    expect(a.ms as number).toBeGreaterThanOrEqual(0);
    expect(b).toMatchObject({ msg: 'request', method: 'GET', path: '/api/v1/services/kaltura', status: unauthenticated.statusCode, reqId: unauthenticated.headers['x-request-id'], userId: null });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(seeded.token);
    expect(text).not.toContain('include_upload_config');
    expect(text).not.toContain('as_user_id');
  });

  it('writes no access-log line at warn', async () => {
    const quiet = logCollector('warn');
    const w = await createTestApp({ logger: quiet.logger });
    try {
      const s = await seedUser(w.ctx);
      expect((await w.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: bearer(s.token) })).statusCode).toBe(200);
      expect(quiet.lines()).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('never logs the token, the KS, or credential parameters', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/services/kaltura_session?access_token=${seeded.token}&secret=s3cr3t-param&include_upload_config=1`,
    });
    expect(res.statusCode).toBe(200);
    const ks = res.json().ks as string;
    const text = log.text();
    expect(text).not.toContain(seeded.token);
    expect(text).not.toContain(ks);
    expect(text).not.toContain('s3cr3t-param');
  });

  it('redacts credentials and KSs that code puts in log objects and messages', async () => {
    const ks = (await t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: bearer(seeded.token) })).json().ks as string;
    t.app.log.info(
      { ks, secret_key: 'admin-secret-x', kaltura: { app_token: 'app-token-x', ks }, headers: { authorization: `Bearer ${seeded.token}` }, access_token: seeded.token },
      `issued ${ks} for a user with ${seeded.token}`,
    );
    t.app.log.error({ err: new Error(`upstream said ${ks}`) }, 'failure');
    const lines = log.lines();
    const info = lines.find((l) => String(l.msg).startsWith('issued'))!;
    expect(info.ks).toBe(`…${ks.slice(-6)}`);
    expect((info.kaltura as Record<string, unknown>).ks).toBe(`…${ks.slice(-6)}`);
    expect(info.secret_key).toBe('[REDACTED]');
    expect((info.kaltura as Record<string, unknown>).app_token).toBe('[REDACTED]');
    expect((info.headers as Record<string, unknown>).authorization).toBe('[REDACTED]');
    expect(info.access_token).toBe('[REDACTED]');
    expect(info.msg).toBe(`issued …${ks.slice(-6)} for a user with [REDACTED]`);
    const failure = lines.find((l) => l.msg === 'failure')!;
    expect((failure.err as Record<string, unknown>).message).toBe(`upstream said …${ks.slice(-6)}`);
    const text = log.text();
    for (const secret of [ks, seeded.token, 'admin-secret-x', 'app-token-x']) expect(text).not.toContain(secret);
  });
});

describe('lines from code without the request in hand', () => {
  it('a Kaltura failure logged by the session issuer carries the request id, and no secret', async () => {
    const log = logCollector();
    const t = await createTestApp({ logger: log.logger });
    try {
      const seeded = await seedUser(t.ctx);
      const port = await closedPort();
      const saved = await t.ctx.settings.update(
        null,
        { ...CANVAS_SPEC_SETTINGS, domain: `127.0.0.1:${port}`, protocol: 'http', session_mode: 'remote', kaltura_timeout_ms: '2000' },
        { force: true },
      );
      expect(saved.ok).toBe(true);
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: bearer(seeded.token) });
      expect(res.statusCode).toBe(502);
      const line = log.lines().find((l) => l.msg === 'kaltura session failed');
      expect(line).toBeDefined();
      expect(line!.reqId).toBe(res.headers['x-request-id']);
      expect(line!.kaltura).toMatchObject({ mode: 'remote', reason: 'connection' });
      expect(log.text()).not.toContain(CANVAS_SPEC_SETTINGS.user_secret_key);
      expect(log.text()).not.toContain(CANVAS_SPEC_SETTINGS.secret_key);
    } finally {
      await t.close();
    }
  });
});
