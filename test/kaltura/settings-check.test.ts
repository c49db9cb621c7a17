/**
 * The connectivity check on save (SettingsService.update and the CLI): remote and app_token
 * start a trial session against the double and report Kaltura's answer, refusing broken settings
 * unless forced; local checks the administrator secret by minting and verifying a KS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newSecretKey, saveSettings } from '../helper.js';
import { runNode } from '../process.js';
import { startKalturaDouble, type KalturaDouble } from '../kaltura-double/kaltura-double.js';
import { APP_TOKEN, PARTNER, ENDS_BY_TIMEOUT_MS, TIMEOUT_MS, startHarness, type Harness } from './setup.js';

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('settings check on save', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode: 'remote' });
  });
  afterAll(async () => h.close());
  afterEach(async () => {
    h.kaltura.clearFaults();
    await saveSettings(h.t.ctx, h.settingsFor('remote'));
    h.kaltura.clearRecords();
  });

  it('remote: starts a short trial session (secret in the body only) and saves on success', async () => {
    const result = await h.t.ctx.settings.update(null, { ...h.settingsFor('remote'), player_ui_conf: '42' });
    expect(result.ok).toBe(true);
    expect(result.check).toMatchObject({ ok: true, outcome: 'success' });
    expect(result.check!.message).toMatch(/^Kaltura started a remote trial session for partner 1234 \(KS …[A-Za-z0-9_=-]{6}\)\.$/);
    expect(h.kaltura.requests).toHaveLength(1);
    expect(h.kaltura.requests[0]!.params).toMatchObject({ userId: 'canvas-kaltura-settings-check', type: '0', expiry: '60', secret: PARTNER.userSecret });
    expect(h.kaltura.requestsContaining(PARTNER.userSecret, 'url')).toEqual([]);
    expect((await h.t.ctx.settings.show(null)).settings.player_ui_conf).toBe('42');
  });

  it('remote: a wrong secret is reported and not saved, unless forced', async () => {
    const refused = await h.t.ctx.settings.update(null, { user_secret_key: 'wrong-secret-abc', player_ui_conf: '7' });
    expect(refused.ok).toBe(false);
    expect(refused.check).toEqual({
      ok: false,
      outcome: 'wrong_secret',
      message: 'Kaltura check failed (wrong_secret): Kaltura answered START_SESSION_ERROR: Error while starting session for partner [1234]',
    });
    if (!refused.ok) expect(refused.errors).toEqual([{ field: 'connectivity', message: refused.check!.message }]);
    expect(JSON.stringify(refused)).not.toContain('wrong-secret-abc');
    expect((await h.t.ctx.settings.show(null)).settings.player_ui_conf).not.toBe('7');
    expect((await h.t.ctx.settings.effective(h.seeded.account.id)).secrets.user_secret_key).toBe(PARTNER.userSecret);

    const forced = await h.t.ctx.settings.update(null, { user_secret_key: 'wrong-secret-abc', player_ui_conf: '7' }, { force: true });
    expect(forced.ok).toBe(true);
    expect(forced.check).toMatchObject({ ok: false, outcome: 'wrong_secret' });
    expect((await h.t.ctx.settings.show(null)).settings.player_ui_conf).toBe('7');
  });

  it('remote: an unknown partner, a timeout, an unreachable host and garbage are each reported', async () => {
    const partner = await h.t.ctx.settings.update(null, { partner_id: '4321' });
    expect(partner.check).toMatchObject({ ok: false, outcome: 'unknown_partner' });
    expect(partner.check!.message).toContain('SERVICE_FORBIDDEN_CONTENT_BLOCKED');

    h.kaltura.setFault({ kind: 'no-answer' });
    const started = Date.now();
    const timeout = await h.t.ctx.settings.update(null, { player_ui_conf: '9' });
    expect(Date.now() - started).toBeLessThan(ENDS_BY_TIMEOUT_MS);
    expect(timeout).toMatchObject({ ok: false, check: { ok: false, outcome: 'timeout', message: `Kaltura check failed (timeout): Kaltura did not answer within ${TIMEOUT_MS} ms.` } });
    h.kaltura.setFault({ kind: 'html' });
    expect((await h.t.ctx.settings.update(null, { player_ui_conf: '9' })).check).toMatchObject({ outcome: 'bad_answer' });
    h.kaltura.setFault({ kind: 'http5xx', status: 502 });
    expect((await h.t.ctx.settings.update(null, { player_ui_conf: '9' })).check).toMatchObject({ outcome: 'http_error' });
    h.kaltura.clearFaults();

    const port = await closedPort();
    const unreachable = await h.t.ctx.settings.update(null, { domain: `127.0.0.1:${port}` });
    expect(unreachable.check).toMatchObject({ ok: false, outcome: 'unreachable' });
    expect(unreachable.check!.message).toContain('ECONNREFUSED');
  });

  it('app_token: checks with a fresh widget session and reports the app-token errors', async () => {
    const ok = await h.t.ctx.settings.update(null, h.settingsFor('app_token'));
    expect(ok.check).toMatchObject({ ok: true, outcome: 'success' });
    expect(h.kaltura.requestLines()).toEqual([
      'POST /api_v3/service/session/action/startWidgetSession',
      'POST /api_v3/service/appToken/action/startSession',
    ]);
    expect(h.kaltura.requestsContaining(APP_TOKEN.token, 'any')).toEqual([]);
    const again = await h.t.ctx.settings.update(null, { player_ui_conf: '3' });
    expect(again.check).toMatchObject({ outcome: 'success' });
    expect(h.kaltura.requests.filter((r) => r.operation === 'session.startWidgetSession')).toHaveLength(2); // never cached

    const wrong = await h.t.ctx.settings.update(null, { app_token: 'not-the-token' });
    expect(wrong.check).toMatchObject({ ok: false, outcome: 'wrong_app_token' });
    const unknown = await h.t.ctx.settings.update(null, { app_token_id: '0_nosuchtk' });
    expect(unknown.check).toMatchObject({ ok: false, outcome: 'app_token_not_found' });
    h.kaltura.appTokens.get(APP_TOKEN.id)!.status = 'disabled';
    expect((await h.t.ctx.settings.update(null, { player_ui_conf: '4' })).check).toMatchObject({ outcome: 'app_token_not_active' });
    h.kaltura.appTokens.get(APP_TOKEN.id)!.status = 'active';
    expect((await h.t.ctx.settings.checkNow(null))).toMatchObject({ ok: true, outcome: 'success' });
  });

  it('local: not checked by default; with check, needs the admin secret and mints and verifies a KS, offline', async () => {
    const plain = await h.t.ctx.settings.update(null, { session_mode: 'local' });
    expect(plain).toMatchObject({ ok: true, check: null });
    const checked = await h.t.ctx.settings.update(null, { session_mode: 'local', ks_version: '1' }, { check: true });
    expect(checked.check).toMatchObject({ ok: true, outcome: 'success' });
    expect(checked.check!.message).toContain('KS v1');
    expect(h.kaltura.requests).toEqual([]);
  });
});

describe('settings check: settings lacking what the mode needs', () => {
  it('remote without any secret is not_configured, and nothing is called', async () => {
    const h = await startHarness({ mode: 'app_token' });
    try {
      const res = await h.t.ctx.settings.update(null, { session_mode: 'remote' });
      expect(res.ok).toBe(false);
      expect(res.check).toMatchObject({ ok: false, outcome: 'not_configured' });
      expect(res.check!.message).toContain('user_secret_key');
      expect(h.kaltura.requests).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('local without the admin secret refuses to save unless forced', async () => {
    const h = await startHarness({ mode: 'app_token' });
    try {
      const res = await h.t.ctx.settings.update(null, { session_mode: 'local' }, { check: true });
      expect(res.ok).toBe(false);
      expect(res.check).toMatchObject({ ok: false, outcome: 'missing_secret' });
      expect((await h.t.ctx.settings.show(null)).settings.session_mode).toBe('app_token');
      const forced = await h.t.ctx.settings.update(null, { session_mode: 'local' }, { check: true, force: true });
      expect(forced.ok).toBe(true);
      expect(await h.t.ctx.settings.checkNow(null)).toMatchObject({ ok: false, outcome: 'missing_secret' });
    } finally {
      await h.close();
    }
  });
});

describe('settings check from the CLI', () => {
  let kaltura: KalturaDouble;
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    kaltura = await startKalturaDouble({ partners: [PARTNER] });
    dir = mkdtempSync(join(tmpdir(), 'cks-kcheck-'));
    env = { DATA_DIR: dir, DATABASE_URL: join(dir, 'cli.db'), SECRET_KEYS: newSecretKey(), LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await kaltura.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const cli = (...args: string[]) => runNode(['--import', 'tsx', 'src/cli/run.ts', ...args], env);

  it('settings set … --check reports success, refuses a wrong secret, --force saves it; settings check reports the failure', async () => {
    const base = [
      `domain=127.0.0.1:${kaltura.port}`,
      'protocol=http',
      'partner_id=1234',
      'subpartner_id=123400',
      `secret_key=${PARTNER.adminSecret}`,
      'session_mode=remote',
      'kaltura_timeout_ms=300',
    ];
    const ok = await cli('settings', 'set', ...base, `user_secret_key=${PARTNER.userSecret}`, '--check', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).check).toMatchObject({ ok: true, outcome: 'success' });

    const bad = await cli('settings', 'set', 'user_secret_key=wrong-user-secret');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error: Kaltura check failed (wrong_secret): Kaltura answered START_SESSION_ERROR');
    expect(bad.stderr + bad.stdout).not.toContain('wrong-user-secret');

    const forced = await cli('settings', 'set', 'user_secret_key=wrong-user-secret', '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('check: wrong_secret:');
    const after = await cli('settings', 'check', '--json');
    expect(after.code).toBe(1);
    expect(JSON.parse(after.stdout)).toMatchObject({ ok: false, outcome: 'wrong_secret' });
    expect(kaltura.requestsContaining(PARTNER.userSecret, 'url')).toEqual([]);
    expect(kaltura.requestsContaining('wrong-user-secret', 'url')).toEqual([]);
  }, 60_000);
});
