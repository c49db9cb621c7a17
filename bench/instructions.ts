/**
 * `npm run bench:instructions`: CPU instructions per request, counted by valgrind's callgrind, of
 * the bare node:http baseline, Fastify with nothing added (bench/fastify-minimal-server.ts) and
 * the service, for the Services API requests. Unlike requests per second, an instruction count
 * does not move with the load of a shared machine (the same build and requests give the same
 * count within about 1 %), so it shows where a request's cost is and what a change saved.
 *
 * Each server runs alone under callgrind with instrumentation off; after a warm-up of every
 * endpoint (so the JIT has compiled the hot paths) it is switched on for a fixed number of requests (10 in flight,
 * keep-alive), and the main thread's instructions are divided by the number of requests.
 * The other threads (V8's compiler and GC helpers, libuv's pool) are reported apart: their work
 * depends on timing, not only on the requests.
 *
 * Options: --warmup N (default 6000), --requests N (default 3000), --only bare,fastify,service
 * (default all), --no-build, --no-write (print, leave docs/benchmarks.md alone).
 * Needs valgrind (Debian package `valgrind`). Takes about 10 minutes.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, freePort, spawnProcess, waitForHttp, waitForOutput, type Child } from './child-process.js';
import { httpRequest } from './http-request.js';
import { seedDatabase, type Caller } from './seed.js';
import { buildService, freshServiceData, startService } from './service-under-test.js';
import type { CannedAnswers } from './baseline-server.js';
import { writeSection } from './report.js';
import { PARTS } from './parts-workload.js';

const { values: opts } = parseArgs({
  options: {
    warmup: { type: 'string', default: '6000' },
    requests: { type: 'string', default: '3000' },
    only: { type: 'string', default: 'bare,fastify,service,parts' },
    'no-build': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});
const WARMUP = Number(opts.warmup);
const REQUESTS = Number(opts.requests);
const ONLY = new Set(opts.only.split(','));
const IN_FLIGHT = 10;

const GET_PATH = '/api/v1/services/kaltura';
const POST_PATH = '/api/v1/services/kaltura_session';
const UPLOAD_PATH = `${POST_PATH}?include_upload_config=1`;
const ENDPOINTS = [
  { label: 'GET /api/v1/services/kaltura', method: 'GET', path: GET_PATH },
  { label: 'POST …/kaltura_session (local)', method: 'POST', path: POST_PATH },
  { label: 'POST …/kaltura_session?include_upload_config=1', method: 'POST', path: UPLOAD_PATH },
] as const;

const log = (line: string): void => void process.stdout.write(`${line}\n`);

/** Sends `count` requests, `IN_FLIGHT` at a time over keep-alive connections, rotating callers. */
async function drive(url: string, method: string, path: string, callers: readonly Caller[], count: number): Promise<void> {
  const result = await autocannon({
    url: url + path,
    connections: IN_FLIGHT,
    amount: count,
    // under callgrind a request can take seconds (a GC, a JIT compile); autocannon's default is 10 s
    timeout: 300,
    requests: callers.map((c) => ({ method, path, headers: { host: c.host, authorization: `Bearer ${c.token}` } })),
  });
  if (result.non2xx + result.errors + result.timeouts > 0) {
    throw new Error(`${method} ${path}: of ${count} requests, ${result.non2xx} answered other than 2xx, ${result.errors} failed, ${result.timeouts} timed out`);
  }
}

/** A process under callgrind, instrumentation off until asked. */
interface Counted {
  child: Child;
  pid: number;
  outFile: string;
  /** its environment: callgrind_control finds the process by a name made of its USER and HOST */
  env: NodeJS.ProcessEnv;
}

function underCallgrind(outDir: string, name: string, nodeArgs: string[], env: Record<string, string>): Counted {
  const outFile = join(outDir, `${name}.callgrind`);
  const child = spawnProcess('valgrind', ['--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', `--callgrind-out-file=${outFile}`, process.execPath, ...nodeArgs], env);
  return { child, pid: child.process.pid!, outFile, env: { ...process.env, ...env } };
}

/**
 * Sends a callgrind command. Callgrind takes it only when the process runs, so an idle server is
 * woken with a request to `pokeUrl` every 50 ms until the command is acknowledged (at most a
 * couple of such requests fall into a measured window of thousands).
 */
async function callgrindControl(target: Counted, pokeUrl: string, ...args: string[]): Promise<void> {
  let done = false;
  const command = new Promise<void>((resolve, reject) =>
    // the service's HOST (its listening address) is also part of that name
    execFile('callgrind_control', [...args, String(target.pid)], { env: target.env }, (err) => {
      done = true;
      if (err) reject(err);
      else resolve();
    }),
  );
  while (!done) {
    await httpRequest('GET', pokeUrl, {}).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
  }
  await command;
}

