/**
 * The soak test's verdict and its section of docs/benchmarks.md. Pure: figures in, text out.
 */

/** One RSS sample of the service process. */
export interface RssSample {
  /** seconds since the measured run started */
  at: number;
  rssMiB: number;
}

/** What one kind of request in the mix did. */
export interface KindFigures {
  label: string;
  expected: number;
  count: number;
  /** answers with another status than expected */
  unexpected: number;
}

/** Everything the soak measured. */
export interface SoakFigures {
  date: string;
  machine: string;
  node: string;
  loadBefore: string;
  durationSeconds: number;
  connections: number;
  totalRequests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p97_5: number; p99: number; max: number };
  /** socket errors and timeouts as autocannon counts them */
  errors: number;
  timeouts: number;
  kinds: KindFigures[];
  rss: RssSample[];
  shutdownExitCode: number | null;
}

/**
 * The lowest RSS of the last 20 s may be at most this much above the first sample of the
 * measured run. The lowest, because RSS saws up and down with garbage collection; a leak
 * raises the troughs too.
 */
export const RSS_GROWTH_LIMIT = 0.2;
const LAST_WINDOW_S = 20;

/** The first sample, and the lowest sample of the last 20 s. */
export function rssTrend(rss: readonly RssSample[]): { first: number; lastTrough: number } | null {
  const first = rss[0];
  const end = rss[rss.length - 1];
  if (!first || !end) return null;
  const tail = rss.filter((s) => s.at >= end.at - LAST_WINDOW_S);
  return { first: first.rssMiB, lastTrough: Math.min(...tail.map((s) => s.rssMiB)) };
}

/** Whether the run passed: no errors, no unexpected statuses, RSS stable, clean shutdown. */
export function soakVerdict(f: SoakFigures): { ok: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (f.errors > 0) reasons.push(`${f.errors} socket errors`);
  if (f.timeouts > 0) reasons.push(`${f.timeouts} timeouts`);
  for (const k of f.kinds) if (k.unexpected > 0) reasons.push(`${k.unexpected} unexpected statuses for ${k.label}`);
  const trend = rssTrend(f.rss);
  if (!trend) reasons.push('no RSS samples');
  else if (trend.lastTrough > trend.first * (1 + RSS_GROWTH_LIMIT)) {
    reasons.push(`RSS grew from ${trend.first.toFixed(1)} to at least ${trend.lastTrough.toFixed(1)} MiB over the last ${LAST_WINDOW_S} s (limit +${RSS_GROWTH_LIMIT * 100} %)`);
  }
  if (f.shutdownExitCode !== 0) reasons.push(`the service exited with ${f.shutdownExitCode} on SIGTERM`);
  return { ok: reasons.length === 0, reasons };
}

const n = (v: number) => Math.round(v).toLocaleString('en-US');

/** The "Soak test" section of docs/benchmarks.md. */
export function renderSoakSection(f: SoakFigures): string {
  const verdict = soakVerdict(f);
  const first = f.rss[0]?.rssMiB ?? 0;
  const last = f.rss[f.rss.length - 1]?.rssMiB ?? 0;
  const peak = Math.max(...f.rss.map((s) => s.rssMiB));
  const trough = rssTrend(f.rss)?.lastTrough ?? 0;
  return [
    '## Soak test',
    '',
    `What it does: starts the service as its own process (\`node --import tsx src/server.ts\`,`,
    '`NODE_ENV=production`, `LOG_LEVEL=warn`, SQLite, Kaltura in local mode, rate limits off so the',
    'limit is the machine), warms it up for 5 s, then sends mixed traffic with autocannon for',
    `${f.durationSeconds} s at the highest rate it sustains (${f.connections} keep-alive connections, no rate cap), sampling the`,
    "service's RSS every 5 s. It passes with zero socket errors and timeouts, every answer of the status",
    `its kind expects, RSS stable (the lowest sample of the last ${LAST_WINDOW_S} s within +${RSS_GROWTH_LIMIT * 100} % of the first: RSS saws`,
    'with garbage collection, a leak raises the troughs too), and a clean SIGTERM shutdown.',
    '',
    '- Command: `npm run soak` (`SOAK_SECONDS=<s>` and `SOAK_CONNECTIONS=<n>` change the run; the section below is rewritten on each run)',
    `- Machine: ${f.machine}; load average before the run: ${f.loadBefore}`,
    `- Node: ${f.node}`,
    `- Date: ${f.date}`,
    `- Result: **${verdict.ok ? 'pass' : `FAIL (${verdict.reasons.join('; ')})`}**`,
    '',
    '| figure | value |',
    '|--------|------:|',
    `| requests | ${n(f.totalRequests)} |`,
    `| requests/s (mean) | ${n(f.requestsPerSecond)} |`,
    `| latency p50 / p97.5 / p99 / max (ms) | ${f.latencyMs.p50} / ${f.latencyMs.p97_5} / ${f.latencyMs.p99} / ${f.latencyMs.max} |`,
    `| socket errors / timeouts | ${f.errors} / ${f.timeouts} |`,
    `| RSS first / peak / lowest of the last ${LAST_WINDOW_S} s / last (MiB) | ${first.toFixed(1)} / ${peak.toFixed(1)} / ${trough.toFixed(1)} / ${last.toFixed(1)} |`,
    `| shutdown exit code | ${f.shutdownExitCode} |`,
    '',
    '| request in the mix | expected | answers | unexpected |',
    '|--------------------|---------:|--------:|-----------:|',
    ...f.kinds.map((k) => `| ${k.label} | ${k.expected} | ${n(k.count)} | ${k.unexpected} |`),
    '',
    `RSS every 5 s (MiB): ${f.rss.map((s) => `${s.at}s ${s.rssMiB.toFixed(1)}`).join(' · ')}`,
    '',
  ].join('\n');
}

/** Replaces the "## Soak test" section of `doc` (up to the next `## `), or appends it. */
export function withSoakSection(doc: string, section: string): string {
  const start = doc.indexOf('\n## Soak test\n');
  if (start < 0) return `${doc.replace(/\n*$/, '')}\n\n${section}`;
  const next = doc.indexOf('\n## ', start + 1);
  return `${doc.slice(0, start + 1)}${section}${next < 0 ? '' : `\n${doc.slice(next + 1)}`}`;
}
