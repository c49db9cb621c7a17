/**
 * Hostile and broken requests get a 4xx in Canvas's error shape, a bug gets a 500 that points at
 * a stored error report, and nothing secret reaches a response or a log line.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, CANVAS_SPEC_SETTINGS, createTestApp, saveSettings, seedUser, type TestApp } from '../helper.js';
import { loggerOptions } from '../../src/http/app.js';
import type { SessionIssuer } from '../../src/kaltura/issuers/session-issuer.js';

class Capture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    cb();
  }
}

/** A session issuer that fails the way a bug does (a plain exception). */
const buggyIssuer: SessionIssuer = {
  mode: 'remote',
  async issue() {
    throw new TypeError("Cannot read properties of undefined (reading 'ks')");
  },
};

describe('bad input', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedUser>>;
  const logs = new Capture();

  beforeAll(async () => {
    t = await createTestApp({ logger: loggerOptions('info', logs), issuers: [buggyIssuer] });
    s = await seedUser(t.ctx, { admin: true });
    await saveSettings(t.ctx, CANVAS_SPEC_SETTINGS);
  });
  afterAll(async () => t.close());

  const expectCanvasError = (res: { statusCode: number; body: string }, status: number) => {
    expect(res.statusCode).toBe(status);
    const body = JSON.parse(res.body);
    expect(Array.isArray(body.errors)).toBe(true);
    expect(typeof body.errors[0].message).toBe('string');
    expect(body.errors[0].message.length).toBeGreaterThan(5);
  };

  it('answers malformed JSON with 400', async () => {
    for (const payload of ['{', '{"a":', 'nul', '{"__proto__":{"x":1}}', '\u0000']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { ...bearer(s.token), 'content-type': 'application/json' }, payload });
      expectCanvasError(res, 400);
    }
  });

  it('answers unsupported content types with 415', async () => {
    for (const type of ['text/xml', 'application/octet-stream', 'multipart/form-data; boundary=x', 'image/png']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { ...bearer(s.token), 'content-type': type }, payload: '<a/>' });
      expectCanvasError(res, 415);
    }
  });

  it('answers bodies over 64 KiB with 413', async () => {
    const payload = JSON.stringify({ include_upload_config: 1, pad: 'x'.repeat(70 * 1024) });
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { ...bearer(s.token), 'content-type': 'application/json' }, payload });
    expectCanvasError(res, 413);
    const form = await t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { ...bearer(s.token), 'content-type': 'application/x-www-form-urlencoded' }, payload: `a=${'y'.repeat(66 * 1024)}` });
    expectCanvasError(form, 413);
  });

  it('ignores unknown parameters and odd JSON shapes', async () => {
    for (const payload of ['[]', '"text"', '42', '{"unknown":{"deep":[1,2,3]},"include_upload_config":{"x":1}}', '']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session?foo=bar&foo=baz', headers: { ...bearer(s.token), 'content-type': 'application/json' }, payload });
      expect(res.statusCode, payload).toBe(200);
    }
  });

  it('answers unknown routes and methods with 404 in Canvas shape', async () => {
    expectCanvasError(await t.app.inject({ method: 'GET', url: '/api/v1/nothing' }), 404);
    expectCanvasError(await t.app.inject({ method: 'DELETE', url: '/api/v1/services/kaltura' }), 404);
  });

  it('turns a bug into a 500 with an error report id, storing the report without secrets', async () => {
    const a = await seedUser(t.ctx, { domains: ['buggy.example.edu'] });
    // port 9 on loopback refuses at once: the save-time check fails fast and is overridden
    const saved = await t.ctx.settings.update(a.account.id, { session_mode: 'remote', domain: '127.0.0.1:9', protocol: 'http' }, { force: true });
    expect(saved.ok).toBe(true);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/services/kaltura_session?access_token=${a.token}`,
      headers: { host: 'buggy.example.edu' },
    });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body.errors).toEqual([{ message: 'An error occurred.', error_code: 'internal_server_error' }]);
    expect(Number.isInteger(body.error_report_id)).toBe(true);
    const report = await t.ctx.errorReports.findById(body.error_report_id);
    expect(report).toMatchObject({ category: 'api', httpMethod: 'POST', accountId: a.account.id, userId: a.user.id });
    expect(report!.message).toContain("reading 'ks'");
    expect(report!.url).toContain('access_token=[REDACTED]');
    expect(JSON.stringify(report)).not.toContain(a.token);
    // the process is still serving
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: bearer(s.token) })).statusCode).toBe(200);
  });

  it('keeps tokens, secrets and whole KS strings out of the logs', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/services/kaltura_session?access_token=${s.token}&include_upload_config=1` });
    expect(res.statusCode).toBe(200);
    await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: bearer(s.token) });
    await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura?access_token=garbage-token-value' });
    const ks = res.json().ks as string;
    const all = logs.lines.join('\n');
    expect(logs.lines.length).toBeGreaterThan(3);
    for (const secret of [s.token, ks, CANVAS_SPEC_SETTINGS.secret_key, CANVAS_SPEC_SETTINGS.user_secret_key, 'garbage-token-value']) {
      expect(all).not.toContain(secret);
    }
    // every line carries the request id
    const requestLines = logs.lines.map((l) => JSON.parse(l)).filter((l) => l.req || l.res);
    expect(requestLines.every((l) => typeof l.reqId === 'string')).toBe(true);
  });
});
