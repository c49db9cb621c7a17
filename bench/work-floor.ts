/**
 * What a server's own work per request costs it beyond the work itself, under the bench's load:
 * `node --import tsx bench/work-floor.ts <rounds> <seconds> <where>:<µs>[:cache]…`, e.g.
 * `… 4 4 arrival:0 arrival:10 arrival:25 answer:25 arrival:25:cache`. Each spec is a
 * bench/work-floor-server.ts process; they are loaded in turn, round after round, as the bench
 * loads its servers (50 connections, 10 callers' POSTs). Prints per round each server's CPU µs
 * per request, then per server the median and its excess: the median less the `arrival:0`
 * server's and less the work itself, i.e. what node:http, the kernel and the CPU's caches charge
 * on top of the work (docs/benchmarks.md, tenth round).
 */
import { spawnNode, waitForOutput } from './child-process.js';
import { runLoad } from './load.js';
import { median } from './stats.js';

const [roundsArg = '', secondsArg = '', ...specs] = process.argv.slice(2);
const rounds = Number(roundsArg);
const seconds = Number(secondsArg);
if (!(rounds > 0) || !(seconds > 0) || specs.length === 0) throw new Error('usage: work-floor.ts <rounds> <seconds> <arrival|answer>:<µs>[:cache]…');
if (!specs.includes('arrival:0')) specs.unshift('arrival:0');

const servers = [];
for (const spec of specs) {
  const child = spawnNode(['--import', 'tsx', 'bench/work-floor-server.ts', spec]);
  const m = await waitForOutput(child, /work-floor listening on (http:\/\/\S+)/);
  servers.push({ spec, url: m[1]!, child, pid: child.process.pid!, cpu: [] as number[] });
}
const requests = Array.from({ length: 10 }, (_, i) => ({ method: 'POST' as const, path: '/api/v1/services/kaltura_session', headers: { host: 'bench.example', authorization: `Bearer caller-${i}` } }));
try {
  for (const s of servers) await runLoad({ url: s.url, requests, connections: 50, durationS: 2 });
  for (let r = 1; r <= rounds; r++) {
    const line: string[] = [];
    for (const s of servers) {
      const x = await runLoad({ url: s.url, requests, connections: 50, durationS: seconds, serverPid: s.pid });
      s.cpu.push(x.cpuUsPerRequest);
      line.push(`${s.spec} ${x.cpuUsPerRequest.toFixed(1)} µs, p99 ${x.p99Ms.toFixed(2)} ms`);
    }
    process.stdout.write(`round ${r}: ${line.join(' | ')}\n`);
  }
  const base = median(servers[0]!.cpu);
  for (const s of servers) {
    const workUs = Number(s.spec.split(':')[1]);
    const m = median(s.cpu);
    process.stdout.write(`${s.spec}: median ${m.toFixed(1)} µs per request, excess over arrival:0 and the work ${(m - base - workUs).toFixed(1)} µs\n`);
  }
} finally {
  for (const s of servers) await s.child.stop();
}
