/**
 * Canvas's Services API through HTTP, on every database: the cases of Canvas's own spec, the
 * failure table, and the exact bytes a Canvas client sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKs } from '../../src/ks/index.js';
import { bearer, CANVAS_SPEC_SETTINGS, createTestApp, saveSettings, seedUser, testDatabases, type TestApp } from '../helper.js';

const databases = await testDatabases();

describe.each(databases)('Services API on %s', (database) => {
  let t: TestApp;
  let seeded: Awaited<ReturnType<typeof seedUser>>;

  beforeAll(async () => {
    t = await createTestApp({ database });
    seeded = await seedUser(t.ctx, { accountName: 'Canvas', domains: ['canvas.example.edu'] });
    await saveSettings(t.ctx, CANVAS_SPEC_SETTINGS);
  });
  afterAll(async () => t.close());

  const get = (headers: Record<string, string> = {}, url = '/api/v1/services/kaltura') =>
    t.app.inject({ method: 'GET', url, headers: { host: 'canvas.example.edu', ...headers } });
  const post = (url = '/api/v1/services/kaltura_session', headers: Record<string, string> = {}, payload?: string) =>
    t.app.inject({ method: 'POST', url, headers: { host: 'canvas.example.edu', ...headers }, ...(payload !== undefined ? { payload } : {}) });

  describe('GET /api/v1/services/kaltura', () => {
    it('requires a user: 401 with WWW-Authenticate and the unauthenticated body', async () => {
      const res = await get();
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="canvas-lms"');
      expect(res.body).toBe('{"status":"unauthenticated","errors":[{"message":"user authorization required"}]}');
    });

    it('returns the config of a configured Kaltura, keys in Canvas order, nothing else', async () => {
      const res = await get(bearer(seeded.token));
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toBe(
        '{"enabled":true,"domain":"kaltura.example.com","resource_domain":"cdn.kaltura.example.com","rtmp_domain":"rtmp.kaltura.example.com","partner_id":"100"}',
      );
      expect(res.body).not.toContain(CANVAS_SPEC_SETTINGS.secret_key);
    });

    it('answers the .json suffix and HEAD like the plain route', async () => {
      const res = await get(bearer(seeded.token), '/api/v1/services/kaltura.json');
      expect(res.statusCode).toBe(200);
      expect(res.json().enabled).toBe(true);
      const head = await t.app.inject({ method: 'HEAD', url: '/api/v1/services/kaltura', headers: { host: 'canvas.example.edu', ...bearer(seeded.token) } });
      expect(head.statusCode).toBe(200);
      expect(head.body).toBe('');
    });

    it('puts null where a key is missing from the settings', async () => {
      const other = await seedUser(t.ctx, { domains: ['other.example.edu'] });
      await saveSettings(t.ctx, { partner_id: '200', subpartner_id: '20000', domain: 'k2.example.com' }, other.account.id);
      // the account inherits resource/rtmp domains from site-wide unless it unsets them
      await saveSettings(t.ctx, { resource_domain: '', rtmp_domain: '' }, other.account.id);
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: { host: 'other.example.edu', ...bearer(other.token) } });
      expect(res.json()).toEqual({ enabled: true, domain: 'k2.example.com', resource_domain: 'cdn.kaltura.example.com', rtmp_domain: 'rtmp.kaltura.example.com', partner_id: '200' });
    });

    it('says {"enabled":false} when Kaltura is disabled, absent, or lacks partner/subpartner ids', async () => {
      const a = await seedUser(t.ctx, { domains: ['disabled.example.edu'] });
      await saveSettings(t.ctx, { partner_id: '1' }, a.account.id);
      await t.ctx.settings.setEnabled(a.account.id, false);
      const disabled = await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: { host: 'disabled.example.edu', ...bearer(a.token) } });
      expect(disabled.body).toBe('{"enabled":false}');

      const fresh = await createTestApp({ database });
      try {
        const u = await seedUser(fresh.ctx);
        const none = await fresh.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: bearer(u.token) });
        expect(none.statusCode).toBe(200);
        expect(none.body).toBe('{"enabled":false}');
        await saveSettings(fresh.ctx, { partner_id: '100', domain: 'k.example.com' });
        const noSubpartner = await fresh.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: bearer(u.token) });
        expect(noSubpartner.body).toBe('{"enabled":false}');
        const post503 = await fresh.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: bearer(u.token) });
        expect(post503.statusCode).toBe(503);
        expect(post503.json()).toEqual({ errors: [{ message: 'Kaltura is not configured for this account.', error_code: 'kaltura_not_configured' }] });
      } finally {
        await fresh.close();
      }
    });
  });

  describe('POST /api/v1/services/kaltura_session', () => {
    it('requires a user: 401 with logged_in false and no WWW-Authenticate', async () => {
      const res = await post();
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(res.body).toBe('{"errors":{"base":"You must be logged in to use Kaltura"},"logged_in":false}');
    });

    it('starts a USER session for "<user id>_<root account id>", keys in Canvas order', async () => {
      const before = Math.floor(Date.now() / 1000);
      const res = await post('/api/v1/services/kaltura_session', bearer(seeded.token));
      const after = Math.floor(Date.now() / 1000);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const body = res.json();
      expect(Object.keys(body)).toEqual(['ks', 'subp_id', 'partner_id', 'uid', 'serverTime']);
      expect(body.uid).toBe(`${seeded.user.id}_${seeded.account.id}`);
      expect(body.subp_id).toBe('10000');
      expect(body.partner_id).toBe('100');
      expect(Number.isInteger(body.serverTime)).toBe(true);
      expect(body.serverTime).toBeGreaterThanOrEqual(before);
      expect(body.serverTime).toBeLessThanOrEqual(after);
      const parsed = parseKs(body.ks, { adminSecretsFor: (p) => (p === '100' ? [CANVAS_SPEC_SETTINGS.secret_key] : []) });
      expect(parsed.valid).toBe(true);
      expect(parsed.version).toBe(2);
      expect(parsed.type).toBe(0);
      expect(parsed.userId).toBe(body.uid);
      expect(parsed.validUntil).toBe(body.serverTime + 21600);
      // signed with the admin secret only, never the user secret
      expect(parseKs(body.ks, { adminSecretsFor: () => [CANVAS_SPEC_SETTINGS.user_secret_key] }).valid).toBe(false);
    });

    it('adds kaltura_setting exactly as Canvas does with include_upload_config=1', async () => {
      const res = await post('/api/v1/services/kaltura_session?include_upload_config=1', bearer(seeded.token));
      expect(res.statusCode).toBe(200);
      const body = res.json();
      const expected =
        `{"ks":${JSON.stringify(body.ks)},"subp_id":"10000","partner_id":"100","uid":"${seeded.user.id}_${seeded.account.id}","serverTime":${body.serverTime},` +
        '"kaltura_setting":{"domain":"kaltura.example.com","resource_domain":"cdn.kaltura.example.com",' +
        '"rtmp_domain":"rtmp.kaltura.example.com","partner_id":"100","subpartner_id":"10000",' +
        '"player_ui_conf":"1","kcw_ui_conf":"1","upload_ui_conf":"1","max_file_size_bytes":534773760,' +
        '"hide_rte_button":false,' +
        '"uploadUrl":"http://kaltura.example.com/index.php/partnerservices2/upload",' +
        '"entryUrl":"http://kaltura.example.com/index.php/partnerservices2/addEntry",' +
        '"uiconfUrl":"http://kaltura.example.com/index.php/partnerservices2/getuiconf",' +
        `"partner_data":"root_account_uuid=${seeded.account.uuid}&user_uuid=${seeded.user.uuid}"}}`;
      expect(res.body).toBe(expected);
      expect(res.body).not.toContain(CANVAS_SPEC_SETTINGS.secret_key);
      expect(res.body).not.toContain(CANVAS_SPEC_SETTINGS.user_secret_key);
    });

    it.each([
      ['1', true],
      ['true', true],
      ['YES', true],
      ['on', true],
      ['2', true],
      ['0', false],
      ['false', false],
      ['no', false],
      ['abc', false],
      ['', false],
      [' true', false],
    ])('reads include_upload_config=%j with value_to_boolean (→ %s)', async (value, included) => {
      const res = await post(`/api/v1/services/kaltura_session?include_upload_config=${encodeURIComponent(value)}`, bearer(seeded.token));
      expect(res.statusCode).toBe(200);
      expect('kaltura_setting' in res.json()).toBe(included);
    });

    it('reads include_upload_config from a form or JSON body too, and from the .json route', async () => {
      const form = await post('/api/v1/services/kaltura_session', { ...bearer(seeded.token), 'content-type': 'application/x-www-form-urlencoded' }, 'include_upload_config=t');
      expect(form.json().kaltura_setting).toBeDefined();
      const json = await post('/api/v1/services/kaltura_session.json', { ...bearer(seeded.token), 'content-type': 'application/json' }, '{"include_upload_config":true}');
      expect(json.statusCode).toBe(200);
      expect(json.json().kaltura_setting).toBeDefined();
      const jsonFalse = await post('/api/v1/services/kaltura_session', { ...bearer(seeded.token), 'content-type': 'application/json' }, '{"include_upload_config":[1]}');
      expect(jsonFalse.json().kaltura_setting).toBeUndefined();
    });

    it('builds upload URLs from the protocol setting, else the request scheme (X-Forwarded-Proto only when trusted)', async () => {
      const forwarded = await post('/api/v1/services/kaltura_session?include_upload_config=1', { ...bearer(seeded.token), 'x-forwarded-proto': 'https' });
      expect(forwarded.json().kaltura_setting.uploadUrl).toBe('http://kaltura.example.com/index.php/partnerservices2/upload');

      const trusting = await createTestApp({ database, env: { TRUST_PROXY: 'true' } });
      try {
        const u = await seedUser(trusting.ctx);
        await saveSettings(trusting.ctx, CANVAS_SPEC_SETTINGS);
        const res = await trusting.app.inject({
          method: 'POST',
          url: '/api/v1/services/kaltura_session?include_upload_config=1',
          headers: { ...bearer(u.token), 'x-forwarded-proto': 'https' },
        });
        expect(res.json().kaltura_setting.entryUrl).toBe('https://kaltura.example.com/index.php/partnerservices2/addEntry');
        await saveSettings(trusting.ctx, { protocol: 'http', domain: 'kaltura.example.com:8443', max_file_size_bytes: '1048576', do_analytics: 'on', js_uploader: '0', player_cache_st: '42' });
        const withProtocol = await trusting.app.inject({
          method: 'POST',
          url: '/api/v1/services/kaltura_session?include_upload_config=1',
          headers: { ...bearer(u.token), 'x-forwarded-proto': 'https' },
        });
        const setting = withProtocol.json().kaltura_setting;
        expect(setting.uiconfUrl).toBe('http://kaltura.example.com:8443/index.php/partnerservices2/getuiconf');
        expect(Object.keys(setting)).toEqual([
          'domain', 'resource_domain', 'rtmp_domain', 'protocol', 'partner_id', 'subpartner_id', 'player_ui_conf', 'player_cache_st',
          'kcw_ui_conf', 'upload_ui_conf', 'max_file_size_bytes', 'do_analytics', 'hide_rte_button', 'js_uploader',
          'uploadUrl', 'entryUrl', 'uiconfUrl', 'partner_data',
        ]);
        expect(setting.max_file_size_bytes).toBe(1048576);
        expect(setting.do_analytics).toBe(true);
        expect(setting.js_uploader).toBe(false);
        await saveSettings(trusting.ctx, { max_file_size_bytes: '0' });
        const zero = await trusting.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session?include_upload_config=1', headers: bearer(u.token) });
        expect(zero.json().kaltura_setting.max_file_size_bytes).toBe(534773760);
      } finally {
        await trusting.close();
      }
    });

    it('mints with the configured version, expiry and privileges, and records the session in the audit log', async () => {
      const a = await seedUser(t.ctx, { domains: ['v1.example.edu'] });
      await saveSettings(t.ctx, { ks_version: '1', session_expiry: '3600', session_privileges: 'edit:*,list:*' }, a.account.id);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/services/kaltura_session',
        headers: { host: 'v1.example.edu', ...bearer(a.token), 'x-request-id': 'req-audit-1' },
        remoteAddress: '203.0.113.7',
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      const parsed = parseKs(body.ks, { adminSecretsFor: () => [CANVAS_SPEC_SETTINGS.secret_key] });
      expect(parsed.valid).toBe(true);
      expect(parsed.version).toBe(1);
      expect(parsed.validUntil).toBe(body.serverTime + 3600);
      expect(parsed.privileges).toBe('edit:*,list:*');
      expect(res.headers['x-request-id']).toBe('req-audit-1');
      const rows = await t.ctx.audit.list({ accountId: a.account.id }, 10, 0);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        accountId: a.account.id,
        userId: a.user.id,
        realUserId: null,
        uid: body.uid,
        mode: 'local',
        privileges: 'edit:*,list:*',
        ksTail: body.ks.slice(-6),
        clientIp: '203.0.113.7',
        requestId: 'req-audit-1',
        expiresAt: new Date((body.serverTime + 3600) * 1000).toISOString(),
      });
    });

    it('records each of many concurrent sessions exactly once (group commit of the audit rows)', async () => {
      const a = await seedUser(t.ctx, { domains: ['burst.example.edu'] });
      const responses = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { host: 'burst.example.edu', ...bearer(a.token), 'x-request-id': `burst-${database}-${i}` } }),
        ),
      );
      expect(responses.every((r) => r.statusCode === 200)).toBe(true);
      const rows = await t.ctx.audit.list({ accountId: a.account.id }, 100, 0);
      expect(rows.map((r) => r.requestId).sort()).toEqual(responses.map((r) => String(r.headers['x-request-id'])).sort());
      const tails = new Map(responses.map((r) => [String(r.headers['x-request-id']), (r.json().ks as string).slice(-6)]));
      expect(rows.every((r) => tails.get(r.requestId!) === r.ksTail)).toBe(true);
    });

    it('answers 503 with a clear message when local mode has no administrator secret', async () => {
      const a = await seedUser(t.ctx, { domains: ['nosecret.example.edu'] });
      await saveSettings(t.ctx, { partner_id: '300', subpartner_id: '30000', domain: 'k3.example.com' }, a.account.id);
      const fresh = await createTestApp({ database });
      try {
        const u = await seedUser(fresh.ctx);
        await saveSettings(fresh.ctx, { partner_id: '300', subpartner_id: '30000', domain: 'k3.example.com' });
        const res = await fresh.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: bearer(u.token) });
        expect(res.statusCode).toBe(503);
        expect(res.json().errors[0].error_code).toBe('kaltura_not_configured');
        expect(res.json().errors[0].message).toMatch(/secret_key/);
      } finally {
        await fresh.close();
      }
    });
  });

  describe('root account by Host header', () => {
    it('uses the account whose domain matches (port ignored), else the default account', async () => {
      const fresh = await createTestApp({ database });
      try {
        const def = await seedUser(fresh.ctx, { accountName: 'Default' });
        const other = await seedUser(fresh.ctx, { accountName: 'Other', domains: ['other.example.edu'] });
        await saveSettings(fresh.ctx, CANVAS_SPEC_SETTINGS);
        const onOther = await fresh.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { host: 'Other.Example.edu:8080', ...bearer(other.token) } });
        expect(onOther.json().uid).toBe(`${other.user.id}_${other.account.id}`);
        for (const host of ['unknown.example.edu', '', '[::1]:3000', 'a'.repeat(400), '%%%', 'other.example.edu.evil']) {
          const res = await fresh.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { host, ...bearer(def.token) } });
          expect(res.statusCode, host).toBe(200);
          expect(res.json().uid).toBe(`${def.user.id}_${def.account.id}`);
        }
        // the other account's user has no login in the default account: the token is not usable there
        const cross = await fresh.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: { host: 'unknown.example.edu', ...bearer(other.token) } });
        expect(cross.statusCode).toBe(401);
        expect(cross.json()).toEqual({ errors: [{ message: 'Invalid access token.' }] });
      } finally {
        await fresh.close();
      }
    });
  });
});
