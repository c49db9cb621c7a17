/**
 * Two or more builds of the service side by side, in alternation, beside the bare server:
 * `node --import tsx bench/ab-builds.ts <scenario id> <rounds> <seconds> <dist dir>…` (ids of
 * bench/scenarios.ts: get, post, upload, media).
 * Build the variant first (`npx tsc -p tsconfig.build.json --outDir dist-b --tsBuildInfoFile
 * dist-b/.tsbuildinfo`: with the build's shared `dist/.tsbuildinfo`, a second build into a
 * directory removed meanwhile writes nothing); the dist directories must sit in the repository
 * (they import its node_modules). A build given as
 * `<dist dir>=<flags>` runs with those Node flags (comma-separated; `dist=` for none) instead of
 * `npm start`'s, so one build can be compared with itself under other V8 settings. Every build runs over
 * one seeded database at LOG_LEVEL=info (LOG_LEVEL overrides), 50 connections; each round loads
 * the bare server, then each build, for `seconds`. Prints per round each server's CPU µs per
 * request (its main thread's and the other threads', from /proc) and p99, then per build the
 * median CPU, the median CPU ratio to the bare server and the median p99 ÷ bare p99. On a machine
 * whose speed drifts, alternating like this is what tells a change of a few µs from the drift
 * (docs/benchmarks.md, ninth round). With AB_POSTGRES=1 the builds run on a fresh PostgreSQL
 * database (bench/scratch-postgres.ts, PG_BENCH_URL) instead of SQLite, dropped at the end; there
 * req/s, printed beside the CPU, is the figure to compare.
 * A build given as `<build>^<SQL>` (after any flags) has that SQL run on its database before it
 * starts, to compare schema variants in alternation: `dist 'dist^drop index kaltura_sessions_user'`.
 * Each build then gets a database of its own, seeded alike (SQLite only); AB_OWN_DATA=1 does that
 * without any SQL. `'dist^create trigger skip before insert on kaltura_sessions begin select
 * raise(ignore); end'` prices the POST without its audit row's writes (the statement still runs
 * and commits nothing; docs/benchmarks.md, twenty-second round): a measure, not a service.
 */
import { requestsFor, seedDatabase } from './seed.js';
import { freshServiceData, startService, type RunningService } from './service-under-test.js';
import { cannedAnswers, startBaseline, type Target } from './comparison-servers.js';
import { runLoad, type LoadResult } from './load.js';
import { statCpuMs, type Child } from './child-process.js';
import { median } from './stats.js';
import { SCENARIOS } from './scenarios.js';
import { createScratchDatabase } from './scratch-postgres.js';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../src/config.js';

const [kind = '', roundsArg = '', secondsArg = '', ...builds] = process.argv.slice(2);
const scenario = SCENARIOS.find((s) => s.id === kind);
const rounds = Number(roundsArg);
const seconds = Number(secondsArg);
if (scenario === undefined || !(rounds > 0) || !(seconds > 0) || builds.length === 0) {
  throw new Error(`usage: ab-builds.ts <${SCENARIOS.map((s) => s.id).join('|')}> <rounds> <seconds> <dist dir>[=<node flags>][^<SQL>]…`);
}
const { method, path } = scenario;

/** CPU ms of a process's main thread. */
const mainThreadMs = (pid: number): number => statCpuMs(`/proc/${pid}/task/${pid}/stat`);

/** A build's spec: `<dist dir>[=<Node flags, comma-separated>][^<SQL>]`. */
function parseBuild(spec: string): { dir: string; nodeFlags: string[] | undefined; setupSql: string | undefined } {
  const caret = spec.indexOf('^');
  const build = caret < 0 ? spec : spec.slice(0, caret);
  const at = build.indexOf('=');
  return {
    dir: at < 0 ? build : build.slice(0, at),
    // instead of npm start's
    nodeFlags: at < 0 ? undefined : build.slice(at + 1).split(',').filter((f) => f !== ''),
    setupSql: caret < 0 ? undefined : spec.slice(caret + 1),
  };
}

