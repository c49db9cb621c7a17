/**
 * One load run with autocannon (programmatic, in the bench process; the servers under test run
 * in their own processes), reduced to the figures the report needs. Latency percentiles come
 * from every response's own time (autocannon's histogram keeps whole milliseconds only), and the
 * server's CPU time per request from /proc, which other processes on the machine do not skew.
 */
import autocannon, { type Request } from 'autocannon';
import { statCpuMs } from './child-process.js';

/** What to send: one request, or a list each connection walks through in turn. */
export interface LoadSpec {
  url: string;
  requests: Request[];
  connections: number;
  /** seconds; ignored when `amount` is set */
  durationS?: number;
  amount?: number;
  pipelining?: number;
  /** the server's process id, to report its CPU time per request */
  serverPid?: number;
}

/** The figures of one run. */
export interface LoadResult {
  /** mean requests per second (autocannon's per-second samples) */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  /** the server's CPU time (user + system) per request in microseconds; NaN when not measured */
  cpuUsPerRequest: number;
}

/** User + system CPU time of a process in milliseconds. */
function processCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/** The `q` quantile (0..1) of ascending `sorted` values (nearest rank). */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Runs autocannon and returns its figures; throws when any request failed. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let times = new Float64Array(1 << 16);
  let count = 0;
  const cpuBefore = spec.serverPid !== undefined ? processCpuMs(spec.serverPid) : 0;
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    pipelining: spec.pipelining ?? 1,
    timeout: 30,
    requests: spec.requests,
    ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.durationS ?? 10 }),
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
    if (count === times.length) {
      const grown = new Float64Array(times.length * 2);
      grown.set(times);
      times = grown;
    }
    times[count++] = responseTimeMs;
  });
  const result = await instance;
  const cpuUsPerRequest = spec.serverPid !== undefined ? ((processCpuMs(spec.serverPid) - cpuBefore) * 1000) / result.requests.total : Number.NaN;
  const failures = result.non2xx + result.errors + result.timeouts;
  if (failures > 0) {
    throw new Error(`load run had ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts (${spec.requests[0]?.method ?? 'GET'} ${spec.requests[0]?.path ?? '/'})`);
  }
  const sorted = times.subarray(0, count).sort();
  return { rps: result.requests.average, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), total: result.requests.total, cpuUsPerRequest };
}
