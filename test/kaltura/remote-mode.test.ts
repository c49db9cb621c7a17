/**
 * `remote` mode end to end: the service over HTTP (inject), Kaltura's session.start answered by
 * the double on loopback — success in JSON and XML, every fault mapped to the failure table, and
 * the secret never in a URL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PARTNER, ENDS_BY_TIMEOUT_MS, TIMEOUT_MS, firstError, startHarness, uidOf, verifyWithDouble, type Harness } from './setup.js';
import { saveSettings } from '../helper.js';

describe('remote mode', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode: 'remote', breaker: { failureThreshold: 1000 } });
  });
  afterAll(async () => h.close());
  afterEach(async () => {
    h.kaltura.clearFaults();
    h.kaltura.clearRecords();
    await saveSettings(h.t.ctx, h.settingsFor('remote'));
    h.kaltura.clearRecords();
  });

  it('starts a USER session with session.start: secret in the POST body only, format=1, expiry and privileges', async () => {
    await saveSettings(h.t.ctx, h.settingsFor('remote', { session_privileges: 'sview:*,list:*' }));
    h.kaltura.clearRecords();
    const res = await h.session();
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ subp_id: '123400', partner_id: '1234', uid: uidOf(h) });
    expect(Object.keys(body)).toEqual(['ks', 'subp_id', 'partner_id', 'uid', 'serverTime']);

    expect(h.kaltura.requests).toHaveLength(1);
    const call = h.kaltura.requests[0]!;
    expect(call.line).toBe('POST /api_v3/service/session/action/start');
    expect(call.operation).toBe('session.start');
    expect(call.params).toMatchObject({
      secret: PARTNER.userSecret,
      userId: uidOf(h),
      type: '0',
      partnerId: '1234',
      expiry: '3600',
      privileges: 'sview:*,list:*',
      format: '1',
    });
    // the secret is in the body, never in a URL
    expect(h.kaltura.requestsContaining(PARTNER.userSecret, 'body')).toHaveLength(1);
    expect(h.kaltura.requestsContaining(PARTNER.userSecret, 'url')).toEqual([]);
    expect(h.kaltura.requestsContaining(PARTNER.adminSecret, 'any')).toEqual([]);

    // Kaltura's own validation accepts the KS, for our uid, as a USER session
    const info = await verifyWithDouble(h.kaltura, body.ks);
    expect(info).toMatchObject({ objectType: 'KalturaSessionInfo', sessionType: 0, partnerId: 1234, userId: uidOf(h), privileges: 'sview:*,list:*' });
    expect(h.kaltura.sessions.at(-1)).toMatchObject({ ks: body.ks, type: 0, userId: uidOf(h) });
    // the response leaks no secret
    expect(res.body).not.toContain(PARTNER.userSecret);
    expect(res.body).not.toContain(PARTNER.adminSecret);
  });

  it('falls back to the administrator secret when no user secret is set', async () => {
    const fresh = await startHarness({ mode: 'remote', settings: { user_secret_key: undefined } });
    try {
      const res = await fresh.session();
      expect(res.statusCode).toBe(200);
      expect(fresh.kaltura.requests[0]!.params!.secret).toBe(PARTNER.adminSecret);
      expect(fresh.kaltura.requestsContaining(PARTNER.adminSecret, 'url')).toEqual([]);
      expect(await verifyWithDouble(fresh.kaltura, res.json().ks)).toMatchObject({ userId: uidOf(fresh), sessionType: 0 });
    } finally {
      await fresh.close();
    }
  });

  it('answers 503 kaltura_not_configured without any secret, calling nobody', async () => {
    const fresh = await startHarness({ mode: 'remote', settings: { user_secret_key: undefined, secret_key: undefined }, force: true });
    try {
      const res = await fresh.session();
      expect(res.statusCode).toBe(503);
      expect(firstError(res.body)).toMatchObject({ error_code: 'kaltura_not_configured' });
      expect(String(firstError(res.body).message)).toContain('user_secret_key');
      expect(fresh.kaltura.requests).toEqual([]);
      expect((await fresh.config()).json().enabled).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it('sends format=1 and answers with the include_upload_config body', async () => {
    const res = await h.session('?include_upload_config=1');
    expect(res.statusCode).toBe(200);
    expect(res.json().kaltura_setting.uploadUrl).toBe(`http://127.0.0.1:${h.kaltura.port}/index.php/partnerservices2/upload`);
  });

  it('maps START_SESSION_ERROR (wrong secret) to 502 kaltura_session_failed with Kaltura\'s code and message', async () => {
    await h.t.ctx.settings.update(null, { user_secret_key: 'wrong-user-secret-123' }, { force: true });
    h.kaltura.clearRecords();
    const res = await h.session();
    expect(res.statusCode).toBe(502);
    expect(firstError(res.body)).toEqual({
      message: 'Kaltura answered START_SESSION_ERROR: Error while starting session for partner [1234]',
      error_code: 'kaltura_session_failed',
      kaltura_code: 'START_SESSION_ERROR',
    });
    expect(res.body).not.toContain('wrong-user-secret-123');
    expect(h.kaltura.requests).toHaveLength(1); // a Kaltura error is not retried
  });

  it('maps an unknown partner to 502 with SERVICE_FORBIDDEN_CONTENT_BLOCKED', async () => {
    await h.t.ctx.settings.update(null, { partner_id: '999' }, { force: true });
    const res = await h.session();
    expect(res.statusCode).toBe(502);
    expect(firstError(res.body)).toMatchObject({ error_code: 'kaltura_session_failed', kaltura_code: 'SERVICE_FORBIDDEN_CONTENT_BLOCKED' });
  });

  it('never passes on a KS or secret Kaltura echoes in an error message', async () => {
    h.kaltura.enqueueFault({
      kind: 'kaltura-error',
      code: 'INVALID_KS',
      args: { KSID: `djJ8MTIzNHx${'A'.repeat(60)}Zz09`, ERR_CODE: '-1', ERR_DESC: PARTNER.userSecret },
    });
    const res = await h.session();
    expect(res.statusCode).toBe(502);
    const err = firstError(res.body);
    expect(err.kaltura_code).toBe('INVALID_KS');
    expect(res.body).not.toContain(PARTNER.userSecret);
    expect(res.body).not.toContain('A'.repeat(60));
    expect(String(err.message)).toContain('…AAZz09');
  });

  it('retries a 5xx and a connection reset, then succeeds', async () => {
    h.kaltura.enqueueFault({ kind: 'http5xx', status: 503 }, { operation: 'session.start' });
    h.kaltura.enqueueFault({ kind: 'reset' }, { operation: 'session.start' });
    const res = await h.session();
    expect(res.statusCode).toBe(200);
    expect(h.kaltura.requests.filter((r) => r.operation === 'session.start')).toHaveLength(3);
  });

  it('gives up after 2 retries of a persistent 5xx: 502 saying the HTTP status', async () => {
    h.kaltura.setFault({ kind: 'http5xx', status: 500 });
    const res = await h.session();
    expect(res.statusCode).toBe(502);
    expect(firstError(res.body)).toEqual({ message: 'Kaltura answered HTTP 500.', error_code: 'kaltura_session_failed' });
    expect(h.kaltura.requests).toHaveLength(3);
  });

  it('does not retry an HTML page, a truncated answer or a Kaltura error', async () => {
    for (const fault of [{ kind: 'html' } as const, { kind: 'truncated-xml' } as const]) {
      h.kaltura.clearRecords();
      h.kaltura.setFault(fault);
      const res = await h.session();
      expect(res.statusCode, fault.kind).toBe(502);
      expect(firstError(res.body).error_code).toBe('kaltura_session_failed');
      expect(h.kaltura.requests).toHaveLength(1);
    }
  });

  it('answers 504 kaltura_timeout when Kaltura never answers, within the configured timeout', async () => {
    h.kaltura.setFault({ kind: 'no-answer' });
    const started = Date.now();
    const res = await h.session();
    const took = Date.now() - started;
    expect(res.statusCode).toBe(504);
    expect(firstError(res.body)).toEqual({ message: `Kaltura did not answer within ${TIMEOUT_MS} ms.`, error_code: 'kaltura_timeout' });
    expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(took).toBeLessThan(ENDS_BY_TIMEOUT_MS);
  });

  it('answers 504 when Kaltura is slower than the timeout (latency) or drips its answer', async () => {
    h.kaltura.setFault({ kind: 'latency', ms: TIMEOUT_MS + 300 });
    expect((await h.session()).statusCode).toBe(504);
    h.kaltura.setFault({ kind: 'slow-drip', chunkBytes: 4, intervalMs: 60 });
    const started = Date.now();
    const res = await h.session();
    expect(res.statusCode).toBe(504);
    expect(Date.now() - started).toBeLessThan(ENDS_BY_TIMEOUT_MS);
  });

  it('answers well within the timeout when latency is below it', async () => {
    h.kaltura.setFault({ kind: 'latency', ms: 50 });
    expect((await h.session()).statusCode).toBe(200);
  });

  it('caps what it reads at 1 MiB: a huge answer (with or without Content-Length) is a 502, not a crash', async () => {
    for (const chunked of [false, true]) {
      h.kaltura.setFault({ kind: 'huge-body', chunked });
      const res = await h.session();
      expect(res.statusCode).toBe(502);
      expect(firstError(res.body)).toEqual({ message: "Kaltura's answer was larger than 1048576 bytes.", error_code: 'kaltura_session_failed' });
    }
  });

  it('rejects a result that is not a KS', async () => {
    h.kaltura.setFault({ kind: 'huge-body', bytes: 5 });
    const tiny = await h.session();
    expect(tiny.statusCode).toBe(502);
    expect(firstError(tiny.body)).toEqual({ message: 'Kaltura answered something that is not a KS.', error_code: 'kaltura_session_failed' });
  });

  it('maps a refused connection to 502 after retrying, quickly', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await h.t.ctx.settings.update(null, { domain: `127.0.0.1:${port}` }, { force: true });
    const res = await h.session();
    expect(res.statusCode).toBe(502);
    expect(firstError(res.body)).toEqual({ message: `Could not connect to Kaltura at 127.0.0.1:${port} (ECONNREFUSED).`, error_code: 'kaltura_session_failed' });
  });

});

describe('remote mode: answers from other servers', () => {
  let server: Server;
  let answer: { status: number; type: string; body: string | Buffer } = { status: 200, type: 'text/xml', body: '' };
  let h: Harness;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(answer.status, { 'content-type': answer.type });
        res.end(answer.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    h = await startHarness({ mode: 'remote', breaker: { failureThreshold: 1000 } });
    await h.t.ctx.settings.update(null, { domain: `127.0.0.1:${(server.address() as AddressInfo).port}` }, { force: true });
  });
  afterAll(async () => {
    await h.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const KS = 'djJ8MTIzNHyExampleOnlyNotARealKs=';
  const cases: Array<[string, typeof answer, number, Record<string, unknown>?]> = [
    ['an XML success', { status: 200, type: 'text/xml', body: `<?xml version="1.0" encoding="utf-8"?><xml><result>${KS}</result><executionTime>0.01</executionTime></xml>` }, 200],
    ['a JSON success with escaped slashes', { status: 200, type: 'application/json', body: JSON.stringify(KS).replace(/\//g, '\\/') }, 200],
    [
      'an XML error with its elements in another order',
      { status: 200, type: 'text/xml', body: '<?xml version="1.0"?><xml><result><error><objectType>KalturaAPIException</objectType><message>Error while starting session for partner [1234]</message><args></args><code>START_SESSION_ERROR</code></error></result></xml>' },
      502,
      { kaltura_code: 'START_SESSION_ERROR', message: 'Kaltura answered START_SESSION_ERROR: Error while starting session for partner [1234]' },
    ],
    ['XML with entities in the message', { status: 200, type: 'text/xml', body: '<xml><result><error><code>X_ERR</code><message>a &quot;b&quot; &amp; &lt;c&gt;</message></error></result></xml>' }, 502, { message: 'Kaltura answered X_ERR: a "b" & <c>' }],
    ['garbage bytes', { status: 200, type: 'application/octet-stream', body: Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]) }, 502, { message: 'Kaltura answered an answer that is neither JSON nor XML.' }],
    ['an empty body', { status: 200, type: 'text/xml', body: '' }, 502],
    ['a JSON array', { status: 200, type: 'application/json', body: '[1,2]' }, 502],
    ['JSON null', { status: 200, type: 'application/json', body: 'null' }, 502],
    ['an unclosed XML result', { status: 200, type: 'text/xml', body: '<xml><result><error><code>X</code></result></xml>' }, 502],
    ['XML without a result', { status: 200, type: 'text/xml', body: '<xml><executionTime>1</executionTime></xml>' }, 502],
    ['a redirect (never followed: it would resend the secret)', { status: 307, type: 'text/plain', body: '' }, 502, { message: 'Kaltura answered HTTP 307.' }],
    ['a 404', { status: 404, type: 'text/html', body: '<html>nope</html>' }, 502, { message: 'Kaltura answered HTTP 404.' }],
    ['deeply nested XML', { status: 200, type: 'text/xml', body: `<xml><result>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</result></xml>` }, 502],
  ];
  it.each(cases)('%s', async (_name, a, status, error) => {
    answer = a;
    const res = await h.session();
    expect(res.statusCode).toBe(status);
    if (status === 200) expect(res.json().ks).toBe(KS);
    else expect(firstError(res.body)).toMatchObject({ error_code: 'kaltura_session_failed', ...error });
  });
});

describe('remote mode: XML answers from the double (format=2)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode: 'remote', client: { format: 2 } });
  });
  afterAll(async () => h.close());

  it('parses an XML success and an XML error', async () => {
    const ok = await h.session();
    expect(ok.statusCode).toBe(200);
    expect(h.kaltura.requests.at(-1)!.params!.format).toBe('2');
    expect(await verifyWithDouble(h.kaltura, ok.json().ks)).toMatchObject({ userId: uidOf(h), sessionType: 0 });
    h.kaltura.enqueueFault({ kind: 'kaltura-error', code: 'START_SESSION_ERROR' });
    const bad = await h.session();
    expect(bad.statusCode).toBe(502);
    expect(firstError(bad.body)).toEqual({
      message: 'Kaltura answered START_SESSION_ERROR: Error while starting session for partner [1234]',
      error_code: 'kaltura_session_failed',
      kaltura_code: 'START_SESSION_ERROR',
    });
  });
});
