/**
 * The package as its users get it. A copy of this checkout as git has it (tracked and new files,
 * nothing ignored: no dist/, no data/) is packed with `npm pack` (prepack cleans dist/, prepare
 * builds it), then the tarball is installed twice: into an empty folder (`npm install <tarball>`)
 * and globally (`npm install -g <tarball>` under a temporary `--prefix`, so the machine's global
 * folder is left alone). Each install's `canvas-kaltura` then migrates an embedded database,
 * serves both endpoints, and runs every command; `npx canvas-kaltura-services` runs too.
 *
 * Installing needs the npm registry, which CI reaches; `--prefer-offline` uses the cache first.
 * better-sqlite3 installs through prebuild-install, which on a user's machine downloads a prebuilt
 * binary from GitHub; GitHub is not reachable here, so the test hands prebuild-install that binary
 * locally (its `local-prebuilds` folder), made from this checkout's own build for the running
 * Node. Without it every install would compile SQLite (minutes); it still would if the name did
 * not match, so the test stays correct, only slow.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leakRecorder } from '../attack/leak-scan/leak-recorder.js';
import { childOutputForLeakScan, FIRST_START_TOKEN, ROOT } from '../process.js';

const work = mkdtempSync(join(tmpdir(), 'cks-package-'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string> };

/**
 * The environment of every npm and installed command: the running Node first on PATH (its
 * `#!/usr/bin/env node` and native builds must match the Node under test), headers of that Node
 * for a fallback compile, and no database or Redis from the caller's environment.
 */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'SECRET_KEYS', 'PORT', 'HOST', 'NODE_ENV', 'DATA_DIR']) delete e[k];
  for (const k of Object.keys(e)) if (/^npm_(lifecycle|package|command|config_(local_)?prefix)/.test(k)) delete e[k];
  const nodeDir = dirname(dirname(process.execPath));
  if (!e.npm_config_nodedir && existsSync(join(nodeDir, 'include/node/node.h'))) e.npm_config_nodedir = nodeDir;
  e.npm_config_better_sqlite3_local_prebuilds = join(work, 'prebuilds');
  return { ...e, ...extra };
}

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (asynchronously, so the two installs can overlap). */
function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Done> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? work, env: env(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      leakRecorder.recordOutput(`${cmd} ${args.slice(0, 2).join(' ')}`, `${stdout}\n${stderr}`);
      resolve({ code, stdout, stderr });
    });
  });
}

const ok = (r: Done) => (r.code === 0 ? r : Promise.reject(new Error(`exit ${r.code}\n${r.stdout}\n${r.stderr}`)));

let tarball = '';
const installs = {
  'an empty folder (npm install <tarball>)': join(work, 'local', 'node_modules', '.bin', 'canvas-kaltura'),
  'the global folder (npm install -g <tarball>)': join(work, 'global', 'bin', 'canvas-kaltura'),
};

