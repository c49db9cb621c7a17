/**
 * The benchmark report: results → Markdown sections of docs/benchmarks.md (pure), and the one
 * I/O step that swaps a section in place, leaving the sections other people write alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { LoadResult } from './load.js';
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

/** One endpoint measured in alternating rounds against the bare baseline. */
export interface ScenarioResult {
  label: string;
  /** the ratio target (service / baseline rps), null when only reported */
  target: number | null;
  /** the p99 target in ms at the main connection count, null when none */
  p99TargetMs: number | null;
  baseline: LoadResult[];
  service: LoadResult[];
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
}

/** The medians of a scenario and its verdicts. */
export interface ScenarioSummary {
  baselineRps: number;
  serviceRps: number;
  ratio: number;
  serviceP50: number;
  serviceP99: number;
  baselineP99: number;
  baselineCpuUs: number;
  serviceCpuUs: number;
  /** baseline CPU per request ÷ service CPU per request: the throughput ratio if each had a core to itself */
  cpuRatio: number;
  ratioMet: boolean | null;
  p99Met: boolean | null;
}

/** Medians over rounds; the ratio is the median of the per-round ratios (A B pairs). */
export function summarize(s: ScenarioResult): ScenarioSummary {
  const ratios = s.service.map((r, i) => ratio(r.rps, s.baseline[i]!.rps));
  const summary = {
    baselineRps: median(s.baseline.map((r) => r.rps)),
    serviceRps: median(s.service.map((r) => r.rps)),
    ratio: median(ratios),
    serviceP50: median(s.service.map((r) => r.p50Ms)),
    serviceP99: median(s.service.map((r) => r.p99Ms)),
    baselineP99: median(s.baseline.map((r) => r.p99Ms)),
    baselineCpuUs: median(s.baseline.map((r) => r.cpuUsPerRequest)),
    serviceCpuUs: median(s.service.map((r) => r.cpuUsPerRequest)),
    cpuRatio: median(s.service.map((r, i) => ratio(s.baseline[i]!.cpuUsPerRequest, r.cpuUsPerRequest))),
  };
  return {
    ...summary,
    ratioMet: s.target === null ? null : summary.ratio >= s.target,
    p99Met: s.p99TargetMs === null ? null : summary.serviceP99 <= s.p99TargetMs,
  };
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
    '## HTTP service against a bare node:http baseline',
    '',
    'What it measures: requests per second and latency of the compiled service (`node dist/server.js`,',
    '`NODE_ENV=production`, `LOG_LEVEL=warn`, SQLite in a temporary `DATA_DIR`, request metrics and rate',
    'limits on — limits set to 1,000,000 per window so they count but never refuse) beside a bare',
    '`node:http` server (`bench/baseline-server.ts`) answering the byte-identical JSON bodies with the',
    'same content type and no authentication, database or framework. autocannon runs in the bench',
    'process; each server is its own process. Baseline (A) and service (B) run alternately',
    `(A B A B …), ${info.rounds} rounds each, ${info.connections} connections, ${info.durationS} s, pipelining 1, after a warm-up;`,
    'figures are medians over the rounds and the ratio is the median of the per-round ratios.',
    'Callers send `Authorization: Bearer <token>`; the database holds 1 root account and 10 users with',
    'a token each (plus the remote-mode account), and requests rotate over those 10 tokens.',
    'Latency percentiles are computed from every response time (not autocannon\'s whole-millisecond',
    'histogram). "Server CPU" is the server process\'s user + system CPU time per request (from',
    '`/proc/<pid>/stat`), which other load on the machine does not inflate; "CPU ratio" is baseline CPU',
    '÷ service CPU per request, the throughput ratio the two would have with a core each.',
    '',
    ...infoLines(info),
    '',
    '| endpoint | baseline (req/s) | service (req/s) | ratio | target | service p50 / p99 (ms) | baseline p99 (ms) | p99 target | server CPU µs/req (baseline / service) | CPU ratio |',
    '|---|--:|--:|--:|---|--:|--:|---|--:|--:|',
  ];
  for (const s of r.scenarios) {
    const m = summarize(s);
    out.push(
      `| ${s.label} | ${formatRps(m.baselineRps)} | ${formatRps(m.serviceRps)} | ${formatRatio(m.ratio)} | ${verdict(m.ratioMet, `≥ ${s.target?.toFixed(2)}`)} | ${formatMs(m.serviceP50)} / ${formatMs(m.serviceP99)} | ${formatMs(m.baselineP99)} | ${verdict(m.p99Met, `≤ ${s.p99TargetMs} ms`)} | ${cpu(m.baselineCpuUs)} / ${cpu(m.serviceCpuUs)} | ${formatRatio(m.cpuRatio)} |`,
    );
  }
  out.push('', 'Per round (req/s, baseline → service):', '');
  for (const s of r.scenarios) {
    out.push(`- ${s.label}: ${s.service.map((x, i) => `${formatRps(s.baseline[i]!.rps)} → ${formatRps(x.rps)}`).join('; ')}`);
  }
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
