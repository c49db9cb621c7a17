/**
 * The service as a newcomer starts it: a real process on an empty data directory, the first
 * start's admin token and where the admin console is, changes made by the CLI seen within 5 seconds, graceful shutdown, and
 * the production rule for SECRET_KEYS.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, runNode, startService } from './process.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'cks-start-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('first start and running service', () => {
  it('creates the database, a key with a warning, the default account and an admin token printed once', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, CACHE_TTL_MS: '2000' };
    const svc = await startService(env);
    try {
      expect(existsSync(join(dataDir, 'canvas-kaltura.db'))).toBe(true);
      expect(existsSync(join(dataDir, 'secret-keys'))).toBe(true);
      expect(svc.stderr()).toMatch(/SECRET_KEYS is not set: generated an encryption key/);
      const m = /access token \(shown once, keep it safe\): (\S+)/.exec(svc.stdout());
      expect(m).not.toBeNull();
      const token = m![1]!;
      const auth = { authorization: `Bearer ${token}` };
      // the message says where the admin console is (PORT=0 here: the port chosen, once listening) and that this token signs in there
      expect(svc.stdout()).toContain('  admin console: /admin/ on this service, at the address printed once it listens (sign in there with this access token)\n');
      const consoleLine = `  admin console: ${svc.url}/admin/ (sign in there with the access token above)\n`;
      expect(await eventually(async () => svc.stdout().includes(consoleLine), 5000)).toBe(true);
      const consolePage = await fetch(`${svc.url}/admin/`);
      expect(consolePage.status).toBe(200);
      expect(await consolePage.text()).toContain('<label for="token">Access token</label>');

      const config = await fetch(`${svc.url}/api/v1/services/kaltura`, { headers: auth });
      expect(config.status).toBe(200);
      expect(await config.text()).toBe('{"enabled":false}');

      // the CLI (another process) configures Kaltura while the server runs: seen within 5 s
      const cli = (...args: string[]) => runNode(['--import', 'tsx', 'src/cli/run.ts', ...args], env);
      const set = await cli('settings', 'set', 'domain=kaltura.example.com', 'partner_id=100', 'subpartner_id=10000', 'secret_key=first-start-secret');
      expect(set.code, set.stderr).toBe(0);
      const seen = await eventually(async () => {
        const r = await fetch(`${svc.url}/api/v1/services/kaltura`, { headers: auth });
        return ((await r.json()) as { enabled: boolean }).enabled === true;
      }, 5000);
      expect(seen).toBe(true);
      const session = await fetch(`${svc.url}/api/v1/services/kaltura_session`, { method: 'POST', headers: auth });
      expect(session.status).toBe(200);
      expect(((await session.json()) as { uid: string }).uid).toBe('1_1');

      // a token revoked through the CLI stops working within 5 s
      const revoke = await cli('tokens', 'revoke', '1');
      expect(revoke.code, revoke.stderr).toBe(0);
      const refused = await eventually(async () => (await fetch(`${svc.url}/api/v1/services/kaltura`, { headers: auth })).status === 401, 5000);
      expect(refused).toBe(true);
      expect(svc.stdout()).not.toMatch(new RegExp(`"[^"]*${token}`)); // never inside a JSON log line
    } finally {
      expect(await svc.stop('SIGTERM')).toBe(0);
    }

    // a second start prints no token
    const again = await startService(env);
    try {
      expect(again.stdout()).not.toMatch(/access token/);
      expect(again.stderr()).not.toMatch(/generated an encryption key/);
    } finally {
      await again.stop();
    }
  });

  it('listens where PORT and HOST say', async () => {
    const svc = await startService({ DATA_DIR: tempDir(), HOST: '127.0.0.2', PORT: '0' });
    try {
      expect(svc.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
    } finally {
      await svc.stop();
    }
  });

  it('refuses to start in production without SECRET_KEYS, with a clear message', async () => {
    const r = await runNode(['--import', 'tsx', 'src/server.ts'], { DATA_DIR: tempDir(), NODE_ENV: 'production', SECRET_KEYS: '', PORT: '0' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SECRET_KEYS is not set/);
    const bad = await runNode(['--import', 'tsx', 'src/server.ts'], { DATA_DIR: tempDir(), PORT: 'eighty' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/PORT/);
  });
});
