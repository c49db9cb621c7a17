/**
 * `npm run bench`: for each scenario of bench/scenarios.ts, CPU per request, req/s and latency of
 * the bare node:http server, Fastify alone, the floor (Fastify + HMAC + request id + headers) and
 * the service at LOG_LEVEL=info and warn, in alternating rounds; then the local POST on
 * PostgreSQL beside SQLite (with PostgreSQL's own CPU), remote mode, scaling with connections
 * and with the database; written to docs/benchmarks.md. `-- --memory` runs the
 * 1,000,000-request memory check instead.
 *
 * Options: --memory, --quick (1 round of 2 s, for trying the harness), --rounds N, --duration S,
 * --only <scenario ids>,postgres,remote,scaling,data (default all), --profile DIR (CPU profile of
 * the service at info into DIR, of the PostgreSQL section's service into DIR/postgres),
 * --no-build, --no-write (print the report, leave the docs alone).
 * PG_BENCH_URL: the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Request } from 'autocannon';
import { ROOT, rssBytes, spawnNode, waitForOutput, type Child } from './child-process.js';
import { runLoad, type LoadResult } from './load.js';
import { requestsFor, seedDatabase, type Caller } from './seed.js';
import { createScratchDatabase } from './scratch-postgres.js';
import { buildService, freshServiceData, startService, type RunningService } from './service-under-test.js';
import { cannedAnswers, startBaseline, startFastify, type Target } from './comparison-servers.js';
import {
  renderHttpReport,
  renderMemoryReport,
  summarize,
  writeSection,
  type ColdTokensRow,
  type DataSizeRow,
  type HttpReport,
  type MemoryCheckpoint,
  type PostgresResult,
  type RemoteOverhead,
  type RunInfo,
  type ScalingRow,
  type ScenarioResult,
} from './report.js';
import { formatMs, formatRatio, formatRps } from './stats.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

const { values: opts } = parseArgs({
  options: {
    memory: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string', default: '50' },
    only: { type: 'string' },
    profile: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});

const ROUNDS = Number(opts.rounds ?? (opts.quick ? 1 : 3));
const DURATION_S = Number(opts.duration ?? (opts.quick ? 2 : 10));
const SHORT_S = opts.quick ? 2 : 5;
const WARMUP_S = opts.quick ? 1 : 3;
const CONNECTIONS = Number(opts.connections);
const ONLY = new Set((opts.only ?? [...SCENARIOS.map((s) => s.id), 'postgres', 'remote', 'scaling', 'data'].join(',')).split(','));
const DOCS = join(ROOT, 'docs/benchmarks.md');

const GET_PATH = '/api/v1/services/kaltura';
const POST_PATH = '/api/v1/services/kaltura_session';
const UPLOAD_PATH = `${POST_PATH}?include_upload_config=1`;

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const load1 = (): number => loadavg()[0]!;

function describe(r: LoadResult): string {
  return `${formatRps(r.rps).padStart(7)} req/s  p50 ${formatMs(r.p50Ms)} ms  p99 ${formatMs(r.p99Ms)} ms  server CPU ${r.cpuUsPerRequest.toFixed(1)} µs/req`;
}

async function measure(label: string, target: Target, requests: Request[], connections: number, durationS: number): Promise<LoadResult> {
  const r = await runLoad({ url: target.url, requests, connections, durationS, serverPid: target.pid });
  log(`  ${label.padEnd(44)} ${describe(r)}`);
  return r;
}

async function startDouble(partnerId: string, adminSecret: string, userSecret: string): Promise<Target & { child: Child }> {
  const child = spawnNode(['--import', 'tsx', 'bench/double-server.ts'], { BENCH_PARTNER_ID: partnerId, BENCH_ADMIN_SECRET: adminSecret, BENCH_USER_SECRET: userSecret });
  const m = await waitForOutput(child, /kaltura-double listening on (http:\/\/\S+)/);
  return { url: m[1]!, child, pid: child.process.pid! };
}

/** User + system CPU time (ms) of the PostgreSQL backends whose command line names `database`. */
function postgresBackendsCpuMs(database: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmd.startsWith('postgres:') || !cmd.includes(` ${database} `)) continue;
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(Number(entry), (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/**
 * The local POST on PostgreSQL (a fresh database, seeded alike) beside the SQLite service, in
 * alternating rounds, counting PostgreSQL's own backends' CPU per request too.
 */
async function postgresComparison(sqliteService: RunningService, sqliteCallers: readonly Caller[]): Promise<PostgresResult> {
  const scratch = await createScratchDatabase();
  const database = scratch.name;
  const data = freshServiceData();
  data.env['DATABASE_URL'] = scratch.url;
  let pgService: RunningService | undefined;
  try {
    log(`PostgreSQL: seeding database ${database}`);
    const seeded = await seedDatabase(data.env, { accounts: 1, tokens: 10 });
    const probe = { host: seeded.callers[0]!.host, authorization: `Bearer ${seeded.callers[0]!.token}` };
    pgService = await startService(data, GET_PATH, probe, { ...(opts.profile ? { profileDir: join(opts.profile, 'postgres') } : {}) });
    const sqliteRequests = requestsFor(sqliteCallers, 'POST', POST_PATH);
    const pgRequests = requestsFor(seeded.callers, 'POST', POST_PATH);
    await runLoad({ url: pgService.url, requests: pgRequests, connections: CONNECTIONS, durationS: WARMUP_S });
    const result: PostgresResult = { label: 'POST …/kaltura_session (local)', target: 0.6, sqlite: [], postgres: [], postgresCpuUs: [] };
    log(`PostgreSQL: ${ROUNDS} rounds of SQLite, PostgreSQL (local POST, ${CONNECTIONS} connections, ${DURATION_S} s)`);
    for (let round = 1; round <= ROUNDS; round++) {
      result.sqlite.push(await measure(`round ${round} SQLite`, sqliteService, sqliteRequests, CONNECTIONS, DURATION_S));
      const before = postgresBackendsCpuMs(database);
      const r = await measure(`round ${round} PostgreSQL`, pgService, pgRequests, CONNECTIONS, DURATION_S);
      const after = postgresBackendsCpuMs(database);
      let ms = 0;
      for (const [pid, t] of after) ms += t - (before.get(pid) ?? 0);
      result.postgres.push(r);
      result.postgresCpuUs.push((ms * 1000) / r.total);
      log(`    PostgreSQL backends (${after.size}): ${((ms * 1000) / r.total).toFixed(1)} µs/req`);
    }
    return result;
  } finally {
    await pgService?.child.stop();
    data.remove();
    await scratch.drop();
  }
}

function runInfo(command: string, loadBefore: number, connections: number): RunInfo {
  const cpu = cpus();
  return {
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    machine: `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${process.platform}/${process.arch}`,
    command,
    loadBefore,
    loadAfter: load1(),
    durationS: DURATION_S,
    rounds: ROUNDS,
    connections,
  };
}

async function httpBenchmark(): Promise<void> {
  const loadBefore = load1();
  log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores${loadBefore > 1.5 ? ' — the machine is busy; figures will be noisy' : ''}`);
  const scratch = mkdtempSync(join(tmpdir(), 'cks-bench-run-'));
  const children: Child[] = [];
  const report: HttpReport = { info: runInfo('', 0, CONNECTIONS), scenarios: [], remote: [], scaling: [], dataSizes: [], coldTokens: [] };
  try {
    const partner = { id: '4321', admin: randomBytes(16).toString('hex'), user: randomBytes(16).toString('hex') };
    const double = await startDouble(partner.id, partner.admin, partner.user);
    children.push(double.child);
    const data = freshServiceData();
    log('seeding: 1 account, 10 users and tokens, 1 remote-mode account');
    const seeded = await seedDatabase(data.env, { accounts: 1, tokens: 10, remote: { hostPort: new URL(double.url).host, partnerId: partner.id, adminSecret: partner.admin, userSecret: partner.user } });
    const callers = seeded.callers;
    const remoteCaller = seeded.remoteCaller!;
    const probe = { host: callers[0]!.host, authorization: `Bearer ${callers[0]!.token}` };
    let service = await startService(data, GET_PATH, probe, { ...(opts.profile ? { profileDir: opts.profile } : {}) });
    children.push(service.child);
    const warn = await startService(data, GET_PATH, probe, { env: { LOG_LEVEL: 'warn' } });
    children.push(warn.child);
    const scenarios = SCENARIOS.filter((s) => ONLY.has(s.id));
    const answers = await cannedAnswers(service.url, [
      ...SCENARIOS.map((s) => ({ method: s.method, path: s.path, caller: callers[0]! })),
      { method: 'POST', path: POST_PATH, caller: remoteCaller },
    ]);
    // every caller's answer has the same length (ids and uuids aside); the baseline answers as the first
    for (const c of callers) {
      for (const s of SCENARIOS) answers[`${s.method} ${c.host} ${s.path}`] = answers[`${s.method} ${callers[0]!.host} ${s.path}`]!;
    }
    const baseline = await startBaseline(answers, scratch);
    children.push(baseline.child);
    const fastify = await startFastify(answers, scratch, false);
    children.push(fastify.child);
    const floor = await startFastify(answers, scratch, true);
    children.push(floor.child);
    const servers = (s: Scenario) => [
      { id: 'bare', label: 'bare node:http', target: baseline, cpuTarget: null, p99Factor: null },
      { id: 'fastify', label: 'Fastify alone', target: fastify, cpuTarget: null, p99Factor: null },
      { id: 'floor', label: 'Fastify + token HMAC + request id + headers', target: floor, cpuTarget: null, p99Factor: null },
      { id: 'info', label: '**service, LOG_LEVEL=info**', target: service, cpuTarget: s.cpuTarget.info, p99Factor: s.p99Factor },
      { id: 'warn', label: 'service, LOG_LEVEL=warn', target: warn, cpuTarget: s.cpuTarget.warn, p99Factor: s.p99Factor },
    ];

    log(`warm-up (${WARMUP_S} s per endpoint and server)`);
    for (const s of scenarios) {
      const requests = requestsFor(callers, s.method, s.path);
      for (const srv of servers(s)) await runLoad({ url: srv.target.url, requests, connections: CONNECTIONS, durationS: WARMUP_S });
    }
    for (const s of scenarios) {
      log(`${s.label}: ${ROUNDS} rounds of bare, fastify, floor, service at info, service at warn; ${CONNECTIONS} connections, ${DURATION_S} s`);
      const requests = requestsFor(callers, s.method, s.path);
      const result: ScenarioResult = { label: s.label, servers: servers(s).map((x) => ({ id: x.id, label: x.label, cpuTarget: x.cpuTarget, p99Factor: x.p99Factor, rounds: [] })) };
      const list = servers(s);
      for (let round = 1; round <= ROUNDS; round++) {
        for (const [i, srv] of list.entries()) result.servers[i]!.rounds.push(await measure(`round ${round} ${srv.id}`, srv.target, requests, CONNECTIONS, DURATION_S));
      }
      for (const m of summarize(result).slice(1)) log(`  → ${m.id}: CPU ratio ${formatRatio(m.cpuRatio)}${m.cpuTarget !== null ? ` (target ≥ ${m.cpuTarget})` : ''}, p99 ÷ bare ${formatRatio(m.p99Ratio)}`);
      report.scenarios.push(result);
    }
    await warn.child.stop();
    await fastify.child.stop();
    await floor.child.stop();

    if (ONLY.has('postgres')) report.postgres = await postgresComparison(service, callers);

    if (ONLY.has('remote')) {
      log('remote mode: the Kaltura double alone vs. through the service');
      const form = new URLSearchParams({ secret: partner.user, userId: '1_1', type: '0', partnerId: partner.id, expiry: '21600', privileges: '', format: '1' }).toString();
      const direct: Request[] = [{ method: 'POST', path: '/api_v3/service/session/action/start', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form }];
      const viaService = requestsFor([remoteCaller], 'POST', POST_PATH);
      for (const connections of [1, CONNECTIONS]) {
        const d = await measure(`double alone, ${connections} conn.`, double, direct, connections, SHORT_S);
        const sv = await measure(`service (remote), ${connections} conn.`, service, viaService, connections, SHORT_S);
        report.remote.push({ connections, double: d, service: sv } satisfies RemoteOverhead);
      }
    }

    if (ONLY.has('scaling')) {
      log(`scaling with connections (${SHORT_S} s each, baseline then service)`);
      for (const [endpoint, reqs] of [
        ['GET', requestsFor(callers, 'GET', GET_PATH)],
        ['POST (local)', requestsFor(callers, 'POST', POST_PATH)],
      ] as const) {
        for (const connections of [1, 10, 50, 200]) {
          const b = await measure(`${endpoint} baseline, ${connections} conn.`, baseline, reqs, connections, SHORT_S);
          const sv = await measure(`${endpoint} service, ${connections} conn.`, service, reqs, connections, SHORT_S);
          report.scaling.push({ endpoint, connections, baseline: b, service: sv } satisfies ScalingRow);
        }
      }
    }
    await service.child.stop();
    await baseline.child.stop();
    await double.child.stop();
    data.remove();

    if (ONLY.has('data')) {
      log(`scaling with the database (${SHORT_S} s per endpoint, ${CONNECTIONS} connections)`);
      for (const [tokens, accounts] of [[10, 1], [10_000, 1], [10, 100], [10_000, 100]] as const) {
        const d = freshServiceData();
        const started = Date.now();
        const s = await seedDatabase(d.env, { accounts, tokens });
        log(`  seeded ${tokens} tokens over ${accounts} accounts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        // 10 callers over as many different accounts as there are (round-robin seeding)
        const active = s.callers.slice(0, 10);
        service = await startService(d, GET_PATH, { host: active[0]!.host, authorization: `Bearer ${active[0]!.token}` });
        await runLoad({ url: service.url, requests: requestsFor(active, 'GET', GET_PATH), connections: CONNECTIONS, durationS: WARMUP_S });
        await runLoad({ url: service.url, requests: requestsFor(active, 'POST', POST_PATH), connections: CONNECTIONS, durationS: WARMUP_S });
        const get = await measure(`${tokens} tokens, ${accounts} accounts: GET`, service, requestsFor(active, 'GET', GET_PATH), CONNECTIONS, SHORT_S);
        const post = await measure(`${tokens} tokens, ${accounts} accounts: POST`, service, requestsFor(active, 'POST', POST_PATH), CONNECTIONS, SHORT_S);
        report.dataSizes.push({ tokens, accounts, get, post } satisfies DataSizeRow);
        if (tokens === 10_000 && accounts === 100) {
          const cold = await measure(`every request another of ${tokens} tokens: GET`, service, requestsFor(s.callers, 'GET', GET_PATH), CONNECTIONS, SHORT_S);
          report.coldTokens.push({ tokens, accounts, get: cold } satisfies ColdTokensRow);
        }
        await service.child.stop();
        d.remove();
      }
    }
    report.info = runInfo(`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`, loadBefore, CONNECTIONS);
    const markdown = renderHttpReport(report);
    if (opts['no-write']) log(`\n${markdown}`);
    else {
      writeSection(DOCS, 'http', markdown);
      log(`\nwrote docs/benchmarks.md (section bench:http)`);
    }
    if (opts.profile) log(`CPU profile of the service in ${opts.profile}${report.postgres ? ` (on PostgreSQL: ${join(opts.profile, 'postgres')})` : ''}`);
  } finally {
    for (const c of children) await c.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function memoryBenchmark(): Promise<void> {
  const loadBefore = load1();
  const total = opts.quick ? 100_000 : 1_000_000;
  const first = 10_000;
  const step = opts.quick ? 30_000 : 100_000;
  const data = freshServiceData();
  const seeded = await seedDatabase(data.env, { accounts: 1, tokens: 10 });
  const callers = seeded.callers;
  const service = await startService(data, GET_PATH, { host: callers[0]!.host, authorization: `Bearer ${callers[0]!.token}` }, { ...(opts.profile ? { profileDir: opts.profile } : {}) });
  try {
    const requests = [...requestsFor(callers, 'GET', GET_PATH), ...requestsFor(callers, 'POST', POST_PATH), ...requestsFor(callers, 'POST', UPLOAD_PATH)];
    const checkpoints: MemoryCheckpoint[] = [];
    let done = 0;
    let busyMs = 0;
    const run = async (amount: number): Promise<void> => {
      const started = Date.now();
      const r = await runLoad({ url: service.url, requests, connections: CONNECTIONS, amount, serverPid: service.pid });
      busyMs += Date.now() - started;
      done += r.total;
      const rss = rssBytes(service.pid);
      checkpoints.push({ requests: done, rssBytes: rss });
      log(`  ${done.toLocaleString('en-US').padStart(9)} requests  RSS ${(rss / 2 ** 20).toFixed(1)} MiB  (${describe(r)})`);
    };
    log(`memory: ${total.toLocaleString('en-US')} requests, ${CONNECTIONS} connections`);
    await run(first);
    await run(step - first);
    while (done < total) await run(Math.min(step, total - done));
    const info = runInfo(`npm run bench -- ${process.argv.slice(2).join(' ')}`, loadBefore, CONNECTIONS);
    const markdown = renderMemoryReport(info, checkpoints, (done / busyMs) * 1000);
    if (opts['no-write']) log(`\n${markdown}`);
    else {
      writeSection(DOCS, 'memory', markdown, 'http');
      log('\nwrote docs/benchmarks.md (section bench:memory)');
    }
  } finally {
    await service.child.stop();
    data.remove();
  }
}

if (!opts['no-build']) {
  log('building the service (tsc -p tsconfig.build.json)');
  buildService();
}
if (opts.memory) await memoryBenchmark();
else await httpBenchmark();