const specs = builds.map((spec) => ({ spec, ...parseBuild(spec) }));
const ownData = process.env['AB_OWN_DATA'] === '1' || specs.some((b) => b.setupSql !== undefined);
if (ownData && process.env['AB_POSTGRES'] === '1') throw new Error('a database per build (AB_OWN_DATA, <build>^<SQL>) is for SQLite only');
const postgres = process.env['AB_POSTGRES'] === '1' ? await createScratchDatabase() : null;
const datas = (ownData ? specs : specs.slice(0, 1)).map(() => freshServiceData());
const services: (RunningService & { name: string; requests: ReturnType<typeof requestsFor> })[] = [];
let baseline: (Target & { child: Child }) | undefined;
try {
  if (postgres) datas[0]!.env['DATABASE_URL'] = postgres.url;
  const seeds = [];
  for (const d of datas) seeds.push(await seedDatabase(d.env, { accounts: 1, tokens: 10 }));
  const requestsOf = seeds.map((seeded) => requestsFor(seeded.callers, method, path));
  const requests = requestsOf[0]!;
  const env = { LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info' };
  for (const [i, { spec, dir, nodeFlags, setupSql }] of specs.entries()) {
    // with a database per build, the i-th; else the one they share
    const slot = ownData ? i : 0;
    const data = datas[slot]!;
    if (setupSql !== undefined) {
      const db = new SQLite(loadConfig(data.env).databaseUrl);
      try {
        db.exec(setupSql);
      } finally {
        db.close();
      }
    }
    const own = requestsOf[slot]!;
    services.push({ name: spec, requests: own, ...(await startService(data, '/api/v1/services/kaltura', own[0]!.headers, { env, entry: `${dir}/server.js`, ...(nodeFlags ? { nodeFlags } : {}) })) });
  }
  // every caller's answer has the same length; the baseline answers each as the first
  const first = await cannedAnswers(services[0]!.url, [{ method, path, caller: seeds[0]!.callers[0]! }]);
  const answer = Object.values(first)[0]!;
  baseline = await startBaseline(Object.fromEntries(requests.map((r) => [`${method} ${r.headers.host} ${path}`, answer])), datas[0]!.dataDir);
  const targets = [{ name: 'bare', url: baseline.url, pid: baseline.pid, requests }, ...services];
  /** each server's load results, one per round */
  const results = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]));
  for (const t of targets) await runLoad({ url: t.url, requests: t.requests, connections: 50, durationS: 2 });
  for (let r = 1; r <= rounds; r++) {
    const line: string[] = [];
    for (const t of targets) {
      const mainBefore = mainThreadMs(t.pid);
      const x = await runLoad({ url: t.url, requests: t.requests, connections: 50, durationS: seconds, serverPid: t.pid });
      const mainUs = ((mainThreadMs(t.pid) - mainBefore) * 1000) / x.total;
      results.get(t.name)!.push(x);
      line.push(`${t.name} ${Math.round(x.rps)} req/s ${x.cpuUsPerRequest.toFixed(1)} µs (main ${mainUs.toFixed(1)}, other threads ${(x.cpuUsPerRequest - mainUs).toFixed(1)}), p99 ${x.p99Ms.toFixed(2)} ms`);
    }
    process.stdout.write(`round ${r}: ${line.join(' | ')}\n`);
  }
  const bare = results.get('bare')!;
  for (const s of services) {
    const runs = results.get(s.name)!;
    const ratios = runs.map((x, i) => bare[i]!.cpuUsPerRequest / x.cpuUsPerRequest);
    const p99Ratios = runs.map((x, i) => x.p99Ms / bare[i]!.p99Ms);
    process.stdout.write(`${s.name}: median ${Math.round(median(runs.map((x) => x.rps)))} req/s, ${median(runs.map((x) => x.cpuUsPerRequest)).toFixed(1)} µs per request, CPU ratio median ${median(ratios).toFixed(2)} (${ratios.map((x) => x.toFixed(2)).join(' ')}), p99 ÷ bare p99 median ${median(p99Ratios).toFixed(2)}\n`);
  }
} finally {
  await baseline?.child.stop();
  for (const s of services) await s.child.stop();
  for (const d of datas) d.remove();
  await postgres?.drop();
}
