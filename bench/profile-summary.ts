/**
 * Reads a V8 `.cpuprofile` (`node --cpu-prof`) and prints where the samples went: the functions
 * with the most self time, and, with `--folded FILE`, writes folded stacks (`a;b;c count` per
 * line, the input of flame-graph tools); with `--svg FILE`, a flame graph drawn from them.
 * With `--per-request US`, it also splits that CPU time per request (measured in the same run)
 * over the parts of a request by the share of the samples each part's frames hold (first
 * matching rule from the leaf up wins; start-up work is left out).
 * Usage: node --import tsx bench/profile-summary.ts PROFILE [--top N] [--folded FILE] [--svg FILE] [--title T] [--per-request US]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { flameGraphSvg } from './flame-graph.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values: opts, positionals } = parseArgs({ options: { top: { type: 'string', default: '40' }, folded: { type: 'string' }, svg: { type: 'string' }, title: { type: 'string' }, 'per-request': { type: 'string' } }, allowPositionals: true });
const file = positionals[0];
if (!file) throw new Error('usage: profile-summary.ts PROFILE [--top N] [--folded FILE] [--svg FILE]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

/** A frame's short name: function, file (last two path parts) and line. */
function frameName(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url === '' ? '' : ` ${url.replace(/^file:\/\//, '').split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  return `${functionName || '(anonymous)'}${where}`;
}

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const idle = [...selfUs.entries()].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
const busy = total - idle;
const byName = new Map<string, number>();
for (const [id, t] of selfUs) {
  const name = frameName(byId.get(id)!);
  if (name.startsWith('(idle)')) continue;
  byName.set(name, (byName.get(name) ?? 0) + t);
}
process.stdout.write(`samples ${profile.samples.length}, busy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s\n`);
for (const [name, t] of [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(opts.top))) {
  process.stdout.write(`${((100 * t) / busy).toFixed(1).padStart(5)} %  ${name}\n`);
}

if (opts.folded || opts.svg) {
  const folded = new Map<string, number>();
  for (const [id, t] of selfUs) {
    const stack: string[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) stack.push(frameName(byId.get(cur)!).replace(/;/g, ','));
    const key = stack.reverse().filter((f) => !f.startsWith('(root)')).join(';');
    if (key.startsWith('(idle)')) continue;
    folded.set(key, (folded.get(key) ?? 0) + t);
  }
  const lines = [...folded.entries()].map(([k, t]) => `${k} ${Math.round(t)}`);
  if (opts.folded) writeFileSync(opts.folded, `${lines.join('\n')}\n`);
  if (opts.svg) writeFileSync(opts.svg, flameGraphSvg(folded, opts.title ?? file));
}

/** Parts of a request, each recognised by a frame on its stack (tested from the leaf to the root). */
const PARTS: Array<[string, RegExp]> = [
  ['start-up (module loading, left out)', /esm\/loader|cjs\/loader|esm\/utils|compileSourceTextModule|esm\/module_job/],
  ['garbage collection', /^\(garbage collector\)/],
  ['PostgreSQL driver (pg: protocol, its socket reads and writes)', /\/pg\/lib\/|\/pg-protocol\/|\/pg-pool\/|db\/prepared-statements/],
  ['access log line (pino + buffer)', /plugins\/access-log|log-destination/],
  ['request metrics', /plugins\/metrics|http-request-stats/],
  ['audit row (group-committed INSERT)', /session-audit-repository|sqlite-driver|better-sqlite3|kysely/],
  ['KS generation (SHA-1, AES, fields)', /ks\/generate-ks|ks\/ks-v2|ks\/random|createCipherBase|crypto\/cipher/],
  ['session handler (settings, body)', /sessions\/kaltura-service|local-issuer|instrumented-issuer/],
  ['token HMAC-SHA256', /hashWith|crypto\/hash/],
  ['authentication from the caches (accounts, tokens, users)', /plugins\/authentication|auth\/authenticator|access-token-service|ttl-cache|account-resolver|user-directory/],
  ['rate limits', /plugins\/rate-limit|window-counter|expiring-key-set/],
  ['request id, headers hook', /http\/app\.js|security-headers/],
  ['JSON serialization (response schema)', /fast-json-stringify|serialize lib\/reply|anonymous\d+$/],
  ['kernel: socket writes (writev)', /^writev$|^writeUtf8String$|^writeLatin1String$/],
  ['Fastify: routing, hooks, reply', /fastify\/|find-my-way|lib\/(reply|hooks|route|handle-request|wrap-thenable|request|context|content-type-parser)\.js/],
  ['node:http: parsing, response, streams', /node:_http|node:internal\/stream|streams\/|node:net|process\/task_queues|^parse$|node:events/],
];

if (opts['per-request']) {
  const perRequest = Number(opts['per-request']);
  const byPart = new Map<string, number>();
  for (const [id, t] of selfUs) {
    const leaf = byId.get(id)!;
    if (leaf.callFrame.functionName === '(idle)') continue;
    let part = 'other (V8, runtime, libuv)';
    const frames: string[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) frames.push(frameName(byId.get(cur)!));
    // the start-up and PostgreSQL driver rules look at the whole stack; the others at the innermost matching frame
    // (the driver's by full file URL: its files' short names, lib/utils.js …, say nothing)
    const urls: string[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) urls.push(byId.get(cur)!.callFrame.url);
    if (frames.some((f) => PARTS[0]![1].test(f))) part = PARTS[0]![0];
    else if (urls.some((u) => PARTS[2]![1].test(u))) part = PARTS[2]![0];
    else {
      outer: for (const f of frames) {
        for (const [name, re] of PARTS.slice(1)) {
          if (re.test(f)) {
            part = name;
            break outer;
          }
        }
      }
    }
    byPart.set(part, (byPart.get(part) ?? 0) + t);
  }
  const startup = byPart.get(PARTS[0]![0]) ?? 0;
  byPart.delete(PARTS[0]![0]);
  const counted = [...byPart.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(`\n| part | share of samples | µs per request |\n|---|--:|--:|\n`);
  let sum = 0;
  for (const [name, t] of [...byPart.entries()].sort((a, b) => b[1] - a[1])) {
    const us = (perRequest * t) / counted;
    sum += us;
    process.stdout.write(`| ${name} | ${((100 * t) / counted).toFixed(1)} % | ${us.toFixed(1)} |\n`);
  }
  process.stdout.write(`| **total** | 100 % | **${sum.toFixed(1)}** |\n\n(start-up left out: ${(startup / 1e3).toFixed(0)} ms of samples)\n`);
}
