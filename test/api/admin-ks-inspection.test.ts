/**
 * Admin API, the KS inspector (`POST /api/v1/accounts/:account_id/ks_inspection`): a KS in the
 * body is decoded and verified against the account's administrator secret on the server; the
 * answer never holds the KS or a secret, the KS is in no log line and in no table afterwards.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKs } from '../../src/ks/index.js';
import { loggerOptions } from '../../src/http/app.js';
import { bearer, saveSettings, testDatabases } from '../helper.js';
import { adminWorld, expectFieldError, expectUnauthenticated, expectUnauthorized, HOST_A, type AdminWorld } from './admin-fixture.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

const SECRET = 'INSPECT-admin-secret-0042';
const PARTNER = '777';

describe.each(await testDatabases())('admin API: KS inspector on %s', (database) => {
  let w: AdminWorld;
  const logs = new Capture();
  const pasted: string[] = [];
  let minted: string;

  beforeAll(async () => {
    w = await adminWorld(database, { logger: loggerOptions('trace', logs) });
    await saveSettings(
      w.t.ctx,
      { domain: 'kaltura.example.com', partner_id: PARTNER, subpartner_id: '77700', secret_key: SECRET, user_secret_key: 'INSPECT-user-secret', session_privileges: 'edit:*,list:*', session_expiry: '3600' },
      w.adminA.account.id,
    );
    await w.t.ctx.settings.setEnabled(w.adminA.account.id, true);
    const res = await w.t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { host: HOST_A, ...bearer(w.userA.token) } });
    expect(res.statusCode).toBe(200);
    minted = res.json().ks;
  });
  afterAll(async () => w?.close());

  const url = (account: number | string = w.adminA.account.id) => `/api/v1/accounts/${account}/ks_inspection`;
  const inspect = (ks: unknown, who = w.adminA) => {
    if (typeof ks === 'string') pasted.push(ks);
    return w.call(who, 'POST', url(), { ks });
  };

  it('shows what a session minted here holds and that it verifies', async () => {
    const res = await inspect(minted);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      version: 2,
      partner_id: PARTNER,
      account_partner_id: PARTNER,
      user_id: `${w.userA.user.id}_${w.adminA.account.id}`,
      type: 0,
      type_name: 'USER',
      expired: false,
      privileges: 'edit:*,list:*',
      privilege_list: [
        { name: 'edit', values: ['*'] },
        { name: 'list', values: ['*'] },
      ],
      signature: 'verified',
      valid: true,
      error: null,
      ks_tail: minted.slice(-6),
      message: "Verified with the account's administrator secret; Kaltura would accept it now.",
    });
    expect(body.seconds_left).toBeGreaterThan(3500);
    expect(body.seconds_left).toBeLessThanOrEqual(3600);
    expect(Date.parse(body.expires_at) / 1000).toBe(body.valid_until);
    expect(res.body).not.toContain(minted);
    expect(res.body).not.toContain(SECRET);
  });

  it('says when a verified KS has expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    const ks = generateKs({ version: 1, partnerId: PARTNER, secret: SECRET, userId: 'old-user', type: 2, expirySeconds: 60, now: now - 600 });
    const body = (await inspect(ks)).json();
    expect(body).toMatchObject({ version: 1, user_id: 'old-user', type: 2, type_name: 'ADMIN', expired: true, signature: 'verified', valid: false, error: 'EXPIRED' });
    expect(body.seconds_left).toBeLessThanOrEqual(-540);
    expect(body.message).toBe("Verified with the account's administrator secret, but Kaltura would refuse it now (EXPIRED).");
  });

  it('tells a KS signed with another secret, one of another partner, and a string that is no KS', async () => {
    const now = Math.floor(Date.now() / 1000);
    const forged1 = generateKs({ version: 1, partnerId: PARTNER, secret: 'someone-elses-secret', userId: 'mallory', type: 0, expirySeconds: 600, now });
    const v1 = (await inspect(forged1)).json();
    // v1 is only signed: its fields can be read, but nothing is verified
    expect(v1).toMatchObject({ version: 1, user_id: 'mallory', signature: 'mismatch', valid: false, error: 'INVALID_STR' });
    const forged2 = generateKs({ version: 2, partnerId: PARTNER, secret: 'someone-elses-secret', userId: 'mallory', type: 0, expirySeconds: 600, now });
    const v2 = (await inspect(forged2)).json();
    // v2 is encrypted: only the version and partner are readable without the right secret
    expect(v2).toMatchObject({ version: 2, partner_id: PARTNER, user_id: null, valid_until: null, signature: 'mismatch', valid: false });
    expect(v2.message).toContain('A v2 KS is encrypted');
    const other = (await inspect(generateKs({ version: 2, partnerId: '999', secret: SECRET, userId: 'x', type: 0, expirySeconds: 600, now }))).json();
    expect(other).toMatchObject({ partner_id: '999', account_partner_id: PARTNER, signature: 'other_partner', valid: false });
    const junk = (await inspect('certainly not a kaltura session')).json();
    expect(junk).toMatchObject({ version: null, signature: 'not_a_ks', valid: false, error: 'INVALID_STR', message: 'This is not a Kaltura session: it cannot be decoded.' });
  });

  it("says when the account has no administrator secret (another account's is never tried)", async () => {
    const body = (await w.call(w.adminB, 'POST', url(w.adminB.account.id), { ks: minted })).json();
    expect(body).toMatchObject({ account_partner_id: null, signature: 'other_partner', valid: false });
    await saveSettings(w.t.ctx, { partner_id: PARTNER }, w.adminB.account.id);
    expect((await w.call(w.adminB, 'POST', url(w.adminB.account.id), { ks: minted })).json()).toMatchObject({ signature: 'no_secret', valid: false });
  });

  it('takes the KS from the body only, and checks it', async () => {
    expectFieldError(await w.call(w.adminA, 'POST', `${url()}?ks=${encodeURIComponent(minted)}`, {}), 'ks', 'ks is required: paste a Kaltura session');
    expectFieldError(await inspect(''), 'ks', 'ks is required: paste a Kaltura session');
    expectFieldError(await inspect('x'.repeat(20_000)), 'ks', 'ks is too long (at most 16384 characters)');
    // a form works too
    const form = await w.call(w.adminA, 'POST', url(), `ks=${encodeURIComponent(minted)}`);
    expect(form.json()).toMatchObject({ signature: 'verified', valid: true });
  });

  it("is for the account's admins only", async () => {
    expectUnauthenticated(await w.call(null, 'POST', url(), { ks: minted }));
    expectUnauthorized(await inspect(minted, w.userA));
    expectUnauthorized(await inspect(minted, w.adminB));
    expect((await inspect(minted, w.siteAdmin)).json()).toMatchObject({ signature: 'verified' });
  });

  it('keeps no pasted KS: none in a log line or in any table', async () => {
    expect(logs.text).toContain('/ks_inspection'); // the requests were logged (at trace level, every line)
    for (const ks of pasted.filter((k) => k.length > 40)) expect(logs.text).not.toContain(ks);
    const tables = await w.t.ctx.db.kysely.introspection.getTables();
    for (const table of tables) {
      const rows = await w.t.ctx.db.kysely.selectFrom(table.name as 'accounts').selectAll().execute();
      const dump = JSON.stringify(rows);
      for (const ks of pasted.filter((k) => k.length > 40 && k !== minted)) expect(dump, table.name).not.toContain(ks);
      expect(dump, table.name).not.toContain(minted);
    }
  });
});