beforeAll(async () => {
  // a clean checkout: what git has, with this checkout's node_modules for the build (tsc, types)
  const checkout = join(work, 'checkout');
  const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  expect(files.status, files.stderr).toBe(0);
  for (const f of files.stdout.split('\0').filter(Boolean)) {
    if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(checkout, f), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  const packed = await ok(await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: checkout, timeoutMs: 150_000 }));
  tarball = join(work, (JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string }>)[0]!.filename);

  // better-sqlite3's prebuilt binary for this Node, named as prebuild-install looks for it
  const sqlite = JSON.parse(readFileSync(join(ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string };
  mkdirSync(join(work, 'prebuilds'));
  const prebuild = `better-sqlite3-v${sqlite.version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  await ok(await run('tar', ['czf', join(work, 'prebuilds', prebuild), '-C', join(ROOT, 'node_modules/better-sqlite3'), 'build/Release/better_sqlite3.node']));

  mkdirSync(join(work, 'local'));
  const quiet = ['--prefer-offline', '--no-audit', '--no-fund'];
  await Promise.all([
    run('npm', ['install', ...quiet, tarball], { cwd: join(work, 'local'), timeoutMs: 150_000 }).then(ok),
    run('npm', ['install', '-g', '--prefix', join(work, 'global'), ...quiet, tarball], { timeoutMs: 150_000 }).then(ok),
  ]);
}, 420_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack', () => {
  it('ships the built code, the console and both commands, and nothing of the repository besides', async () => {
    const listing = (await ok(await run('tar', ['tzf', tarball]))).stdout.split('\n').filter(Boolean);
    for (const f of ['package/bin/canvas-kaltura.js', 'package/dist/cli/main.js', 'package/dist/server.js', 'package/dist/ks/index.d.ts', 'package/web/admin/layout.html', 'package/README.md']) {
      expect(listing).toContain(f);
    }
    expect(listing.filter((f) => /^package\/(src|test|bench|docs|node_modules|data)\//.test(f) || f.endsWith('.tsbuildinfo') || f.includes('.test.'))).toEqual([]);
    expect(pkg.bin).toEqual({ 'canvas-kaltura': 'bin/canvas-kaltura.js', [pkg.name]: 'bin/canvas-kaltura.js' });
  });
});

describe.each(Object.entries(installs))('installed into %s', (_where, bin) => {
  const dataDir = () => mkdtempSync(join(work, 'data-'));

  it('migrates an embedded database, serves both endpoints, mints a session after `settings set`', async () => {
    const data = dataDir();
    const migrated = await ok(await run(bin, ['migrate'], { env: { DATA_DIR: data } }));
    expect(migrated.stdout).toContain('0001-initial');
    expect(existsSync(join(data, 'canvas-kaltura.db'))).toBe(true);

    const server = spawn(bin, ['serve'], {
      cwd: work,
      env: env({ DATA_DIR: data, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', CACHE_TTL_MS: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    server.stdout.on('data', (d: Buffer) => (out += d.toString()));
    server.stderr.on('data', (d: Buffer) => (out += d.toString()));
    leakRecorder.recordLater('installed canvas-kaltura serve', () => childOutputForLeakScan(out, '', FIRST_START_TOKEN));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not listen:\n${out}`)), 30_000);
        server.stdout.on('data', () => {
          const m = /Server listening at (http:\/\/[0-9.:]+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        server.once('exit', (code) => reject(new Error(`serve exited (${code}):\n${out}`)));
      });
      const token = [...out.matchAll(FIRST_START_TOKEN)][0]?.[1];
      expect(token, out).toBeTruthy();
      const auth = { authorization: `Bearer ${token}` };

      const config = await fetch(`${url}/api/v1/services/kaltura`, { headers: auth });
      expect(config.status).toBe(200);
      expect(await config.json()).toEqual({ enabled: false });

      const secrets = { secret_key: `admin-${process.pid}-secret`, user_secret_key: `user-${process.pid}-secret` };
      for (const [kind, v] of Object.entries(secrets)) leakRecorder.recordSecret(kind, v);
      await ok(
        await run(bin, ['settings', 'set', 'domain=kaltura.example.com', 'partner_id=100', 'subpartner_id=10000', `secret_key=${secrets.secret_key}`, `user_secret_key=${secrets.user_secret_key}`], {
          env: { DATA_DIR: data },
        }),
      );

      const configured = await fetch(`${url}/api/v1/services/kaltura`, { headers: auth });
      expect(configured.status).toBe(200);
      expect(await configured.json()).toMatchObject({ enabled: true, domain: 'kaltura.example.com', partner_id: '100' });

      const session = await fetch(`${url}/api/v1/services/kaltura_session`, { method: 'POST', headers: auth });
      const body = (await session.text()) as string;
      leakRecorder.recordResponse('installed serve: POST kaltura_session', `HTTP ${session.status}`, body);
      expect(session.status, body).toBe(200);
      expect(JSON.parse(body)).toMatchObject({ partner_id: '100', subp_id: '10000' });
      expect(JSON.parse(body).ks).toEqual(expect.any(String));

      // the admin console's assets (k5uploader included) come from the installed package too
      expect((await fetch(`${url}/admin/vendor/k5uploader/index.js`)).status).toBe(200);

      const audit = await ok(await run(bin, ['audit', 'list', '--json'], { env: { DATA_DIR: data } }));
      expect(JSON.parse(audit.stdout)).toHaveLength(1);
    } finally {
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        await exited;
      }
    }
  }, 90_000);

  it('runs every command: help for each, and the database and KS commands for real', async () => {
    const data = dataDir();
    const opts = { env: { DATA_DIR: data } };
    const help = await ok(await run(bin, ['--help']));
    const commands = [...help.stdout.slice(help.stdout.indexOf('Commands:')).matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['serve', 'migrate', 'accounts', 'users', 'developer-keys', 'tokens', 'settings', 'audit', 'ks']));
    for (const c of commands) {
      const own = await run(bin, [c, '--help']);
      expect(own.code, `${c} --help: ${own.stderr}`).toBe(0);
      const subs = [...own.stdout.slice(Math.max(0, own.stdout.indexOf('Commands:'))).matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((s) => s !== 'help');
      for (const s of own.stdout.includes('Commands:') ? subs : []) {
        const sub = await run(bin, [c, s, '--help']);
        expect(sub.code, `${c} ${s} --help: ${sub.stderr}`).toBe(0);
      }
    }

    await ok(await run(bin, ['migrate'], opts));
    const account = JSON.parse((await ok(await run(bin, ['accounts', 'create', '--name', 'Installed U', '--default', '--json'], opts))).stdout) as { id: number };
    expect(JSON.parse((await ok(await run(bin, ['accounts', 'list', '--json'], opts))).stdout)).toEqual([expect.objectContaining({ id: account.id, name: 'Installed U' })]);
    await ok(await run(bin, ['users', 'create', '--account', String(account.id), '--name', 'Ada', '--login', 'ada', '--admin', '--json'], opts));
    await ok(await run(bin, ['settings', 'show', '--json'], opts));

    const secret = `ks-secret-${process.pid}`;
    leakRecorder.recordSecret('admin secret', secret);
    const ks = await ok(await run(bin, ['ks', 'generate', '--partner-id', '100', '--secret', secret, '--user', 'ada']));
    const inspected = await ok(await run(bin, ['ks', 'inspect', ks.stdout.trim(), '--partner-id', '100', '--secret', secret, '--json']));
    expect(JSON.parse(inspected.stdout)).toMatchObject({ valid: true, verified: true, partnerId: '100', userId: 'ada' });
  }, 120_000);
});

describe('npx', () => {
  it('runs `npx canvas-kaltura-services` in the folder the package was installed into', async () => {
    const r = await ok(await run('npx', ['--no-install', pkg.name, '--help'], { cwd: join(work, 'local') }));
    expect(r.stdout).toContain('Usage: canvas-kaltura');
    expect(r.stdout).toContain('serve');
  });
});
