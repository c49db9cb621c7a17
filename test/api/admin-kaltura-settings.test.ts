/**
 * Admin API, Kaltura settings: per account and site-wide (site admins), Canvas's validator with
 * field-shaped 400s, write-only secrets (never in a GET or PUT answer), the enabled switch, and
 * the connectivity check (`check`, `force`) against the Kaltura double on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, settingsForDouble, testDatabases } from '../helper.js';
import { startKalturaDouble, type KalturaDouble } from '../kaltura-double/kaltura-double.js';
import { adminWorld, expectFieldError, expectUnauthenticated, expectUnauthorized, HOST_A, type AdminWorld } from './admin-fixture.js';

const PARTNER = { partnerId: 4321, adminSecret: 'ADMINsecret-settings-5e4d3c2b1a', userSecret: 'USERsecret-settings-0f9e8d7c6b' };
const WRONG_SECRET = 'WRONGsecret-never-shown-77aa';

describe.each(await testDatabases())('admin API: Kaltura settings on %s', (database) => {
  let w: AdminWorld;
  let kaltura: KalturaDouble;
  beforeAll(async () => {
    kaltura = await startKalturaDouble({ partners: [PARTNER] });
    w = await adminWorld(database);
  });
  afterAll(async () => {
    await w.close();
    await kaltura.close();
  });

  const url = () => `/api/v1/accounts/${w.adminA.account.id}/kaltura_settings`;
  const settingsFor = (mode: 'local' | 'remote', extra: Record<string, unknown> = {}) =>
    settingsForDouble(kaltura.port, PARTNER, { player_ui_conf: '1', kcw_ui_conf: '1', upload_ui_conf: '1', session_mode: mode, kaltura_timeout_ms: '10000', ...extra });
  const noSecretIn = (body: string) => {
    for (const s of [PARTNER.adminSecret, PARTNER.userSecret, WRONG_SECRET]) expect(body).not.toContain(s);
  };

  it('saves an account’s settings and never answers with a secret (PUT and GET)', async () => {
    const put = await w.call(w.adminA, 'PUT', url(), { settings: settingsFor('local'), enabled: true });
    expect(put.statusCode).toBe(200);
    noSecretIn(put.body);
    const body = put.json();
    expect(Object.keys(body)).toEqual(['account_id', 'enabled', 'settings', 'updated_at', 'check']);
    expect(body.enabled).toBe(true);
    expect(body.settings).toMatchObject({ partner_id: '4321', secret_key: '********', user_secret_key: '********', session_mode: 'local' });
    expect(body.check).toBeNull();
    const get = await w.call(w.adminA, 'GET', url());
    expect(get.statusCode).toBe(200);
    noSecretIn(get.body);
    expect(get.json().settings).toEqual(body.settings);
    // saved for real: the account's users get a session
    const session = await w.t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { host: HOST_A, ...bearer(w.userA.token) } });
    expect(session.statusCode).toBe(200);
    // a form with bracket keys works too, and a blank secret keeps the stored one
    const form = await w.call(w.adminA, 'PUT', url(), 'settings[player_ui_conf]=77&settings[secret_key]=');
    expect(form.statusCode).toBe(200);
    expect(form.json().settings).toMatchObject({ player_ui_conf: '77', secret_key: '********' });
    expect((await w.t.ctx.settings.effective(w.adminA.account.id)).secrets.secret_key).toBe(PARTNER.adminSecret);
  });

  it("applies Canvas's validator rules and names each failing field", async () => {
    const res = await w.call(w.adminA, 'PUT', url(), { settings: { domain: '', partner_id: 'abc', cache_play_list_seconds: '1.5', session_expiry: '5', secret_key: WRONG_SECRET } });
    expect(res.statusCode).toBe(400);
    noSecretIn(res.body);
    expect(res.json()).toEqual({
      errors: [
        { field: 'domain', message: 'The field "domain" is required' },
        { field: 'partner_id', message: 'The field "partner_id" must be a number' },
        { field: 'cache_play_list_seconds', message: 'Please enter an integer for the play list cache' },
        { field: 'session_expiry', message: 'The field "session_expiry" must be a number of seconds from 60 to 86400' },
      ],
    });
    expect((await w.t.ctx.settings.effective(w.adminA.account.id)).secrets.secret_key).toBe(PARTNER.adminSecret);
    expectFieldError(await w.call(w.adminA, 'PUT', url(), 'settings=x'), 'settings', 'settings must be an object of fields');
    expectFieldError(await w.call(w.adminA, 'PUT', url(), { settings: { domain: { host: 'x' } } }), 'domain', 'The field "domain" must be a single value');
    // shape errors come after authorization: a stranger learns nothing from them
    expectUnauthorized(await w.call(w.userA, 'PUT', url(), { settings: 'x' }));
    expectFieldError(await w.call(w.adminA, 'PUT', url(), { enabled: 'maybe' }), 'enabled', 'enabled must be true or false');
    expectFieldError(await w.call(w.adminA, 'PUT', `${url()}?check=sure`, { settings: { player_ui_conf: '2' } }), 'check', 'check must be true or false');
  });

  it('switches Kaltura off and on for the account (enabled)', async () => {
    const off = await w.call(w.adminA, 'PUT', url(), { enabled: false });
    expect(off.json().enabled).toBe(false);
    const config = () => w.t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: { host: HOST_A, ...bearer(w.userA.token) } });
    expect((await config()).body).toBe('{"enabled":false}');
    expect((await w.call(w.adminA, 'PUT', url(), 'enabled=1')).json().enabled).toBe(true);
    expect((await config()).json().enabled).toBe(true);
  });

  it('runs the connectivity check: refuses settings Kaltura rejects unless forced', async () => {
    const ok = await w.call(w.adminA, 'PUT', url(), { settings: settingsFor('remote') });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().check).toMatchObject({ ok: true, outcome: 'success' });

    const refused = await w.call(w.adminA, 'PUT', url(), { settings: { user_secret_key: WRONG_SECRET, player_ui_conf: '9' } });
    expect(refused.statusCode).toBe(400);
    noSecretIn(refused.body);
    const body = refused.json();
    expect(body.errors).toEqual([{ field: 'connectivity', message: body.check.message }]);
    expect(body.check).toMatchObject({ ok: false, outcome: 'wrong_secret' });
    expect((await w.call(w.adminA, 'GET', url())).json().settings.player_ui_conf).not.toBe('9');

    const forced = await w.call(w.adminA, 'PUT', `${url()}?force=true`, { settings: { user_secret_key: WRONG_SECRET, player_ui_conf: '9' } });
    expect(forced.statusCode).toBe(200);
    noSecretIn(forced.body);
    expect(forced.json().check).toMatchObject({ ok: false, outcome: 'wrong_secret' });
    expect(forced.json().settings.player_ui_conf).toBe('9');

    // local mode checks only when asked (check=1): a KS minted with the stored secret
    const local = await w.call(w.adminA, 'PUT', url(), { settings: settingsFor('local'), check: '1' });
    expect(local.statusCode).toBe(200);
    expect(local.json().check).toMatchObject({ ok: true, outcome: 'success' });
    expect((await w.call(w.adminA, 'PUT', url(), { settings: { player_ui_conf: '3' } })).json().check).toBeNull();
  });

  it('keeps account settings to their admins and site-wide settings to site admins', async () => {
    expectUnauthenticated(await w.call(null, 'GET', url()));
    expectUnauthorized(await w.call(w.userA, 'GET', url()));
    expectUnauthorized(await w.call(w.userA, 'PUT', url(), { settings: { player_ui_conf: '5' } }));
    expectUnauthorized(await w.call(w.adminB, 'GET', url()));
    expectUnauthorized(await w.call(w.adminB, 'PUT', url(), { settings: { player_ui_conf: '5' } }));
    expectUnauthenticated(await w.call(null, 'GET', '/api/v1/kaltura_settings'));
    expectUnauthorized(await w.call(w.adminA, 'GET', '/api/v1/kaltura_settings'));
    expectUnauthorized(await w.call(w.adminA, 'PUT', '/api/v1/kaltura_settings', { settings: { partner_id: '1' } }));
    expect((await w.call(w.siteAdmin, 'GET', url())).statusCode).toBe(200);

    const put = await w.call(w.siteAdmin, 'PUT', '/api/v1/kaltura_settings', { settings: { ...settingsFor('local'), rtmp_domain: 'rtmp.example.com' } });
    expect(put.statusCode).toBe(200);
    noSecretIn(put.body);
    expect(put.json()).toMatchObject({ account_id: null, enabled: true, settings: { rtmp_domain: 'rtmp.example.com', secret_key: '********' } });
    const get = await w.call(w.siteAdmin, 'GET', '/api/v1/kaltura_settings');
    noSecretIn(get.body);
    expect(get.json().settings.rtmp_domain).toBe('rtmp.example.com');
    expect((await w.call(w.siteAdmin, 'GET', '/api/v1/accounts/777777/kaltura_settings')).statusCode).toBe(404);
  });
});
