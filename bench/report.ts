/**
 * The benchmark report: results → Markdown sections of docs/benchmarks.md (pure), and the one
 * I/O step that swaps a section in place, leaving the sections other people write alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { LoadResult } from './load.js';
import { SERVICE_NODE_FLAGS } from './service-under-test.js';
import { formatMiB, formatMs, formatRatio, formatRps, median, ratio } from './stats.js';

/** Where and how a run happened. */
export interface RunInfo {
  date: string;
  node: string;
  machine: string;
  command: string;
  /** load averages (1 min) before and after the run */
  loadBefore: number;
  loadAfter: number;
  durationS: number;
  rounds: number;
  connections: number;
}

/** One server's rounds in one scenario. */
export interface ServerRounds {
  /** `bare`, `fastify`, `floor`, `info`, `warn` … */
  id: string;
  label: string;
  /** the CPU ratio target of this row, null when only reported */
  cpuTarget: number | null;
  /** this row's p99 must be ≤ p99Factor × the bare server's p99 of the same round; null = none */
  p99Factor: number | null;
  rounds: LoadResult[];
}

/** One endpoint measured in alternating rounds (bare, floors, service …, then again). */
export interface ScenarioResult {
  label: string;
  /** the bare node:http server first, then the others in the order they ran */
  servers: ServerRounds[];
}

/** Remote mode: the service's latency beside the double's own. */
export interface RemoteOverhead {
  connections: number;
  double: LoadResult;
  service: LoadResult;
}

/** One connection count for one endpoint. */
export interface ScalingRow {
  endpoint: string;
  connections: number;
  baseline: LoadResult;
  service: LoadResult;
}

/** The service over one database size. */
export interface DataSizeRow {
  tokens: number;
  accounts: number;
  get: LoadResult;
  post: LoadResult;
}

/** A cold-cache run: every request a different token. */
export interface ColdTokensRow {
  tokens: number;
  accounts: number;
  get: LoadResult;
}

/** Everything the default run measured. */
export interface HttpReport {
  info: RunInfo;
  scenarios: ScenarioResult[];
  remote: RemoteOverhead[];
  scaling: ScalingRow[];
  dataSizes: DataSizeRow[];
  coldTokens: ColdTokensRow[];
  postgres?: PostgresResult;
}

/** The local POST on PostgreSQL beside the same service on SQLite, in alternating rounds. */
export interface PostgresResult {
  label: string;
  /** the target: PostgreSQL req/s ÷ SQLite req/s (median of per-round ratios) */
  target: number;
  sqlite: LoadResult[];
  postgres: LoadResult[];
  /** PostgreSQL's backend processes' CPU per request, per round (µs) */
  postgresCpuUs: number[];
}

/** The PostgreSQL section's medians. */
export function summarizePostgres(p: PostgresResult): { sqliteRps: number; postgresRps: number; ratio: number; met: boolean; sqliteCpuUs: number; serviceCpuUs: number; postgresCpuUs: number; sqliteP99: number; postgresP99: number } {
  const r = median(p.postgres.map((x, i) => ratio(x.rps, p.sqlite[i]!.rps)));
  return {
    sqliteRps: median(p.sqlite.map((x) => x.rps)),
    postgresRps: median(p.postgres.map((x) => x.rps)),
    ratio: r,
    met: r >= p.target,
    sqliteCpuUs: median(p.sqlite.map((x) => x.cpuUsPerRequest)),
    serviceCpuUs: median(p.postgres.map((x) => x.cpuUsPerRequest)),
    postgresCpuUs: median(p.postgresCpuUs),
    sqliteP99: median(p.sqlite.map((x) => x.p99Ms)),
    postgresP99: median(p.postgres.map((x) => x.p99Ms)),
  };
}

