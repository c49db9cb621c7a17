/**
 * `app_token` mode end to end over HTTP against the double: widget session (cached, shared by
 * concurrent requests), tokenHash per hash type, appToken.startSession, and its errors.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APP_TOKEN, PARTNER, ENDS_BY_TIMEOUT_MS, TIMEOUT_MS, firstError, startHarness, uidOf, verifyWithDouble, type Harness } from './setup.js';
import { saveSettings } from '../helper.js';

const HASHES = { SHA1: 'sha1', MD5: 'md5', SHA256: 'sha256', SHA512: 'sha512' } as const;
const TOKENS = (Object.keys(HASHES) as Array<keyof typeof HASHES>).map((hashType, i) => ({
  id: `0_tok${hashType.toLowerCase().padEnd(5, 'x')}`,
  token: `token-${hashType}-${i}-0123456789abcdef`,
  hashType,
  partnerId: PARTNER.partnerId,
}));

function widgetCalls(h: Harness) {
  return h.kaltura.requests.filter((r) => r.operation === 'session.startWidgetSession');
}
function startCalls(h: Harness) {
  return h.kaltura.requests.filter((r) => r.operation === 'appToken.startSession');
}

describe('app_token mode', () => {
  let h: Harness;
  let clock = Date.now();
  beforeAll(async () => {
    h = await startHarness({
      mode: 'app_token',
      appTokens: [{ ...APP_TOKEN, partnerId: PARTNER.partnerId }, ...TOKENS],
      appToken: { widgetExpirySeconds: 600, refreshMarginSeconds: 60, now: () => clock },
      breaker: { failureThreshold: 1000 },
    });
  });
  afterAll(async () => h.close());
  afterEach(async () => {
    h.kaltura.clearFaults();
    await saveSettings(h.t.ctx, h.settingsFor('app_token'));
    h.kaltura.clearRecords();
  });

  it('starts a session: widget session, then appToken.startSession with the uid, type 0, expiry and privileges', async () => {
    await saveSettings(h.t.ctx, h.settingsFor('app_token', { session_privileges: 'sview:*' }));
    await h.appTokenIssuer.cache.delete(`http://127.0.0.1:${h.kaltura.port}/api_v3|1234`);
    h.kaltura.clearRecords();
    const res = await h.session();
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ uid: uidOf(h), partner_id: '1234', subp_id: '123400' });
    expect(h.kaltura.requestLines()).toEqual([
      'POST /api_v3/service/session/action/startWidgetSession',
      'POST /api_v3/service/appToken/action/startSession',
    ]);
    const [widget, start] = h.kaltura.requests;
    expect(widget!.params).toMatchObject({ widgetId: '_1234', format: '1' });
    const widgetKs = h.kaltura.sessions.find((s) => s.operation === 'session.startWidgetSession')!.ks;
    const tokenHash = createHash('sha256').update(widgetKs + APP_TOKEN.token).digest('hex');
    expect(start!.params).toMatchObject({
      ks: widgetKs,
      id: APP_TOKEN.id,
      tokenHash,
      userId: uidOf(h),
      type: '0',
      expiry: '3600',
      sessionPrivileges: 'sview:*',
      format: '1',
    });
    for (const secret of [APP_TOKEN.token, tokenHash, widgetKs, body.ks]) {
      expect(h.kaltura.requestsContaining(secret, 'url')).toEqual([]);
    }
    expect(h.kaltura.requestsContaining(APP_TOKEN.token, 'any')).toEqual([]); // the token itself never travels
    const info = await verifyWithDouble(h.kaltura, body.ks);
    expect(info).toMatchObject({ sessionType: 0, partnerId: 1234, userId: uidOf(h) });
    expect(String(info.privileges)).toBe(`sessionid:${APP_TOKEN.id},apptoken:${APP_TOKEN.id},sview:*`);
    // the audit log records what Kaltura granted
    expect(res.body).not.toContain(APP_TOKEN.token);
  });

  it.each(TOKENS.map((t) => [t.hashType, t] as const))('hashes the token with %s', async (_name, token) => {
    await saveSettings(h.t.ctx, h.settingsFor('app_token', { app_token_id: token.id, app_token: token.token, app_token_hash_type: token.hashType }));
    h.kaltura.clearRecords();
    const res = await h.session();
    expect(res.statusCode).toBe(200);
    const start = startCalls(h)[0]!;
    expect(start.params!.tokenHash).toBe(createHash(HASHES[token.hashType]).update(start.params!.ks! + token.token).digest('hex'));
    expect(await verifyWithDouble(h.kaltura, res.json().ks)).toMatchObject({ userId: uidOf(h), sessionType: 0 });
  });

  it('reuses the cached widget session, and starts a new one shortly before it expires', async () => {
    expect((await h.session()).statusCode).toBe(200);
    expect((await h.session()).statusCode).toBe(200);
    expect(widgetCalls(h)).toHaveLength(0); // cached since the earlier tests
    expect(startCalls(h)).toHaveLength(2);
    clock += (600 - 60 - 1) * 1000; // just before the refresh margin: still used
    expect((await h.session()).statusCode).toBe(200);
    expect(widgetCalls(h)).toHaveLength(0);
    clock += 2000; // inside the margin: a new widget session
    expect((await h.session()).statusCode).toBe(200);
    expect(widgetCalls(h)).toHaveLength(1);
    expect(widgetCalls(h)[0]!.params!.expiry).toBe('600');
  });

  it('shares one widget session call among concurrent requests', async () => {
    await h.appTokenIssuer.cache.delete(`http://127.0.0.1:${h.kaltura.port}/api_v3|1234`);
    h.kaltura.enqueueFault({ kind: 'latency', ms: 80 }, { operation: 'session.startWidgetSession' });
    const results = await Promise.all(Array.from({ length: 12 }, () => h.session()));
    expect(results.map((r) => r.statusCode)).toEqual(Array(12).fill(200));
    expect(widgetCalls(h)).toHaveLength(1);
    expect(startCalls(h)).toHaveLength(12);
    const widgetKs = widgetCalls(h)[0] && h.kaltura.sessions.find((s) => s.operation === 'session.startWidgetSession')!.ks;
    expect(new Set(startCalls(h).map((r) => r.params!.ks))).toEqual(new Set([widgetKs]));
    expect(new Set(results.map((r) => r.json().ks)).size).toBe(12);
  });

  it('concurrent requests waiting for a widget session that never comes all end in 504', async () => {
    await h.appTokenIssuer.cache.delete(`http://127.0.0.1:${h.kaltura.port}/api_v3|1234`);
    h.kaltura.setFault({ kind: 'no-answer' }, { operation: 'session.startWidgetSession' });
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 5 }, () => h.session()));
    expect(results.map((r) => r.statusCode)).toEqual(Array(5).fill(504));
    expect(Date.now() - started).toBeLessThan(ENDS_BY_TIMEOUT_MS);
    expect(widgetCalls(h)).toHaveLength(1);
  });

  it('starts a fresh widget session when Kaltura says the cached one is no longer valid', async () => {
    expect((await h.session()).statusCode).toBe(200);
    const cachedKs = startCalls(h).at(-1)!.params!.ks!;
    // end the widget session at Kaltura (session.end revokes it)
    await fetch(`${h.kaltura.url}/api_v3/service/session/action/end`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ks: cachedKs, format: '1' }).toString(),
    });
    h.kaltura.clearRecords();
    const res = await h.session();
    expect(res.statusCode).toBe(200);
    expect(h.kaltura.requestLines()).toEqual([
      'POST /api_v3/service/appToken/action/startSession',
      'POST /api_v3/service/session/action/startWidgetSession',
      'POST /api_v3/service/appToken/action/startSession',
    ]);
    expect(startCalls(h)[1]!.params!.ks).not.toBe(cachedKs);
  });

  it('maps the app-token errors to 502 with Kaltura\'s code, never showing the token or its hash', async () => {
    const token = h.kaltura.appTokens.get(APP_TOKEN.id)!;
    const expect502 = async (code: string) => {
      const res = await h.session();
      expect(res.statusCode, code).toBe(502);
      const err = firstError(res.body);
      expect(err).toMatchObject({ error_code: 'kaltura_session_failed', kaltura_code: code });
      expect(res.body).not.toContain(APP_TOKEN.token);
      for (const r of startCalls(h)) expect(res.body).not.toContain(r.params!.tokenHash!);
      return err;
    };
    token.status = 'disabled';
    expect((await expect502('APP_TOKEN_NOT_ACTIVE')).message).toBe(`Kaltura answered APP_TOKEN_NOT_ACTIVE: Application token id "${APP_TOKEN.id}" not active`);
    token.status = 'active';
    token.expiry = Math.floor(Date.now() / 1000) - 10;
    await expect502('APP_TOKEN_EXPIRED');
    token.expiry = null;
    token.hashType = 'MD5';
    await expect502('INVALID_APP_TOKEN_HASH');
    token.hashType = APP_TOKEN.hashType;
    h.kaltura.deleteAppToken(APP_TOKEN.id);
    await expect502('APP_TOKEN_ID_NOT_FOUND');
    h.kaltura.addAppToken({ ...APP_TOKEN, partnerId: PARTNER.partnerId });
    expect((await h.session()).statusCode).toBe(200);
  });

  it('maps faults of either call: 5xx → 502 after retries, no answer → 504, garbage → 502', async () => {
    h.kaltura.setFault({ kind: 'http5xx' }, { operation: 'appToken.startSession' });
    const res = await h.session();
    expect(res.statusCode).toBe(502);
    expect(startCalls(h)).toHaveLength(3);
    h.kaltura.setFault({ kind: 'latency', ms: TIMEOUT_MS + 200 }, { operation: 'appToken.startSession' });
    expect((await h.session()).statusCode).toBe(504);
    h.kaltura.setFault({ kind: 'html' }, { operation: 'appToken.startSession' });
    expect((await h.session()).statusCode).toBe(502);
    h.kaltura.setFault({ kind: 'huge-body', chunked: true }, { operation: 'appToken.startSession' });
    expect((await h.session()).statusCode).toBe(502);
    h.kaltura.clearFaults();
    await h.appTokenIssuer.cache.delete(`http://127.0.0.1:${h.kaltura.port}/api_v3|1234`);
    h.kaltura.setFault({ kind: 'truncated-xml' }, { operation: 'session.startWidgetSession' });
    expect((await h.session()).statusCode).toBe(502);
    h.kaltura.setFault({ kind: 'slow-drip', chunkBytes: 2, intervalMs: 50 }, { operation: 'session.startWidgetSession' });
    expect((await h.session()).statusCode).toBe(504);
    h.kaltura.clearFaults();
    expect((await h.session()).statusCode).toBe(200);
  });

  it('answers 503 kaltura_not_configured without an app token', async () => {
    const fresh = await startHarness({ mode: 'app_token', settings: { app_token: undefined }, force: true });
    try {
      const res = await fresh.session();
      expect(res.statusCode).toBe(503);
      expect(firstError(res.body).error_code).toBe('kaltura_not_configured');
      expect(fresh.kaltura.requests).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
