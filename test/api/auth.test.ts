/**
 * Canvas's API authentication through HTTP, on every database: where the token comes from, the
 * 401s for bad tokens, developer-key scopes, masquerading, key rotation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, CANVAS_SPEC_SETTINGS, createTestApp, newSecretKey, saveSettings, seedUser, testDatabases, type TestApp } from '../helper.js';
import { parseKeyring } from '../../src/crypto/keyring.js';
import { AccessTokenRepository } from '../../src/tokens/access-token-repository.js';
import { AccessTokenService } from '../../src/tokens/access-token-service.js';
import { DeveloperKeyRepository } from '../../src/developer-keys/developer-key-repository.js';
import { knownScopes } from '../../src/developer-keys/route-scopes.js';
import { LocalInvalidationBus } from '../../src/cache/invalidation-bus.js';

const databases = await testDatabases();
const GET_SCOPE = 'url:GET|/api/v1/services/kaltura';
const POST_SCOPE = 'url:POST|/api/v1/services/kaltura_session';

describe.each(databases)('authentication on %s', (database) => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedUser>>;

  beforeAll(async () => {
    t = await createTestApp({ database });
    s = await seedUser(t.ctx, { accountName: 'Root' });
    await saveSettings(t.ctx, CANVAS_SPEC_SETTINGS);
  });
  afterAll(async () => t.close());

  const get = (opts: { headers?: Record<string, string>; query?: string } = {}) =>
    t.app.inject({ method: 'GET', url: `/api/v1/services/kaltura${opts.query ?? ''}`, headers: opts.headers ?? {} });
  const post = (opts: { headers?: Record<string, string>; query?: string; payload?: string } = {}) =>
    t.app.inject({ method: 'POST', url: `/api/v1/services/kaltura_session${opts.query ?? ''}`, headers: opts.headers ?? {}, ...(opts.payload !== undefined ? { payload: opts.payload } : {}) });

  const expectInvalid = (res: { statusCode: number; headers: Record<string, unknown>; body: string }, message = 'Invalid access token.') => {
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="canvas-lms"');
    expect(JSON.parse(res.body)).toEqual({ errors: [{ message }] });
  };

  describe('where the token comes from', () => {
    it('accepts Authorization: Bearer, the access_token query parameter, and form and JSON bodies', async () => {
      expect((await get({ headers: bearer(s.token) })).statusCode).toBe(200);
      expect((await get({ query: `?access_token=${s.token}` })).statusCode).toBe(200);
      expect((await post({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `access_token=${s.token}` })).statusCode).toBe(200);
      expect((await post({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ access_token: s.token }) })).statusCode).toBe(200);
    });

    it('uses the Bearer scheme only when spelled exactly "Bearer"', async () => {
      const lower = await get({ headers: { authorization: `bearer ${s.token}` } });
      expect(lower.statusCode).toBe(401);
      expect(lower.json().status).toBe('unauthenticated');
      const basic = await post({ headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
      expect(basic.json()).toEqual({ errors: { base: 'You must be logged in to use Kaltura' }, logged_in: false });
    });
  });

  describe('unusable tokens', () => {
    it('refuses unknown and malformed tokens with "Invalid access token." on both routes', async () => {
      for (const token of ['nope', 'x'.repeat(64), s.token.slice(0, 63), `${s.token}x`, 'ÿ'.repeat(10), 'a'.repeat(5000)]) {
        expectInvalid(await get({ headers: { authorization: `Bearer ${encodeURIComponent(token)}` } }));
        expectInvalid(await post({ query: `?access_token=${encodeURIComponent(token)}` }));
      }
    });

    it('says "Revoked access token." after revocation', async () => {
      const u = await seedUser(t.ctx, { accountId: s.account.id });
      expect((await get({ headers: bearer(u.token) })).statusCode).toBe(200);
      await t.ctx.tokens.revoke(u.tokenRecord.id);
      expectInvalid(await get({ headers: bearer(u.token) }), 'Revoked access token.');
      expectInvalid(await post({ headers: bearer(u.token) }), 'Revoked access token.');
    });

    it('says "Expired access token." with expired_at after expiry', async () => {
      const expiresAt = new Date(Date.now() - 1000).toISOString();
      const { token } = await t.ctx.tokens.create({ userId: s.user.id, expiresAt });
      const res = await post({ headers: bearer(token) });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="canvas-lms"');
      expect(res.json()).toEqual({ errors: [{ message: 'Expired access token.', expired_at: expiresAt }] });
      const { token: future } = await t.ctx.tokens.create({ userId: s.user.id, expiresAt: new Date(Date.now() + 3600_000).toISOString() });
      expect((await post({ headers: bearer(future) })).statusCode).toBe(200);
    });

    it('refuses the token of a user whose login is suspended, and of a user without a login in the root account', async () => {
      const u = await seedUser(t.ctx, { accountId: s.account.id });
      await t.ctx.users.setLoginState(u.login.id, 'suspended');
      expectInvalid(await get({ headers: bearer(u.token) }));
      const elsewhere = await seedUser(t.ctx, { accountName: 'Elsewhere', domains: [`e${database}.example.edu`] });
      expectInvalid(await get({ headers: bearer(elsewhere.token) }));
    });

    it('refuses tokens of an inactive or deleted developer key', async () => {
      const key = await t.ctx.developerKeys.create({ accountId: s.account.id, name: 'inactive', requireScopes: false, scopes: [] });
      const { token } = await t.ctx.tokens.create({ userId: s.user.id, developerKeyId: key.id });
      expect((await get({ headers: bearer(token) })).statusCode).toBe(200);
      await t.ctx.developerKeys.update(key.id, { active: false });
      expectInvalid(await get({ headers: bearer(token) }));
      await t.ctx.developerKeys.update(key.id, { active: true });
      expect((await get({ headers: bearer(token) })).statusCode).toBe(200);
      await t.ctx.developerKeys.delete(key.id);
      expectInvalid(await get({ headers: bearer(token) }), 'Revoked access token.');
    });

    it('records last_used_at on use, at most every 10 minutes', async () => {
      const { token, record } = await t.ctx.tokens.create({ userId: s.user.id });
      expect(record.lastUsedAt).toBeNull();
      await get({ headers: bearer(token) });
      await new Promise((r) => setTimeout(r, 50));
      const first = (await t.ctx.tokens.find(record.id))!.lastUsedAt;
      expect(first).not.toBeNull();
      await get({ headers: bearer(token) });
      await new Promise((r) => setTimeout(r, 50));
      expect((await t.ctx.tokens.find(record.id))!.lastUsedAt).toBe(first);
    });
  });

  describe('developer-key scopes', () => {
    it('lets a scoped token use only the routes its scopes name (HEAD as GET, .json suffix allowed)', async () => {
      const key = await t.ctx.developerKeys.create({ accountId: s.account.id, name: 'scoped', requireScopes: true, scopes: [GET_SCOPE, POST_SCOPE] });
      const { token } = await t.ctx.tokens.create({ userId: s.user.id, developerKeyId: key.id, scopes: [GET_SCOPE] });
      expect((await get({ headers: bearer(token) })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura.json', headers: bearer(token) })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'HEAD', url: '/api/v1/services/kaltura', headers: bearer(token) })).statusCode).toBe(200);
      const denied = await post({ headers: bearer(token) });
      expect(denied.statusCode).toBe(401);
      expect(denied.headers['www-authenticate']).toBeUndefined();
      expect(denied.json()).toEqual({ errors: [{ message: 'Insufficient scopes on access token.' }] });
    });

    it('does not check scopes when the key does not require them', async () => {
      const key = await t.ctx.developerKeys.create({ accountId: s.account.id, name: 'open', requireScopes: false, scopes: [GET_SCOPE] });
      const { token } = await t.ctx.tokens.create({ userId: s.user.id, developerKeyId: key.id, scopes: [GET_SCOPE] });
      expect((await post({ headers: bearer(token) })).statusCode).toBe(200);
    });

    it('only issues tokens with known scopes within the key, and deletes the tokens when the key loses scopes', async () => {
      const key = await t.ctx.developerKeys.create({ accountId: s.account.id, name: 'shrinking', requireScopes: true, scopes: [GET_SCOPE, POST_SCOPE] });
      await expect(t.ctx.tokens.create({ userId: s.user.id, developerKeyId: key.id, scopes: ['url:GET|/api/v1/nope'] })).rejects.toThrow(/unknown scope/);
      const narrow = await t.ctx.developerKeys.create({ accountId: s.account.id, name: 'narrow', requireScopes: true, scopes: [GET_SCOPE] });
      await expect(t.ctx.tokens.create({ userId: s.user.id, developerKeyId: narrow.id, scopes: [POST_SCOPE] })).rejects.toThrow(/must match scopes on developer key/);
      const { token } = await t.ctx.tokens.create({ userId: s.user.id, developerKeyId: key.id });
      expect((await post({ headers: bearer(token) })).statusCode).toBe(200);
      await t.ctx.developerKeys.update(key.id, { scopes: [GET_SCOPE, POST_SCOPE] });
      expect((await post({ headers: bearer(token) })).statusCode).toBe(200);
      await t.ctx.developerKeys.update(key.id, { scopes: [GET_SCOPE] });
      expectInvalid(await get({ headers: bearer(token) }), 'Revoked access token.');
    });
  });

  describe('masquerading with as_user_id', () => {
    it('lets an admin with become_user act as a user with a login: uid, headers and audit follow', async () => {
      const admin = await seedUser(t.ctx, { accountId: s.account.id, admin: true, userName: 'Admin' });
      const student = await seedUser(t.ctx, { accountId: s.account.id, sisUserId: `sis-${database}`, userName: 'Student' });
      const res = await post({ headers: { ...bearer(admin.token), 'x-request-id': `masq-${database}` }, query: `?as_user_id=${student.user.id}` });
      expect(res.statusCode).toBe(200);
      expect(res.json().uid).toBe(`${student.user.id}_${s.account.id}`);
      expect(res.headers['x-canvas-user-id']).toBe(String(student.user.id));
      expect(res.headers['x-canvas-real-user-id']).toBe(String(admin.user.id));
      const rows = await t.ctx.audit.list({ userId: student.user.id }, 5, 0);
      expect(rows[0]).toMatchObject({ userId: student.user.id, realUserId: admin.user.id, requestId: `masq-${database}` });
      const bySis = await get({ headers: bearer(admin.token), query: `?as_user_id=sis_user_id:sis-${database}` });
      expect(bySis.statusCode).toBe(200);
      expect(bySis.headers['x-canvas-user-id']).toBe(String(student.user.id));
      const self = await get({ headers: bearer(admin.token), query: `?as_user_id=${admin.user.id}` });
      expect(self.statusCode).toBe(200);
      expect(self.headers['x-canvas-real-user-id']).toBeUndefined();
    });

    it('answers {"errors":"Invalid as_user_id"} to non-admins, unknown users, users without a login, and higher admins', async () => {
      const admin = await seedUser(t.ctx, { accountId: s.account.id, admin: true });
      const plain = await seedUser(t.ctx, { accountId: s.account.id });
      const siteAdmin = await seedUser(t.ctx, { accountId: s.account.id, siteAdmin: true });
      const outsider = await seedUser(t.ctx, { accountName: 'Outside' });
      const cases: [string, string][] = [
        [plain.token, String(admin.user.id)],
        [admin.token, '999999'],
        [admin.token, 'sis_user_id:nobody'],
        [admin.token, 'abc'],
        [admin.token, String(outsider.user.id)],
        [admin.token, String(siteAdmin.user.id)],
      ];
      for (const [token, asUser] of cases) {
        const res = await get({ headers: bearer(token), query: `?as_user_id=${encodeURIComponent(asUser)}` });
        expect(res.statusCode, asUser).toBe(401);
        expect(res.body).toBe('{"errors":"Invalid as_user_id"}');
      }
    });

    it('does not let a masquerade token switch to another user', async () => {
      const admin = await seedUser(t.ctx, { accountId: s.account.id, admin: true });
      const student = await seedUser(t.ctx, { accountId: s.account.id });
      const other = await seedUser(t.ctx, { accountId: s.account.id });
      const { token } = await t.ctx.tokens.create({ userId: student.user.id, realUserId: admin.user.id });
      const plain = await post({ headers: bearer(token) });
      expect(plain.json().uid).toBe(`${student.user.id}_${s.account.id}`);
      expect(plain.headers['x-canvas-real-user-id']).toBe(String(admin.user.id));
      const res = await get({ headers: bearer(token), query: `?as_user_id=${other.user.id}` });
      expect(res.statusCode).toBe(401);
      expect(res.body).toBe('{"errors":"Cannot change masquerade"}');
    });
  });
});

describe('token hashing and key rotation', () => {
  it('stores only an HMAC and a 5-character hint, and re-hashes a token found under an older key', async () => {
    const t = await createTestApp();
    try {
      const s = await seedUser(t.ctx);
      expect(s.token).toMatch(/^[2346789acefhkmnrtuvwxyzABCDEFGHJKLMNPQRTUVWXYZ]{64}$/);
      const stored = (await t.ctx.tokens.find(s.tokenRecord.id))!;
      expect(stored.hint).toBe(s.token.slice(0, 5));
      expect(stored.cryptedToken).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(await t.ctx.db.kysely.selectFrom('access_tokens').selectAll().execute())).not.toContain(s.token);

      // rotate: a new current key, the old one kept for verification
      const oldKeys = t.config.secretKeys!;
      const newKey = newSecretKey();
      const rotated = parseKeyring(`${newKey},${oldKeys}`);
      const bus = new LocalInvalidationBus();
      const service = new AccessTokenService(new AccessTokenRepository(t.ctx.db.kysely), new DeveloperKeyRepository(t.ctx.db.kysely), rotated, knownScopes, bus, 0);
      expect((await service.check(s.token)).status).toBe('ok');
      const after = (await t.ctx.tokens.find(s.tokenRecord.id))!;
      expect(after.tokenKeyId).toBe(rotated.current.id);
      expect(after.cryptedToken).not.toBe(stored.cryptedToken);
      // only the new key now: still valid
      const onlyNew = new AccessTokenService(new AccessTokenRepository(t.ctx.db.kysely), new DeveloperKeyRepository(t.ctx.db.kysely), parseKeyring(newKey), knownScopes, bus, 0);
      expect((await onlyNew.check(s.token)).status).toBe('ok');
      // the old key alone no longer verifies it
      expect((await t.ctx.tokens.check(s.token)).status).toBe('invalid');
    } finally {
      await t.close();
    }
  });
});
