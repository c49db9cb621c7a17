/**
 * The real built CLI (`bin/canvas-kaltura.js` over a `tsc -p tsconfig.build.json` build), spawned
 * as a process: stdout, stderr and exit codes of `ks generate` and `ks inspect`, and the built
 * library entry `canvas-kaltura-services/ks` with its type declarations.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Built into a private temp folder (with the project's node_modules linked) so the real dist/ is left alone.
const out = mkdtempSync(join(tmpdir(), 'ks-cli-'));
const bin = join(out, 'bin', 'canvas-kaltura.js');
const vectors = JSON.parse(readFileSync(join(root, 'src/ks/testdata/ks-vectors.json'), 'utf8')) as {
  vectors: Array<{ id: string; ks: string; validate_with: { partner_id: number; admin_secrets: string } }>;
};

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the built CLI with a module loader hook that lists every module it loads. */
function modulesLoadedBy(args: string[], env: Record<string, string> = {}) {
  const log = join(out, `modules-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(out, 'record-modules.mjs')).href, bin, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ...env, MODULE_LOG: log },
  });
  return { code: r.status, stderr: r.stderr, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

beforeAll(() => {
  mkdirSync(join(out, 'bin'), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');
  writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
  // Other folders may be mid-edit and fail type checking; tsc still emits, so only the output matters.
  spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(out, 'dist'), '--tsBuildInfoFile', join(out, '.tsbuildinfo')], { cwd: root, encoding: 'utf8' });
  copyFileSync(join(root, 'bin', 'canvas-kaltura.js'), bin);
  // a loader hook recording each module loaded, for the start-up cost checks below. One `load`
  // serves both ways of installing it: in the process's own thread where Node has `registerHooks`
  // (22.15+; Node 26 deprecates `register` with a warning on stderr, which the checks below would
  // read as the command's), else through `register`'s hooks thread (Node 20)
  writeFileSync(
    join(out, 'module-hooks.mjs'),
    "import { appendFileSync } from 'node:fs';\nlet file = process.env.MODULE_LOG;\nexport function initialize(data) { file = data.file; }\n" +
      "export function load(url, context, next) { appendFileSync(file, url + '\\n'); return next(url, context); }\n",
  );
  writeFileSync(
    join(out, 'record-modules.mjs'),
    "import * as nodeModule from 'node:module';\nimport { appendFileSync } from 'node:fs';\nimport { load } from './module-hooks.mjs';\n" +
      "if (typeof nodeModule.registerHooks === 'function') nodeModule.registerHooks({ load });\n" +
      "else nodeModule.register('./module-hooks.mjs', import.meta.url, { data: { file: process.env.MODULE_LOG } });\n" +
      // CommonJS modules (required from CommonJS, which `register`'s hook does not see) are in require.cache at exit
      "const cache = nodeModule.createRequire(import.meta.url).cache;\nprocess.on('exit', () => appendFileSync(process.env.MODULE_LOG, Object.keys(cache).join('\\n') + '\\n'));\n",
  );
  expect(existsSync(join(out, 'dist', 'cli', 'main.js'))).toBe(true);
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('canvas-kaltura ks generate', () => {
  it('prints the KS alone; defaults v2, type 0, 86400 s', () => {
    const before = Math.floor(Date.now() / 1000);
    const g = cli('ks', 'generate', '--partner-id', '1234', '--secret', 'adm1n', '--user', 'john doe', '--privileges', 'sview:*');
    expect(g.code).toBe(0);
    expect(g.stdout).toMatch(/^djJ8[A-Za-z0-9_-]+=*\n$/);
    const i = cli('ks', 'inspect', g.stdout.trim(), '--partner-id', '1234', '--secret', 'adm1n', '--json');
    expect(i.code).toBe(0);
    const parsed = JSON.parse(i.stdout);
    expect(parsed).toMatchObject({ valid: true, error: null, version: 2, partnerId: '1234', type: 0, userId: 'john doe', privileges: 'sview:*' });
    expect(parsed.validUntil).toBeGreaterThanOrEqual(before + 86400);
    expect(parsed.validUntil).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 86400);
  });

  it('honours --version 1, --type 2, --expiry (also negative)', () => {
    const g = cli('ks', 'generate', '--partner-id', '99', '--secret', 's', '--version', '1', '--type', '2', '--expiry', '-60');
    expect(g.code).toBe(0);
    const i = JSON.parse(cli('ks', 'inspect', g.stdout.trim(), '--partner-id', '99', '--secret', 's', '--json').stdout);
    expect(i).toMatchObject({ valid: false, error: 'EXPIRED', version: 1, type: 2, userId: '' });
  });

  it('--json prints one object describing the KS', () => {
    const before = Math.floor(Date.now() / 1000);
    const g = cli('ks', 'generate', '--partner-id', '1234', '--secret', 'adm1n', '--user', 'john', '--type', '2', '--expiry', '600', '--privileges', 'sview:*', '--json');
    expect(g.code).toBe(0);
    const json = JSON.parse(g.stdout);
    expect(Object.keys(json)).toEqual(['ks', 'partner_id', 'user_id', 'type', 'expiry', 'privileges', 'version']);
    expect(json).toMatchObject({ partner_id: 1234, user_id: 'john', type: 2, privileges: 'sview:*', version: 2 });
    expect(json.expiry).toBeGreaterThanOrEqual(before + 600);
    expect(json.expiry).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 600);
    const i = JSON.parse(cli('ks', 'inspect', json.ks, '--partner-id', '1234', '--secret', 'adm1n', '--json').stdout);
    expect(i).toMatchObject({ valid: true, userId: 'john', type: 2, privileges: 'sview:*', validUntil: json.expiry });
    const v1 = JSON.parse(cli('ks', 'generate', '--partner-id', '9', '--secret', 's', '--version', '1', '--json').stdout);
    expect(v1).toMatchObject({ partner_id: 9, user_id: null, type: 0, privileges: '', version: 1 });
    expect(JSON.parse(cli('ks', 'inspect', v1.ks, '--partner-id', '9', '--secret', 's', '--json').stdout)).toMatchObject({ valid: true, version: 1 });
  });

  it('refuses a ";" in a v1 user id or privileges (field injection) with exit 2; v2 keeps it inside the user id', () => {
    for (const extra of [['--user', 'alice;*'], ['--user', '7_1;sview:*'], ['--privileges', 'sview:*;-2']]) {
      const r = cli('ks', 'generate', '--partner-id', '1234', '--secret', 'adm1n', '--version', '1', ...extra);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/cannot contain ";"/);
    }
    const v2 = cli('ks', 'generate', '--partner-id', '1234', '--secret', 'adm1n', '--user', 'alice;*');
    expect(v2.code).toBe(0);
    const i = JSON.parse(cli('ks', 'inspect', v2.stdout.trim(), '--partner-id', '1234', '--secret', 'adm1n', '--json').stdout);
    expect(i).toMatchObject({ valid: true, userId: 'alice;*', privileges: '' });
  });

  it.each([
    [['--secret', 's'], /partner-id/],
    [['--partner-id', 'abc', '--secret', 's'], /integer/],
    [['--partner-id', '1', '--secret', 's', '--type', '1'], /choices/],
    [['--partner-id', '1', '--secret', 's', '--version', '3'], /choices/],
    [['--partner-id', '1', '--secret', 's', '--expiry', '1.5'], /integer/],
    [['--partner-id', '1', '--secret', 'a,b'], /comma/],
    [['--partner-id', '1', '--secret', ''], /empty/],
    [['--partner-id', '1', '--secret', 's', '--privileges', '_u:x'], /reserved/],
  ])('bad usage %j exits 2 with a message', (args, message) => {
    const r = cli('ks', 'generate', ...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
});

describe('canvas-kaltura ks inspect', () => {
  const first = vectors.vectors.find((v) => v.id.startsWith('002'))!;
  const tampered = vectors.vectors.find((v) => v.id.startsWith('086'))!;
  const v1 = vectors.vectors.find((v) => v.id.startsWith('005'))!;

  it('prints one JSON object with the fields and exit 0 for a valid vector', () => {
    const r = cli('ks', 'inspect', first.ks, '--partner-id', '1234', '--secret', 'wrong', '--secret', first.validate_with.admin_secrets, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: true,
      error: null,
      version: 2,
      partnerId: '1234',
      validUntil: 2111153584,
      type: 2,
      userId: 'user1',
      privileges: '',
      rand: 'b7ca3f644f35760c99bf60023cc51cb9',
      hash: '6b49790ad2aed07b7479bfecaa577261465e37d5',
      verified: true,
    });
  });

  it('exit 1 with INVALID_STR and null fields for a tampered KS, a KS of another partner, garbage', () => {
    for (const [ks, pid] of [[tampered.ks, '1234'], [first.ks, '5678'], ['!!!not*base64!!!', '1234'], ['', '1234']] as const) {
      const r = cli('ks', 'inspect', ks, '--partner-id', pid, '--secret', first.validate_with.admin_secrets, '--json');
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, error: 'INVALID_STR', version: null, partnerId: null, userId: null });
    }
  });

  it('checks restrictions only when their option is given', () => {
    const g = cli('ks', 'generate', '--partner-id', '1', '--secret', 's', '--privileges', 'iprestrict:10.0.0.1,urirestrict:/api_v3/*').stdout.trim();
    const base = ['ks', 'inspect', g, '--partner-id', '1', '--secret', 's', '--json'];
    expect(cli(...base).code).toBe(0);
    expect(JSON.parse(cli(...base, '--remote-addr', '10.0.0.2').stdout).error).toBe('EXCEEDED_RESTRICTED_IP');
    expect(cli(...base, '--remote-addr', '10.0.0.1', '--request-uri', '/api_v3/service/x').code).toBe(0);
    const uri = cli(...base, '--request-uri', '/other');
    expect(uri.code).toBe(1);
    expect(JSON.parse(uri.stdout).error).toBe('EXCEEDED_RESTRICTED_URI');
  });

  it('without --secret decodes v1 fully, v2 only its prefix, and says it could not verify', () => {
    const r1 = cli('ks', 'inspect', v1.ks, '--json');
    expect(r1.code).toBe(1);
    expect(JSON.parse(r1.stdout)).toMatchObject({ valid: false, verified: false, version: 1, partnerId: '1234', userId: 'john doe', validUntil: 2111153584 });
    expect(r1.stderr).toMatch(/could not verify/);
    const r2 = cli('ks', 'inspect', first.ks, '--json');
    expect(JSON.parse(r2.stdout)).toMatchObject({ valid: false, verified: false, version: 2, partnerId: '1234', userId: null, hash: null });
    expect(r2.stderr).toMatch(/could not verify/);
  });

  it('prints readable lines without --json', () => {
    const r = cli('ks', 'inspect', first.ks, '--partner-id', '1234', '--secret', first.validate_with.admin_secrets);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^valid: true$/m);
    expect(r.stdout).toMatch(/^userId: user1$/m);
  });

  it.each([
    [['--partner-id', '1234']],
    [['--secret', 's']],
    [['--partner-id', 'x', '--secret', 's']],
    [['--bogus']],
  ])('bad usage %j exits 2', (args) => {
    const r = cli('ks', 'inspect', first.ks, ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toBe('');
  });

  it('missing KS argument exits 2', () => {
    expect(cli('ks', 'inspect').code).toBe(2);
  });
});

describe('start-up cost: each command loads only what it uses', () => {
  const heavy = ['/node_modules/fastify/', '/node_modules/kysely/', '/node_modules/better-sqlite3/', '/node_modules/pg/', '/node_modules/ioredis/', '/node_modules/zod/', '/dist/http/', '/dist/bootstrap.js', '/dist/app-context.js', '/dist/db/'];
  const heavyIn = (modules: string[]) => modules.filter((m) => heavy.some((h) => m.includes(h)));

  it.each([
    [['--help']],
    [['ks', 'generate', '--partner-id', '1', '--secret', 's', '--user', 'u']],
    [['ks', 'inspect', 'djJ8MXxhYmM=', '--json']],
    [['ks', '--help']],
  ])('%j loads no server, database or configuration module', (args) => {
    const r = modulesLoadedBy(args);
    expect(r.modules.some((m) => m.includes('/dist/cli/main.js'))).toBe(true);
    expect(heavyIn(r.modules)).toEqual([]);
  });

  it('database commands load the database but not the server, metrics or Kaltura client, nor pg/ioredis on SQLite (and the recorder does see what is loaded)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-cli-migrate-'));
    try {
      const r = modulesLoadedBy(['migrate', '--json'], { DATA_DIR: dir, DATABASE_URL: join(dir, 'm.db'), SECRET_KEYS: 'a'.repeat(64) });
      expect(r.code).toBe(0);
      // Kysely through its CommonJS build only (src/db/kysely.ts): not a second copy from its ES modules
      expect(r.modules.some((m) => m.includes('/node_modules/kysely/dist/cjs/'))).toBe(true);
      expect(r.modules.filter((m) => m.includes('/node_modules/kysely/dist/esm/'))).toEqual([]);
      expect(r.modules.some((m) => m.includes('/node_modules/better-sqlite3/'))).toBe(true);
      expect(r.modules.filter((m) => m.includes('/node_modules/fastify/') || m.includes('/dist/http/'))).toEqual([]);
      // The other database commands build only the database-backed services: on SQLite no PostgreSQL or
      // Redis client, and never the server, its logger, the metrics, or the Kaltura client.
      const notForDatabaseCommands = ['/node_modules/kysely/dist/esm/', '/node_modules/pg/', '/node_modules/ioredis/', '/node_modules/fastify/', '/node_modules/pino/', '/node_modules/prom-client/', '/dist/app-context.js', '/dist/bootstrap.js', '/dist/logging/', '/dist/observability/', '/dist/kaltura/', '/dist/sessions/', '/dist/server.js'];
      const env = { DATA_DIR: dir, DATABASE_URL: join(dir, 'm.db'), SECRET_KEYS: 'a'.repeat(64) };
      for (const args of [['accounts', 'create', '--name', 'A'], ['users', 'create', '--account', '1', '--name', 'N', '--login', 'n'], ['tokens', 'create', '--user', '1'], ['accounts', 'list'], ['settings', 'show'], ['audit', 'list'], ['media', 'list']]) {
        const r = modulesLoadedBy([...args, '--json'], env);
        expect({ args, code: r.code, stderr: r.stderr, coreServices: r.modules.some((m) => m.includes('/dist/core-services.js')) }).toEqual({ args, code: 0, stderr: '', coreServices: true });
        expect({ args, loaded: r.modules.filter((m) => notForDatabaseCommands.some((h) => m.includes(h))) }).toEqual({ args, loaded: [] });
      }
      // ...and the recorder does see those modules where a command uses them: settings set checks against Kaltura
      const set = modulesLoadedBy(['settings', 'set', 'partner_id=1'], env);
      expect(set.modules.some((m) => m.includes('/dist/kaltura/kaltura-connectivity.js'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("src takes Kysely's run-time values only from src/db/kysely.ts (one copy, the CommonJS build)", () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) walk(path);
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && path !== join(root, 'src', 'db', 'kysely.ts')) {
          // an import from 'kysely' that is not `import type` brings in its ES modules
          for (const m of readFileSync(path, 'utf8').matchAll(/^import\s+(?!type\s)[^;]*?from\s+'kysely'/gm)) offenders.push(`${path.slice(root.length)}: ${m[0]}`);
        }
      }
    };
    walk(join(root, 'src'));
    expect(offenders).toEqual([]);
  });
});

describe('library entry canvas-kaltura-services/ks', () => {
  it('is mapped in package.json and built with type declarations', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.exports['./ks']).toEqual({ types: './dist/ks/index.d.ts', import: './dist/ks/index.js' });
    const dts = readFileSync(join(out, 'dist', 'ks', 'index.d.ts'), 'utf8');
    for (const name of ['generateKs', 'parseKs', 'decodeKsUnverified', 'parsePrivileges', 'buildPrivileges', 'phpUrlencode', 'appTokenHash', 'ksTail', 'KS_ERROR_CODES', 'ParsedKs', 'KsError']) {
      expect(dts).toContain(name);
    }
    const lib = await import(pathToFileURL(join(out, 'dist', 'ks', 'index.js')).href);
    const ks = lib.generateKs({ partnerId: 5, secret: 's' });
    expect(lib.parseKs(ks, { adminSecretsFor: () => ['s'] }).valid).toBe(true);
    expect(lib.KS_ERROR_CODES).toEqual({ INVALID_STR: -1, EXPIRED: -5, EXCEEDED_RESTRICTED_IP: -9, EXCEEDED_RESTRICTED_URI: -11 });
  });

  it('imports nothing at run time beyond node:crypto and node:buffer', () => {
    const dir = join(root, 'src', 'ks');
    const files = readFileSync(join(dir, 'index.ts'), 'utf8').match(/'\.\/[^']+'/g)!;
    const seen = new Set<string>();
    const queue = files.map((f) => f.slice(3, -4) + '.ts');
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const source = readFileSync(join(dir, file), 'utf8');
      for (const [, spec] of source.matchAll(/^import (?!type )[^;]*? from '([^']+)'/gm)) {
        if (spec!.startsWith('./')) queue.push(spec!.slice(2).replace(/\.js$/, '.ts'));
        else expect(['node:crypto', 'node:buffer']).toContain(spec);
      }
    }
    expect(seen.size).toBeGreaterThan(5);
  });
});