function renderPostgres(p: PostgresResult): string[] {
  const m = summarizePostgres(p);
  return [
    '### PostgreSQL',
    '',
    `${p.label} with \`DATABASE_URL=postgres://…\` (PostgreSQL 15 on this machine, a fresh database, the service at`,
    '`LOG_LEVEL=info`) and the same service on SQLite, in alternating rounds. "PostgreSQL CPU" is the user +',
    'system CPU time of the PostgreSQL backend processes serving the bench database (found by their',
    'command line, which names the database), per request. Target: PostgreSQL req/s ≥ ' + p.target.toFixed(2) + ' × SQLite req/s;',
    'each audit row is still committed before its answer.',
    '',
    '| database | req/s | p99 (ms) | service CPU µs/req | PostgreSQL CPU µs/req | req/s ÷ SQLite | target |',
    '|---|--:|--:|--:|--:|--:|---|',
    `| SQLite | ${formatRps(m.sqliteRps)} | ${formatMs(m.sqliteP99)} | ${cpu(m.sqliteCpuUs)} | | 1 | |`,
    `| PostgreSQL | ${formatRps(m.postgresRps)} | ${formatMs(m.postgresP99)} | ${cpu(m.serviceCpuUs)} | ${cpu(m.postgresCpuUs)} | **${formatRatio(m.ratio)}** | ${verdict(m.met, `≥ ${p.target.toFixed(2)}`)} |`,
    '',
    `Per round, req/s SQLite → PostgreSQL: ${p.sqlite.map((x, i) => `${formatRps(x.rps)} → ${formatRps(p.postgres[i]!.rps)}`).join('; ')}`,
    '',
  ];
}

/** The medians of one server in a scenario, against the bare server, and its verdicts. */
export interface ServerSummary {
  id: string;
  label: string;
  rps: number;
  p50: number;
  p99: number;
  cpuUs: number;
  /** median of the per-round req/s ratios (server ÷ bare) */
  rpsRatio: number;
  /** median of the per-round bare CPU per request ÷ this server's: the throughput ratio if each had a core */
  cpuRatio: number;
  /** median of the per-round p99 ratios (server ÷ bare) */
  p99Ratio: number;
  cpuTarget: number | null;
  p99Factor: number | null;
  cpuMet: boolean | null;
  p99Met: boolean | null;
}

/** Medians over rounds; each ratio is the median of the per-round ratios (rounds run A B A B …). */
export function summarize(s: ScenarioResult): ServerSummary[] {
  const bare = s.servers[0]!.rounds;
  return s.servers.map((srv) => {
    const per = (f: (r: LoadResult, b: LoadResult) => number): number => median(srv.rounds.map((r, i) => f(r, bare[i]!)));
    const cpuRatio = per((r, b) => ratio(b.cpuUsPerRequest, r.cpuUsPerRequest));
    const p99Ratio = per((r, b) => ratio(r.p99Ms, b.p99Ms));
    return {
      id: srv.id,
      label: srv.label,
      rps: median(srv.rounds.map((r) => r.rps)),
      p50: median(srv.rounds.map((r) => r.p50Ms)),
      p99: median(srv.rounds.map((r) => r.p99Ms)),
      cpuUs: median(srv.rounds.map((r) => r.cpuUsPerRequest)),
      rpsRatio: per((r, b) => ratio(r.rps, b.rps)),
      cpuRatio,
      p99Ratio,
      cpuTarget: srv.cpuTarget,
      p99Factor: srv.p99Factor,
      cpuMet: srv.cpuTarget === null ? null : cpuRatio >= srv.cpuTarget,
      p99Met: srv.p99Factor === null ? null : p99Ratio <= srv.p99Factor,
    };
  });
}

const cpu = (us: number): string => (Number.isFinite(us) ? us.toFixed(0) : 'n/a');
const verdict = (met: boolean | null, target: string): string => (met === null ? '' : `${met ? 'met' : '**missed**'} (${target})`);

function infoLines(info: RunInfo): string[] {
  return [
    `- Command: \`${info.command}\``,
    `- Machine: ${info.machine}; load average (1 min) ${info.loadBefore.toFixed(2)} before, ${info.loadAfter.toFixed(2)} after`,
    `- Node: ${info.node}`,
    `- Date: ${info.date}`,
  ];
}

