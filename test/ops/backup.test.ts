/**
 * `canvas-kaltura backup` / `restore` on the embedded SQLite database: a backup taken from a real
 * service process while requests keep writing tokens, users, settings and audit rows holds every
 * row committed before the backup began, in every table (compared generically, so tables added
 * later are covered too); restored into a new DATA_DIR, a service serves from it with the same
 * SECRET_KEYS. Restore refuses a database a running service holds. PostgreSQL: use pg_dump.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openContext, seedIfEmpty } from '../../src/bootstrap.js';
import { parseKs } from '../../src/ks/index.js';
import { runNode, startService, type ServiceProcess } from '../process.js';
import { CANVAS_SPEC_SETTINGS, newSecretKey } from '../helper.js';

type Row = Record<string, unknown>;
type Tables = Map<string, { key: string[]; rows: Map<string, Row> }>;

const cli = (env: Record<string, string>, ...args: string[]) => runNode(['--import', 'tsx', 'src/cli/run.ts', ...args], env, 60_000);

/** Every row of every table of the database file at `path`. */
function readFileTables(path: string): Tables {
  const db = new SQLite(path, { readonly: true });
  try {
    return readAllTables(db);
  } finally {
    db.close();
  }
}

/** Every row of every table, keyed by primary key (rowid where there is none). */
function readAllTables(db: SQLite.Database): Tables {
  const tables: Tables = new Map();
  const names = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[];
  for (const name of names) {
    const columns = db.prepare(`select name, pk from pragma_table_info(?) order by pk`).all(name) as Array<{ name: string; pk: number }>;
    const pk = columns.filter((c) => c.pk > 0).map((c) => c.name);
    const key = pk.length > 0 ? pk : ['rowid'];
    const rows = new Map<string, Row>();
    for (const row of db.prepare(`select ${key.includes('rowid') ? 'rowid, ' : ''}* from "${name}"`).all() as Row[]) {
      rows.set(JSON.stringify(key.map((k) => row[k])), row);
    }
    tables.set(name, { key, rows });
  }
  return tables;
}

