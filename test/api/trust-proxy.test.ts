/**
 * TRUST_PROXY as a list of proxy addresses/CIDRs: X-Forwarded-For/-Proto are believed from those
 * connections only (the client's address in the audit log, https upload URLs); from anyone else
 * they are ignored. (test/ops/tls-proxy.test.ts shows the same through a real nginx.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, CANVAS_SPEC_SETTINGS, createTestApp, saveSettings, seedUser, testDatabases, type TestApp } from '../helper.js';

describe.each(await testDatabases())('TRUST_PROXY with proxy addresses on %s', (database) => {
  let t: TestApp;
  let token: string;
  let accountId: number;
  beforeAll(async () => {
    t = await createTestApp({ database, env: { TRUST_PROXY: '10.0.0.5,192.168.10.0/24' } });
    const u = await seedUser(t.ctx);
    token = u.token;
    accountId = u.account.id;
    await saveSettings(t.ctx, CANVAS_SPEC_SETTINGS);
  });
  afterAll(async () => t.close());

  async function session(remoteAddress: string) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/services/kaltura_session?include_upload_config=1',
      remoteAddress,
      headers: { ...bearer(token), 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' },
    });
    expect(res.statusCode).toBe(200);
    const requestId = String(res.headers['x-request-id']);
    const rows = await t.ctx.audit.list({ accountId }, 100, 0);
    return { uploadUrl: res.json().kaltura_setting.uploadUrl as string, clientIp: rows.find((r) => r.requestId === requestId)?.clientIp };
  }

  it.each(['10.0.0.5', '192.168.10.77'])('believes X-Forwarded-* from the proxy %s', async (proxy) => {
    expect(await session(proxy)).toEqual({ uploadUrl: 'https://kaltura.example.com/index.php/partnerservices2/upload', clientIp: '203.0.113.7' });
  });

  it.each(['10.0.0.6', '192.168.11.1', '127.0.0.1'])('ignores X-Forwarded-* from %s, which is not a trusted proxy', async (other) => {
    expect(await session(other)).toEqual({ uploadUrl: 'http://kaltura.example.com/index.php/partnerservices2/upload', clientIp: other });
  });
});