/** The Markdown of the default run. */
export function renderHttpReport(r: HttpReport): string {
  const { info } = r;
  const out: string[] = [
    '## HTTP service: CPU per request beside floor servers',
    '',
    'What it measures: for each endpoint, the server process\'s CPU time per request (user + system,',
    'from `/proc/<pid>/stat`; other load on the machine does not inflate it), requests per second and',
    'latency, of five servers measured in turn in the same run (bare, Fastify, floor, info, warn, then',
    'again …): a bare `node:http` server (`bench/baseline-server.ts`) answering the byte-identical',
    'bodies with no framework, authentication or database; Fastify alone answering the same bytes',
    '(`bench/fastify-minimal-server.ts`); the "floor", Fastify plus the work every request owes: the',
    'token\'s HMAC-SHA256, a request id and the same four response headers (`… --floor`); and the',
    `compiled service as \`npm start\` runs it (\`node ${SERVICE_NODE_FLAGS.join(' ')} dist/server.js\`, \`NODE_ENV=production\`, SQLite in a temporary \`DATA_DIR\`,`,
    'request metrics and rate limits on, limits set to 1,000,000 per window so they count but never',
    'refuse) at its default `LOG_LEVEL=info` (one access-log line per request, to a file) and at',
    '`LOG_LEVEL=warn`. autocannon runs in the bench process, each server in its own process;',
    `${info.rounds} rounds, ${info.connections} connections, ${info.durationS} s each, pipelining 1, after a warm-up. Callers send`,
    '`Authorization: Bearer <token>`, rotating over 10 users\' tokens. **CPU ratio** = bare CPU µs per',
    'request ÷ the server\'s, the throughput ratio the two would have with a core each: the median of',
    'the per-round ratios. req/s ratios and p99 ratios likewise; p99 is computed from every response',
    'time. The endpoints and their targets are listed in `bench/scenarios.ts`.',
    '',
    ...infoLines(info),
    '',
  ];
  for (const s of r.scenarios) {
    const rows = summarize(s);
    out.push(`**${s.label}**`, '', '| server | req/s | p50 / p99 (ms) | CPU µs/req | req/s ratio | CPU ratio | target | p99 ÷ bare p99 | p99 target |', '|---|--:|--:|--:|--:|--:|---|--:|---|');
    for (const m of rows) {
      const bare = m.id === s.servers[0]!.id;
      out.push(
        `| ${m.label} | ${formatRps(m.rps)} | ${formatMs(m.p50)} / ${formatMs(m.p99)} | ${cpu(m.cpuUs)} | ${bare ? '1' : formatRatio(m.rpsRatio)} | ${bare ? '1' : `**${formatRatio(m.cpuRatio)}**`} | ${verdict(m.cpuMet, `≥ ${m.cpuTarget?.toFixed(2)}`)} | ${bare ? '1' : formatRatio(m.p99Ratio)} | ${verdict(m.p99Met, `≤ ${m.p99Factor}×`)} |`,
      );
    }
    out.push('', `Per round, CPU µs/req (${s.servers.map((x) => x.id).join(' / ')}): ${s.servers[0]!.rounds.map((_, i) => s.servers.map((x) => cpu(x.rounds[i]!.cpuUsPerRequest)).join(' / ')).join('; ')}`, '');
  }
  if (r.postgres) out.push(...renderPostgres(r.postgres));
  if (r.remote.length > 0) {
    out.push(
      '',
      '### Remote mode: overhead over the Kaltura double',
      '',
      'The double (`test/kaltura-double`, no added latency) in its own process, loaded directly with',
      "the service's own `session.start` form POST, then through the service in remote mode (one",
      'request to the double per session). Overhead = service latency − double latency.',
      '',
      '| connections | double req/s | service req/s | double p50 / p99 (ms) | service p50 / p99 (ms) | overhead p50 / p99 (ms) | CPU µs/req double / service |',
      '|--:|--:|--:|--:|--:|--:|--:|',
    );
    for (const x of r.remote) {
      out.push(
        `| ${x.connections} | ${formatRps(x.double.rps)} | ${formatRps(x.service.rps)} | ${formatMs(x.double.p50Ms)} / ${formatMs(x.double.p99Ms)} | ${formatMs(x.service.p50Ms)} / ${formatMs(x.service.p99Ms)} | ${formatMs(x.service.p50Ms - x.double.p50Ms)} / ${formatMs(x.service.p99Ms - x.double.p99Ms)} | ${cpu(x.double.cpuUsPerRequest)} / ${cpu(x.service.cpuUsPerRequest)} |`,
      );
    }
  }
  if (r.scaling.length > 0) {
    out.push('', '### Scaling with connections', '', '| endpoint | connections | baseline req/s | service req/s | ratio | baseline p99 (ms) | service p99 (ms) | service CPU µs/req |', '|---|--:|--:|--:|--:|--:|--:|--:|');
    for (const x of r.scaling) {
      out.push(`| ${x.endpoint} | ${x.connections} | ${formatRps(x.baseline.rps)} | ${formatRps(x.service.rps)} | ${formatRatio(ratio(x.service.rps, x.baseline.rps))} | ${formatMs(x.baseline.p99Ms)} | ${formatMs(x.service.p99Ms)} | ${cpu(x.service.cpuUsPerRequest)} |`);
    }
  }
  if (r.dataSizes.length > 0) {
    const first = r.dataSizes[0]!;
    out.push(
      '',
      '### Scaling with the database: tokens and root accounts',
      '',
      'A fresh database per row; requests rotate over 10 callers (token + Host of their account, spread',
      `over up to 10 accounts). Relative = req/s ÷ the first row's (${first.tokens} tokens, ${first.accounts} account${first.accounts === 1 ? '' : 's'}).`,
      '',
      '| tokens | root accounts | GET req/s | GET p99 (ms) | GET CPU µs/req | GET relative | POST (local) req/s | POST p99 (ms) | POST CPU µs/req | POST relative |',
      '|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    );
    for (const x of r.dataSizes) {
      out.push(
        `| ${x.tokens.toLocaleString('en-US')} | ${x.accounts} | ${formatRps(x.get.rps)} | ${formatMs(x.get.p99Ms)} | ${cpu(x.get.cpuUsPerRequest)} | ${formatRatio(ratio(x.get.rps, first.get.rps))} | ${formatRps(x.post.rps)} | ${formatMs(x.post.p99Ms)} | ${cpu(x.post.cpuUsPerRequest)} | ${formatRatio(ratio(x.post.rps, first.post.rps))} |`,
      );
    }
    for (const c of r.coldTokens) {
      out.push(
        '',
        `Every request with a different token (all ${c.tokens.toLocaleString('en-US')} tokens over ${c.accounts} accounts in turn, so the token and`,
        `login caches mostly miss and each request reads the database): GET ${formatRps(c.get.rps)} req/s, p99 ${formatMs(c.get.p99Ms)} ms, ${cpu(c.get.cpuUsPerRequest)} µs CPU per request.`,
      );
    }
  }
  return out.join('\n');
}

/** RSS of the service at a number of requests served. */
export interface MemoryCheckpoint {
  requests: number;
  rssBytes: number;
}

/** The Markdown of the memory run. */
export function renderMemoryReport(info: RunInfo, checkpoints: readonly MemoryCheckpoint[], rps: number): string {
  const first = checkpoints[0]!;
  const last = checkpoints[checkpoints.length - 1]!;
  const growth = ratio(last.rssBytes, first.rssBytes);
  const out = [
    '## HTTP service memory over 1,000,000 requests',
    '',
    'What it measures: the resident set size (`VmRSS`) of the service process after the first 10,000',
    `requests and then every 100,000 up to ${last.requests.toLocaleString('en-US')}, under load from ${info.connections} connections sending, in`,
    'turn, `GET /api/v1/services/kaltura`, `POST /api/v1/services/kaltura_session` and the same POST',
    'with `include_upload_config=1` (each POST writes an audit row), rotating over 10 tokens.',
    `Target: RSS after all requests within 20 % of RSS after the first 10,000.`,
    '',
    ...infoLines(info),
    '',
    '| requests | RSS (MiB) | vs. first |',
    '|--:|--:|--:|',
    ...checkpoints.map((c) => `| ${c.requests.toLocaleString('en-US')} | ${formatMiB(c.rssBytes)} | ${formatRatio(ratio(c.rssBytes, first.rssBytes))} |`),
    '',
    `Result: ${formatMiB(last.rssBytes)} MiB after ${last.requests.toLocaleString('en-US')} requests vs. ${formatMiB(first.rssBytes)} MiB after ${first.requests.toLocaleString('en-US')}: ×${formatRatio(growth)} — ${growth <= 1.2 ? 'met' : '**missed**'} (≤ ×1.20). Mean throughput ${formatRps(rps)} req/s.`,
  ];
  return out.join('\n');
}

/**
 * Replaces the section between `<!-- bench:<name> -->` and `<!-- /bench:<name> -->` in `file`;
 * when it is not there yet, inserts it (with the markers) after section `after` if that exists,
 * else before the first `## ` heading.
 */
export function writeSection(file: string, name: string, markdown: string, after?: string): void {
  const text = readFileSync(file, 'utf8');
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const block = `${open}\n${markdown.trimEnd()}\n${close}`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  let next: string;
  if (start >= 0 && end > start) {
    next = text.slice(0, start) + block + text.slice(end + close.length);
  } else if (after !== undefined && text.includes(`<!-- /bench:${after} -->`)) {
    const at = text.indexOf(`<!-- /bench:${after} -->`) + `<!-- /bench:${after} -->`.length;
    next = `${text.slice(0, at)}\n\n${block}${text.slice(at)}`;
  } else {
    const at = text.search(/^## /m);
    next = at < 0 ? `${text.trimEnd()}\n\n${block}\n` : `${text.slice(0, at)}${block}\n\n${text.slice(at)}`;
  }
  writeFileSync(file, next);
}