describe('backup and restore of the SQLite database', () => {
  const dirs: string[] = [];
  const tempDir = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), `cks-${name}-`));
    dirs.push(dir);
    return dir;
  };
  const services: ServiceProcess[] = [];
  afterAll(async () => {
    for (const s of services) await s.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('takes a consistent copy under load; a service restored from it has every row committed before the backup began', async () => {
    const dataDir = tempDir('backup-live');
    const env = {
      DATA_DIR: dataDir,
      SECRET_KEYS: newSecretKey(),
      CACHE_TTL_MS: '0',
      RATE_LIMIT_SESSION_PER_TOKEN: '0',
      RATE_LIMIT_SESSION_PER_IP: '0',
      RATE_LIMIT_AUTH_FAILURES_PER_IP: '0',
    };
    const ctx = await openContext(loadConfig(env), () => {});
    const first = (await seedIfEmpty(ctx))!;
    const saved = await ctx.settings.update(null, CANVAS_SPEC_SETTINGS);
    expect(saved.ok).toBe(true);
    await ctx.close();

    const svc = await startService(env);
    services.push(svc);
    const auth = { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' };
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${svc.url}${path}`, { method, headers: auth, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: res.status, json: (await res.json()) as Record<string, any> };
    };

    // writers: tokens, users with logins, site-wide settings, sessions (audit rows), until stopped
    let stop = false;
    const acknowledged: Array<{ at: number; kind: string; value: string }> = [];
    let failures = 0;
    const writer = async (kind: string, request: (i: number) => Promise<string | null>) => {
      for (let i = 0; !stop; i++) {
        const value = await request(i);
        if (value === null) failures++;
        else acknowledged.push({ at: Date.now(), kind, value });
      }
    };
    const load = Promise.all([
      writer('token', async (i) => {
        const r = await call('POST', `/api/v1/users/${first.userId}/tokens`, { token: { purpose: `load ${i}` } });
        return r.status === 200 ? (r.json.visible_token as string) : null;
      }),
      writer('user', async (i) => {
        const r = await call('POST', `/api/v1/accounts/${first.accountId}/users`, { user: { name: `Load ${i}` }, pseudonym: { unique_id: `load-${i}` } });
        return r.status === 200 ? String(r.json.id) : null;
      }),
      writer('settings', async (i) => {
        const r = await call('PUT', '/api/v1/kaltura_settings', { settings: { player_ui_conf: String(1000 + i) } });
        return r.status === 200 ? String(1000 + i) : null;
      }),
      writer('session', async () => {
        const r = await call('POST', '/api/v1/services/kaltura_session');
        return r.status === 200 ? (r.json.ks as string) : null;
      }),
    ]);
    const waitFor = async (n: number) => {
      while (acknowledged.length < n && !stop) await new Promise((r) => setTimeout(r, 20));
    };
    await waitFor(40);

    // What was committed when the backup began: a read transaction on the live file sees exactly that.
    const live = new SQLite(join(dataDir, 'canvas-kaltura.db'), { readonly: true });
    live.exec('begin');
    const before = readAllTables(live);
    const ackedBefore = acknowledged.length;
    const backupFile = join(tempDir('backup-file'), 'cks.db');
    const backup = await cli(env, 'backup', backupFile, '--json');
    live.exec('commit');
    live.close();
    const writtenDuringBackup = acknowledged.length - ackedBefore;
    await waitFor(acknowledged.length + 20);
    stop = true;
    await load;
    expect(backup.code, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ file: backupFile });
    // the writers were not locked out: they kept being answered while the copy was made
    expect(failures).toBe(0);
    expect(writtenDuringBackup).toBeGreaterThan(0);

    // restore refuses the database the running service holds, and leaves it alone
    const refused = await cli(env, 'restore', backupFile);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/in use .*stop the service/);
    expect(readdirSync(dataDir).filter((f) => f.includes('pre-restore'))).toEqual([]);
    expect((await call('GET', '/api/v1/services/kaltura')).status).toBe(200);
    await svc.stop();
    const final = readFileTables(join(dataDir, 'canvas-kaltura.db'));

    // restore into a new DATA_DIR
    const restoredDir = tempDir('backup-restored');
    const restoredEnv = { ...env, DATA_DIR: restoredDir };
    const restore = await cli(restoredEnv, 'restore', backupFile, '--json');
    expect(restore.code, restore.stderr).toBe(0);
    expect(JSON.parse(restore.stdout)).toMatchObject({ database: join(restoredDir, 'canvas-kaltura.db'), previous: null });
    const restored = readFileTables(join(restoredDir, 'canvas-kaltura.db'));

    // Every table, every row committed before the backup began: present, and equal in every
    // column the load did not change afterwards (a token's last use, the settings being saved).
    expect([...restored.keys()]).toEqual([...before.keys()]);
    let compared = 0;
    for (const [name, table] of before) {
      const copy = restored.get(name)!;
      for (const [key, row] of table.rows) {
        const got = copy.rows.get(key);
        expect(got, `${name} ${key} is missing from the backup`).toBeDefined();
        const later = final.get(name)!.rows.get(key);
        for (const [column, value] of Object.entries(row)) {
          if (later && JSON.stringify(later[column]) !== JSON.stringify(value)) continue;
          expect(got![column], `${name} ${key} ${column}`).toEqual(value);
        }
        compared++;
      }
      // and nothing that never existed
      for (const key of copy.rows.keys()) expect(final.get(name)!.rows.has(key), `${name} ${key} is not in the database`).toBe(true);
    }
    for (const table of ['access_tokens', 'users', 'kaltura_settings', 'kaltura_sessions']) expect(before.get(table)!.rows.size).toBeGreaterThan(0);
    expect(compared).toBeGreaterThan(ackedBefore);

    // Secrets stay encrypted in the copy, tokens are only hashes there.
    const raw = readFileSync(backupFile);
    for (const secret of [CANVAS_SPEC_SETTINGS.secret_key, CANVAS_SPEC_SETTINGS.user_secret_key, first.token]) expect(raw.includes(secret)).toBe(false);

    // A service on the restored database, same SECRET_KEYS: every token acknowledged before the
    // backup began still signs in, and the stored admin secret still signs sessions.
    const again = await startService(restoredEnv);
    services.push(again);
    const tokens = acknowledged.slice(0, ackedBefore).filter((a) => a.kind === 'token');
    expect(tokens.length).toBeGreaterThan(0);
    for (const { value } of tokens) {
      const res = await fetch(`${again.url}/api/v1/services/kaltura`, { headers: { authorization: `Bearer ${value}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { enabled: boolean }).enabled).toBe(true);
    }
    const session = await fetch(`${again.url}/api/v1/services/kaltura_session`, { method: 'POST', headers: { authorization: `Bearer ${first.token}` } });
    expect(session.status).toBe(200);
    const ks = ((await session.json()) as { ks: string }).ks;
    expect(parseKs(ks, { adminSecretsFor: () => [CANVAS_SPEC_SETTINGS.secret_key] }).valid).toBe(true);
    await again.stop();

    // restore over an existing (stopped) database: atomically replaced, the old one kept beside it
    const over = await cli(env, 'restore', backupFile, '--json');
    expect(over.code, over.stderr).toBe(0);
    const kept = JSON.parse(over.stdout).previous as string;
    expect(existsSync(kept)).toBe(true);
    expect(existsSync(join(dataDir, 'canvas-kaltura.db-wal'))).toBe(false);
    const keptRows = readFileTables(kept);
    expect(keptRows.get('kaltura_sessions')!.rows.size).toBe(final.get('kaltura_sessions')!.rows.size);
  }, 180_000);

  it('refuses a file that is not a backup, and an existing target without --force', async () => {
    const dir = tempDir('backup-bad');
    const env = { DATA_DIR: dir, SECRET_KEYS: newSecretKey() };
    expect((await cli(env, 'migrate')).code).toBe(0);
    const notDb = join(dir, 'not-a-db');
    rmSync(notDb, { force: true });
    writeFileSync(notDb, 'hello');
    const r = await cli(env, 'restore', notDb);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a readable SQLite database|damaged/);
    const b = join(dir, 'b.db');
    expect((await cli(env, 'backup', b)).code).toBe(0);
    const again = await cli(env, 'backup', b);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists; pass --force/);
    expect((await cli(env, 'backup', b, '--force')).code).toBe(0);
  }, 60_000);

  it('on PostgreSQL says to use pg_dump / pg_restore and exits 2', async () => {
    const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', SECRET_KEYS: newSecretKey() };
    const b = await cli(env, 'backup', join(tmpdir(), 'never-written.db'));
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/PostgreSQL: use pg_dump/);
    const r = await cli(env, 'restore', join(tmpdir(), 'never-read.db'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PostgreSQL: use pg_restore/);
  }, 60_000);
});
