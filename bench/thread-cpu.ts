/**
 * Where a service process's CPU goes by thread (main JavaScript thread, V8's GC and compiler
 * helpers, libuv's pool) under load:
 * `node --import tsx bench/thread-cpu.ts [get|post|upload|media] [seconds] [connections, default 50]`.
 * A `--cpu-prof` profile sees only the main thread; this shows what it leaves out.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { requestsFor, seedDatabase } from './seed.js';
import { freshServiceData, startService } from './service-under-test.js';
import { runLoad } from './load.js';
import { statCpuMs } from './child-process.js';
import { SCENARIOS } from './scenarios.js';

const kind = process.argv[2] ?? 'get';
const seconds = Number(process.argv[3] ?? 6);
const connections = Number(process.argv[4] ?? 50);
const scenario = SCENARIOS.find((s) => s.id === kind);
if (scenario === undefined || !(seconds > 0) || !Number.isInteger(connections) || connections < 1) throw new Error(`usage: thread-cpu.ts [${SCENARIOS.map((s) => s.id).join('|')}] [seconds] [connections], not ${process.argv.slice(2).join(' ')}`);
const { method, path } = scenario;

/** CPU ms per thread name (threads of one name summed). */
function threads(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const key = tid === String(pid) ? 'main (JavaScript)' : name.replace(/\d+$/, 'N');
      out.set(key, (out.get(key) ?? 0) + statCpuMs(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // the thread ended
    }
  }
  return out;
}

const data = freshServiceData();
const seeded = await seedDatabase(data.env, { accounts: 1, tokens: 10 });
const requests = requestsFor(seeded.callers, method, path);
const service = await startService(data, '/api/v1/services/kaltura', requests[0]!.headers, { env: { LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info' } });
try {
  await runLoad({ url: service.url, requests, connections, durationS: 3 });
  const before = threads(service.pid);
  const r = await runLoad({ url: service.url, requests, connections, durationS: seconds, serverPid: service.pid });
  const after = threads(service.pid);
  process.stdout.write(`${method} ${path}: ${Math.round(r.rps)} req/s, ${r.cpuUsPerRequest.toFixed(1)} µs CPU per request\n`);
  for (const [name, ms] of [...after.entries()].sort((a, b) => b[1] - a[1])) {
    const us = ((ms - (before.get(name) ?? 0)) * 1000) / r.total;
    if (us > 0) process.stdout.write(`  ${name.padEnd(24)} ${us.toFixed(1)} µs/req\n`);
  }
} finally {
  await service.child.stop();
  data.remove();
}
