/**
 * Splits a service process's CPU per request over the parts of a request from a `perf` profile:
 * every thread, native code (SQLite, OpenSSL, node:http's parser) and the kernel included, which
 * a V8 `.cpuprofile` (bench/profile-summary.ts) does not see. Each sample goes to the first rule
 * (in the order of RULES) that one of its frames matches; the shares are applied to the CPU per
 * request measured in the same run.
 *
 * Record (the service started by bench/thread-cpu.ts; `--perf-basic-prof` names its JIT frames):
 *   NODE_OPTIONS=--perf-basic-prof node --import tsx bench/thread-cpu.ts post 14 &
 *   sleep 8; perf record -a -g -F 1999 -o perf.data -- sleep 6
 *   perf script -i perf.data --pid <service pid> -F tid,ip,sym > stacks.txt
 * then: node --import tsx bench/perf-summary.ts stacks.txt --main <service pid> --per-request <µs>
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** A part of a request and the frames that mark it (a substring of a frame's symbol). */
interface Rule {
  part: string;
  frames: readonly string[];
  /** samples of the main thread only (else of any other thread) */
  main: boolean;
}

const RULES: readonly Rule[] = [
  { part: 'other threads (GC helpers, compiler, libuv)', frames: [''], main: false },
  { part: 'audit INSERT: SQLite statement and WAL writes', frames: ['sqlite3_step'], main: true },
  { part: 'audit INSERT: binding the batch’s parameters', frames: ['Binder::Bind', 'Statement::JS_run'], main: true },
  { part: 'audit group commit (JavaScript)', frames: ['group-commit.js', 'session-audit-repository.js', 'sqlite-driver.js'], main: true },
  { part: 'KS: AES, SHA-1, Base64', frames: ['encodeKsV2'], main: true },
  { part: 'KS: fields, privileges', frames: ['generateKs', 'local-issuer.js', 'instrumented-issuer.js'], main: true },
  { part: 'session handler (settings, audit row fields, body)', frames: ['mintSession', 'kaltura-service.js', 'upload-config-json.js'], main: true },
  { part: 'access-log line and its writes', frames: ['access-log.js', 'log-destination.js'], main: true },
  { part: 'authentication from the caches (token SHA-256)', frames: ['authenticateFromCache', 'access-token-service.js'], main: true },
  { part: 'kernel: the response’s writev on the loopback socket', frames: ['do_writev', '__GI___writev', 'writev'], main: true },
  { part: 'node:http: response headers, streams', frames: ['_http_outgoing', 'streams/writable'], main: true },
  { part: 'fast lane: dispatch, request id, limits, metrics', frames: ['fast-lane.js', 'request-id.js', 'rate-limit.js', 'http-request-stats.js', 'dist/http/app.js'], main: true },
  { part: 'node:http: request parsing, incoming streams', frames: ['Parser::', 'llhttp', '_http_incoming', '_http_server', '_http_common', 'streams/readable', 'streams/destroy'], main: true },
  { part: 'kernel and libuv: socket reads, epoll', frames: ['uv__read', 'uv__io_poll', 'epoll'], main: true },
  { part: 'garbage collection', frames: ['Heap::', 'Scavenge', 'MarkCompact'], main: true },
  { part: 'promise jobs, ticks, timers (other)', frames: ['RunMicrotasks', 'processTicksAndRejections', 'uv__run_timers', 'uv__run_check'], main: true },
  { part: 'other', frames: [''], main: true },
];

const { values: opts, positionals } = parseArgs({ options: { main: { type: 'string' }, 'per-request': { type: 'string' } }, allowPositionals: true });
const file = positionals[0];
if (!file || !opts.main) throw new Error('usage: perf-summary.ts STACKS.txt --main <pid> [--per-request US]');

/** The samples of `perf script -F tid,ip,sym`: a ` <tid>` line, then a line per frame, leaf first. */
function samples(text: string): { tid: string; frames: string[] }[] {
  const out: { tid: string; frames: string[] }[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) continue;
    const tid = lines[0]!.trim();
    // `<ip> <symbol>`: the symbol may contain spaces
    out.push({ tid, frames: lines.slice(1).map((l) => l.trim().replace(/^[0-9a-f]+ /, '')) });
  }
  return out;
}

const CHECKPOINT_THREAD = 'SQLite checkpoint thread (page copies, fsyncs)';
const all = samples(readFileSync(file, 'utf8'));
// the checkpoint worker: the thread other than the main one that runs SQLite (its kernel-only
// stacks, an fsync unwound no further, count too)
const checkpointThreads = new Set(all.filter((s) => s.tid !== opts.main && s.frames.some((f) => f.includes('sqlite3') || f.includes('pragma'))).map((s) => s.tid));
const counts = new Map<string, number>();
for (const s of all) {
  const main = s.tid === opts.main;
  // a sample perf could not unwind at all (no frame) goes to its thread's catch-all rule
  const rule = RULES.find((r) => r.main === main && (s.frames.length === 0 ? r.frames.includes('') : s.frames.some((f) => r.frames.some((m) => f.includes(m)))));
  const part = checkpointThreads.has(s.tid) ? CHECKPOINT_THREAD : rule!.part;
  counts.set(part, (counts.get(part) ?? 0) + 1);
}
const perRequest = opts['per-request'] === undefined ? null : Number(opts['per-request']);
process.stdout.write(`${all.length} samples, ${all.filter((s) => s.tid === opts.main).length} of them on the main thread\n\n`);
process.stdout.write(`| part | share of samples |${perRequest === null ? '' : ' µs per request |'}\n|---|--:|${perRequest === null ? '' : '--:|'}\n`);
for (const part of [CHECKPOINT_THREAD, ...RULES.map((r) => r.part)]) {
  const n = counts.get(part) ?? 0;
  if (n === 0) continue;
  const share = n / all.length;
  process.stdout.write(`| ${part} | ${(100 * share).toFixed(1)} % |${perRequest === null ? '' : ` ${(share * perRequest).toFixed(1)} |`}\n`);
}
if (perRequest !== null) process.stdout.write(`| **total** | 100 % | **${perRequest.toFixed(1)}** |\n`);
