/**
 * One piece of per-request work, repeated: `node --import tsx bench/parts-workload.ts <part> <n>`
 * runs a warm-up of 20,000 calls, then `n` more. bench/instructions.ts runs it under callgrind
 * with n = 0 and n = 20,000; the difference ÷ 20,000 is the part's instructions per call.
 */
import { createHmac, createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

// the compiled service's code (what runs in production), imported at run time so that type
// checks of a fresh clone do not need dist/
type KsModule = typeof import('../src/ks/index.js');
type MetricsModule = typeof import('../src/observability/service-metrics.js');
const dist = (path: string): string => new URL(`../dist/${path}`, import.meta.url).href;

/** The parts, each as the service does it on a request. */
export const PARTS = {
  'token HMAC-SHA256 (createHmac with a KeyObject)': 'hmac',
  'request metrics (counter + histogram, prom-client)': 'metrics',
  'request id (crypto.randomUUID)': 'uuid',
  'KS v2 (generateKs: SHA-1 + AES-128-CBC + fields)': 'ks',
} as const;

async function workload(part: string): Promise<() => unknown> {
  switch (part) {
    case 'hmac': {
      const key = createSecretKey(randomBytes(32));
      const token = randomBytes(48).toString('base64url').slice(0, 64);
      return () => createHmac('sha256', key).update(token, 'utf8').digest('hex');
    }
    case 'metrics': {
      const { ServiceMetrics } = (await import(dist('observability/service-metrics.js'))) as MetricsModule;
      const metrics = new ServiceMetrics();
      return () => metrics.observeHttp('GET', '/api/v1/services/kaltura', 200, 0.0031);
    }
    case 'uuid':
      return () => randomUUID();
    case 'ks': {
      const { generateKs } = (await import(dist('ks/index.js'))) as KsModule;
      const secret = randomBytes(16).toString('hex');
      return () => generateKs({ partnerId: 1234, secret, userId: 'user_42', type: 0, expirySeconds: 3600, privileges: 'edit:*,sview:*,list:*' });
    }
    default:
      throw new Error(`unknown part ${part}`);
  }
}

// run only as a script (bench/instructions.ts imports PARTS)
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === undefined) throw new Error('usage: parts-workload.ts <part> [n]');
  const run = await workload(process.argv[2]);
  const n = Number(process.argv[3] ?? 0);
  let sink: unknown;
  for (let i = 0; i < 20_000 + n; i++) sink = run();
  if (sink === Symbol.for('never')) process.stdout.write('unreachable\n');
}
