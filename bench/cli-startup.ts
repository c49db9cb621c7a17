/**
 * CLI start-up benchmark (`npm run bench:cli`): wall time of whole `canvas-kaltura` processes,
 * from spawn to exit, beside `node -e 0` (the floor: starting Node itself). Runs the built CLI
 * (bin/canvas-kaltura.js over a fresh `tsc` build in a temporary folder) as a user would, on a
 * temporary SQLite database. Commands and baseline run in turn, round after round, so a change
 * in the machine's load moves both; figures are medians (min–max beside them).
 *
 * Targets (issue 14): --help and the `ks` tools within 0.3 s, database commands within 0.6 s.
 * Printed against the figures; this is a measurement, not a test (no exit code for a miss).
 * On a shared machine wall time grows with the load (the load average is printed); the CPU
 * seconds of each child (user + system, from /proc/self/stat's children times, Linux only, 10 ms
 * ticks) do not, and say what the command itself costs.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism as availableCores, loadavg, tmpdir } from 'node:os';
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

/** CPU seconds (user + system) of this process's reaped children so far; NaN where /proc is missing. */
function childrenCpuSeconds(): number {
  if (!existsSync('/proc/self/stat')) return Number.NaN;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields after the name start at the 3rd (state); cutime and cstime are the 16th and 17th
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** One run: wall and CPU seconds, and the exit code (a failing command is reported, not timed). */
function run(args: string[]): { seconds: number; cpu: number; code: number | null; stderr: string } {
  const cpuBefore = childrenCpuSeconds();
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, cpu: childrenCpuSeconds() - cpuBefore, code: r.status, stderr: r.stderr };
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
  { name: 'media list', args: ['media', 'list', '--limit', '5'], target: 0.6 },
  { name: 'backup --force', args: ['backup', join(out, 'backup.db'), '--force'], target: 0.6 },
];

const names = ['node -e 0', ...commands.map((c) => c.name)];
const times = new Map<string, number[]>(names.map((n) => [n, []]));
const cpus = new Map<string, number[]>(names.map((n) => [n, []]));
const record = (name: string, r: { seconds: number; cpu: number }) => {
  times.get(name)!.push(r.seconds);
  cpus.get(name)!.push(r.cpu);
};
const loadBefore = loadavg()[0]!;
// one unmeasured round warms the file cache
for (const c of commands) run([bin, ...c.args]);
for (let round = 0; round < ROUNDS; round++) {
  for (const c of commands) {
    record('node -e 0', run(['-e', '0']));
    const r = run([bin, ...c.args]);
    if (r.code !== 0) throw new Error(`${c.name} exited ${r.code}: ${r.stderr}`);
    record(c.name, r);
  }
}

const floor = median(times.get('node -e 0')!);
const fmt = (s: number) => s.toFixed(3);
const spread = (xs: number[]) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
process.stdout.write(
  `CLI start-up, ${ROUNDS} rounds, Node ${process.version}, load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${availableCores()} cores; medians [min–max], seconds\n\n`,
);
process.stdout.write(`| command | wall | wall min–max | wall over node -e 0 | CPU | target (wall) | |\n|---|--:|--:|--:|--:|--:|---|\n`);
for (const name of names) {
  const xs = times.get(name)!;
  const m = median(xs);
  const c = commands.find((x) => x.name === name);
  const verdict = c ? (m <= c.target ? 'within' : 'over') : '';
  process.stdout.write(`| ${name} | ${fmt(m)} | ${spread(xs)} | ${c ? `+${fmt(m - floor)}` : ''} | ${fmt(median(cpus.get(name)!))} | ${c?.target ?? ''} | ${verdict} |\n`);
}
rmSync(out, { recursive: true, force: true });