/** The instruction total a callgrind output file records; undefined while it is not written whole. */
function totalsOf(file: string): number | undefined {
  const m = /^totals:\s+(\d+)/m.exec(readFileSync(file, 'utf8'));
  return m ? Number(m[1]) : undefined;
}

/** Instructions recorded in the dumps of `outFile`: [main thread, all threads]. */
function countInstructions(outFile: string): [number, number] {
  const dir = join(outFile, '..');
  const base = outFile.slice(dir.length + 1);
  let main = 0;
  let all = 0;
  for (const f of readdirSync(dir).filter((n) => n.startsWith(base))) {
    const n = totalsOf(join(dir, f)) ?? 0;
    all += n;
    if (f.endsWith('-01')) main += n;
  }
  return [main, all];
}

/** Waits for dump number `n` (callgrind writes it when the process next runs), then counts. */
async function dumped(outFile: string, n: number, pokeUrl: string): Promise<[number, number]> {
  const dir = join(outFile, '..');
  const name = `${outFile.slice(dir.length + 1)}.${n}-01`;
  for (let i = 0; i < 600; i++) {
    if (readdirSync(dir).includes(name) && totalsOf(join(dir, name)) !== undefined) {
      await new Promise((r) => setTimeout(r, 500)); // the other threads' files of the same dump
      return countInstructions(outFile);
    }
    await httpRequest('GET', pokeUrl, {}).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`callgrind wrote no dump ${n} for ${outFile}`);
}

/** Instructions per call of one part of a request's work: callgrind over n = 0 and n = 20,000 calls. */
function partCost(work: string, part: string): number {
  const total = (n: number): number => {
    const out = join(work, `part-${part}-${n}.callgrind`);
    execFileSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, '--import', 'tsx', 'bench/parts-workload.ts', part, String(n)], { cwd: ROOT, stdio: 'ignore' });
    return totalsOf(out) ?? NaN;
  };
  return (total(20_000) - total(0)) / 20_000;
}

interface Count {
  server: string;
  endpoint: string;
  main: number;
  all: number;
}

async function measure(server: string, counted: Counted, url: string, callers: readonly Caller[]): Promise<Count[]> {
  const counts: Count[] = [];
  const poke = `${url}/health/live`;
  let dumps = 0;
  try {
    // every endpoint warmed before any is counted: the JIT's work on shared code (HTTP parsing,
    // routing, hooks) would otherwise land in the first endpoint's count
    for (const e of ENDPOINTS) await drive(url, e.method, e.path, callers, WARMUP);
    for (const e of ENDPOINTS) {
      await drive(url, e.method, e.path, callers, Math.ceil(WARMUP / 5));
      const before = countInstructions(counted.outFile);
      await callgrindControl(counted, poke, '-i', 'on');
      await drive(url, e.method, e.path, callers, REQUESTS);
      await callgrindControl(counted, poke, '-i', 'off');
      await callgrindControl(counted, poke, '-d');
      const after = await dumped(counted.outFile, ++dumps, poke);
      const c = { server, endpoint: e.label, main: (after[0] - before[0]) / REQUESTS, all: (after[1] - before[1]) / REQUESTS };
      log(`${server.padEnd(16)} ${e.label.padEnd(48)} ${Math.round(c.main).toLocaleString('en-US').padStart(9)} instructions/request (main thread), ${Math.round(c.all).toLocaleString('en-US')} all threads`);
      counts.push(c);
    }
  } finally {
    await counted.child.stop();
  }
  return counts;
}

function render(counts: Count[], command: string): string {
  const cpu = cpus();
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  const of = (server: string, endpoint: string) => counts.find((c) => c.server === server && c.endpoint === endpoint);
  const lines = [
    '## Instructions per request (callgrind)',
    '',
    'What it measures: CPU instructions per request, counted by valgrind\'s callgrind, of the bare',
    '`node:http` baseline, Fastify with no logger, hook or plugin answering the same bytes',
    '(`bench/fastify-minimal-server.ts`), and the service (`dist/server.js`, the same environment',
    'as the HTTP benchmark: `LOG_LEVEL=warn`, SQLite, metrics and rate limits on). Each server runs',
    `alone; after ${WARMUP.toLocaleString('en-US')} warm-up requests to each endpoint, and ${Math.ceil(WARMUP / 5).toLocaleString('en-US')} more to the one measured, instrumentation is`,
    `switched on for ${REQUESTS.toLocaleString('en-US')} requests (${IN_FLIGHT} in flight on keep-alive connections, rotating over 10 tokens). "Main thread" is the JavaScript`,
    'thread, where a request\'s work happens; "all threads" adds V8\'s compiler and GC helpers, whose',
    'share depends on timing. A count is repeatable within about 1 % whatever the load of the',
    'machine, so these ratios do not carry the noise of the requests-per-second ratios; kernel time',
    '(socket reads and writes) is not counted. Ratio = baseline ÷ server, main thread.',
    '',
    `- Command: \`${command}\``,
    `- Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${process.platform}/${process.arch}`,
    `- Node: ${process.version}`,
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    '',
    '| endpoint | bare node:http | Fastify, nothing added | ratio | service | ratio | service, all threads |',
    '|---|--:|--:|--:|--:|--:|--:|',
  ];
  for (const e of ENDPOINTS) {
    const bare = of('bare', e.label);
    const fastify = of('fastify', e.label);
    const service = of('service', e.label);
    const ratio = (x: Count | undefined): string => (bare && x ? (bare.main / x.main).toFixed(2) : '–');
    lines.push(`| ${e.label} | ${bare ? fmt(bare.main) : '–'} | ${fastify ? fmt(fastify.main) : '–'} | ${ratio(fastify)} | ${service ? fmt(service.main) : '–'} | ${ratio(service)} | ${service ? fmt(service.all) : '–'} |`);
  }
  return lines.join('\n');
}

