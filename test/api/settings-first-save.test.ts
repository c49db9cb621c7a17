/**
 * An account's first settings save turns Kaltura on (Canvas treats a saved plugin setting as
 * enabled unless disabled), unless the site-wide settings say disabled or the save says
 * `enabled=false`; later saves leave the switch alone. Shown through the admin API and the
 * Services API a user calls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { bearer, CANVAS_SPEC_SETTINGS, createTestApp, seedUser, testDatabases, type TestApp } from '../helper.js';

const HOST = 'first-save.example.edu';

describe.each(await testDatabases())('first save of an account’s settings on %s', (database) => {
  let t: TestApp;
  afterEach(async () => t?.close());

  async function world() {
    t = await createTestApp({ database });
    const admin = await seedUser(t.ctx, { accountName: 'First Save U', domains: [HOST], login: 'admin', admin: true });
    const user = await seedUser(t.ctx, { accountId: admin.account.id, login: 'student' });
    const put = (body: unknown, url = `/api/v1/accounts/${admin.account.id}/kaltura_settings`) =>
      t.app.inject({ method: 'PUT', url, headers: { host: HOST, ...bearer(admin.token) }, payload: body as object });
    const services = async () => (await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: { host: HOST, ...bearer(user.token) } })).json();
    return { admin, put, services };
  }

  it('enables Kaltura for an account that has no site-wide settings at all', async () => {
    const { put, services } = await world();
    expect(await services()).toEqual({ enabled: false });
    const saved = await put({ settings: CANVAS_SPEC_SETTINGS });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().enabled).toBe(true);
    expect(await services()).toMatchObject({ enabled: true, partner_id: '100', domain: 'kaltura.example.com' });
    // a later save leaves the switch as it is
    expect((await put({ enabled: false })).json().enabled).toBe(false);
    expect((await put({ settings: { player_ui_conf: '2' } })).json().enabled).toBe(false);
    expect(await services()).toEqual({ enabled: false });
  });

  it('does not enable it when the save says enabled=false', async () => {
    const { put, services } = await world();
    const saved = await put({ settings: CANVAS_SPEC_SETTINGS, enabled: false });
    expect(saved.json().enabled).toBe(false);
    expect(await services()).toEqual({ enabled: false });
  });

  it('keeps inheriting site-wide settings that say disabled', async () => {
    const { put, services, admin } = await world();
    await t.ctx.settings.setEnabled(null, false);
    const saved = await put({ settings: CANVAS_SPEC_SETTINGS });
    expect(saved.json().enabled).toBeNull();
    expect(await services()).toEqual({ enabled: false });
    // the account follows the site-wide switch once it is turned on
    await t.ctx.settings.setEnabled(null, true);
    expect(await services()).toMatchObject({ enabled: true, partner_id: '100' });
    expect((await t.ctx.settings.show(admin.account.id)).enabled).toBeNull();
  });

  it('enables it when site-wide settings exist and are enabled (the account overrides nothing else)', async () => {
    const { put, services } = await world();
    const site = await t.ctx.settings.update(null, { ...CANVAS_SPEC_SETTINGS, partner_id: '999' });
    expect(site.ok && site.settings.enabled).toBe(true);
    expect((await put({ settings: { partner_id: '100' } })).json().enabled).toBe(true);
    expect(await services()).toMatchObject({ enabled: true, partner_id: '100' });
  });
});
