/**
 * CLI start-up benchmark (`npm run bench:cli`): wall time of whole `canvas-kaltura` processes,
 * from spawn to exit, beside `node -e 0` (the floor: starting Node itself). Runs the built CLI
 * (bin/canvas-kaltura.js over a fresh `tsc` build in a temporary folder) as a user would, on a
 * temporary SQLite database. Commands and baseline run in turn, round after round, so a change
 * in the machine's load moves both; figures are medians (min–max beside them).
 *
 * Targets (issue 14): --help and the `ks` tools within 0.3 s, database commands within 0.6 s.
 * Printed against the figures; this is a measurement, not a test (no exit code for a miss).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = Number(process.env['CLI_BENCH_ROUNDS'] ?? 9);

const out = mkdtempSync(join(tmpdir(), 'cli-bench-'));
const bin = join(out, 'bin', 'canvas-kaltura.js');
const data = join(out, 'data');

/** Builds the CLI as the package ships it, into `out`. */
function build(): void {
  mkdirSync(join(out, 'bin'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
  writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(out, 'dist'), '--tsBuildInfoFile', join(out, '.tsbuildinfo')], { cwd: ROOT, encoding: 'utf8' });
  if (tsc.status !== 0) process.stderr.write(`tsc reported errors (the build is used anyway):\n${tsc.stdout}`);
  copyFileSync(join(ROOT, 'bin', 'canvas-kaltura.js'), bin);
}

const env = { ...process.env, DATA_DIR: data, SECRET_KEYS: randomBytes(32).toString('hex'), NODE_ENV: 'production' };

/** One run: wall seconds, and the exit code (a failing command is reported, not timed). */
function run(args: string[]): { seconds: number; code: number | null; stderr: string } {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, code: r.status, stderr: r.stderr };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

build();
// a database with a little in it, and a KS to inspect
for (const args of [['migrate'], ['accounts', 'create', '--name', 'Bench'], ['settings', 'set', 'domain=kaltura.example.com', 'partner_id=100', 'subpartner_id=10000', 'secret_key=bench-admin-secret', 'user_secret_key=bench-user-secret']]) {
  const r = run([bin, ...args]);
  if (r.code !== 0) throw new Error(`setup ${args.join(' ')} failed: ${r.stderr}`);
}
const ks = spawnSync(process.execPath, [bin, 'ks', 'generate', '--partner-id', '100', '--secret', 'bench-admin-secret', '--user', 'u'], { env, encoding: 'utf8' }).stdout.trim();

const commands: Array<{ name: string; args: string[]; target: number }> = [
  { name: '--help', args: ['--help'], target: 0.3 },
  { name: 'ks generate', args: ['ks', 'generate', '--partner-id', '100', '--secret', 'bench-admin-secret', '--user', 'u'], target: 0.3 },
  { name: 'ks inspect --json', args: ['ks', 'inspect', ks, '--partner-id', '100', '--secret', 'bench-admin-secret', '--json'], target: 0.3 },
  { name: 'migrate', args: ['migrate'], target: 0.6 },
  { name: 'accounts list', args: ['accounts', 'list'], target: 0.6 },
  { name: 'settings show', args: ['settings', 'show'], target: 0.6 },
  { name: 'audit list', args: ['audit', 'list', '--limit', '5'], target: 0.6 },
  { name: 'backup --force', args: ['backup', join(out, 'backup.db'), '--force'], target: 0.6 },
];

const times = new Map<string, number[]>([['node -e 0', []], ...commands.map((c) => [c.name, []] as [string, number[]])]);
// one unmeasured round warms the file cache
for (const c of commands) run([bin, ...c.args]);
for (let round = 0; round < ROUNDS; round++) {
  for (const c of commands) {
    times.get('node -e 0')!.push(run(['-e', '0']).seconds);
    const r = run([bin, ...c.args]);
    if (r.code !== 0) throw new Error(`${c.name} exited ${r.code}: ${r.stderr}`);
    times.get(c.name)!.push(r.seconds);
  }
}

const floor = median(times.get('node -e 0')!);
const fmt = (s: number) => s.toFixed(3);
process.stdout.write(`CLI start-up, wall seconds, ${ROUNDS} rounds (Node ${process.version}); median [min–max]\n\n`);
process.stdout.write(`| command | median | min–max | over node -e 0 | target | |\n|---|--:|--:|--:|--:|---|\n`);
process.stdout.write(`| node -e 0 | ${fmt(floor)} | ${fmt(Math.min(...times.get('node -e 0')!))}–${fmt(Math.max(...times.get('node -e 0')!))} | | | |\n`);
for (const c of commands) {
  const xs = times.get(c.name)!;
  const m = median(xs);
  process.stdout.write(`| ${c.name} | ${fmt(m)} | ${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))} | +${fmt(m - floor)} | ${c.target} | ${m <= c.target ? 'within' : 'OVER'} |\n`);
}
rmSync(out, { recursive: true, force: true });