function renderParts(parts: readonly { label: string; cost: number }[], command: string): string {
  return [
    '### Parts of a request\'s work, each alone',
    '',
    'The compiled service\'s own code for each part (`bench/parts-workload.ts`), run under callgrind',
    'for 20,000 calls after a warm-up of 20,000, minus the same run with none; divided by 20,000.',
    '',
    `- Command: \`${command}\`; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}`,
    '',
    '| part | instructions per call |',
    '|---|--:|',
    ...parts.map((p) => `| ${p.label} | ${Math.round(p.cost).toLocaleString('en-US')} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  if (!opts['no-build']) buildService();
  const work = mkdtempSync(join(tmpdir(), 'cks-instructions-'));
  const data = freshServiceData();
  const counts: Count[] = [];
  const parts: { label: string; cost: number }[] = [];
  try {
    const { callers } = await seedDatabase(data.env, { accounts: 1, tokens: 10 });
    const first = callers[0]!;
    const probe = { host: first.host, authorization: `Bearer ${first.token}` };

    // the bodies the baselines answer: the service's own answers (a KS is a KS; its bytes do not matter)
    const service = await startService(data, GET_PATH, probe, { env: { LOG_LEVEL: 'warn' } });
    const answers: CannedAnswers = {};
    for (const e of ENDPOINTS) {
      const res = await httpRequest(e.method, service.url + e.path, probe);
      if (res.status !== 200) throw new Error(`${e.method} ${e.path} answered ${res.status}`);
      for (const c of callers) answers[`${e.method} ${c.host} ${e.path}`] = { status: 200, contentType: res.contentType, body: res.body };
    }
    await service.child.stop();
    const answersFile = join(work, 'answers.json');
    writeFileSync(answersFile, JSON.stringify(answers));

    for (const [name, script, banner] of [
      ['bare', 'bench/baseline-server.ts', /baseline listening on (http:\/\/\S+)/],
      ['fastify', 'bench/fastify-minimal-server.ts', /fastify-minimal listening on (http:\/\/\S+)/],
    ] as const) {
      if (!ONLY.has(name)) continue;
      const counted = underCallgrind(work, name, ['--import', 'tsx', script, answersFile], { PORT: String(await freePort()) });
      const m = await waitForOutput(counted.child, banner, 300_000);
      counts.push(...(await measure(name, counted, m[1]!, callers)));
    }
    if (ONLY.has('service')) {
      const port = await freePort();
      const counted = underCallgrind(work, 'service', ['dist/server.js'], { ...data.env, HOST: '127.0.0.1', PORT: String(port) });
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(url + GET_PATH, probe, counted.child, 300_000);
      counts.push(...(await measure('service', counted, url, callers)));
    }
    if (ONLY.has('parts')) {
      for (const [label, part] of Object.entries(PARTS)) {
        const cost = partCost(work, part);
        log(`part             ${label.padEnd(48)} ${Math.round(cost).toLocaleString('en-US').padStart(9)} instructions/call`);
        parts.push({ label, cost });
      }
    }
  } finally {
    data.remove();
    rmSync(work, { recursive: true, force: true });
  }
  const command = `npm run bench:instructions${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const docs = join(ROOT, 'docs/benchmarks.md');
  if (counts.length > 0) {
    const markdown = render(counts, command);
    log(`\n${markdown}`);
    if (!opts['no-write']) writeSection(docs, 'instructions', markdown, 'memory');
  }
  if (parts.length > 0) {
    const markdown = renderParts(parts, command);
    log(`\n${markdown}`);
    if (!opts['no-write']) writeSection(docs, 'instruction-parts', markdown, 'instructions');
  }
}

await main();
