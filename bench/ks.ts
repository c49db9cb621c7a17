/**
 * KS codec micro-benchmark (`npm run bench:ks`): KS v2 generations and verifications per second
 * on one core, beside a baseline loop that runs only the bare crypto primitives on the same bytes
 * (SHA-1 of the secret for the key, SHA-1 of random ‖ fields, AES-128-CBC of the padded plaintext).
 */
import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { generateKs, parseKs } from '../src/ks/index.js';

const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const OPTIONS = { partnerId: 1234, secret: SECRET, userId: 'john.doe@example.com', privileges: 'sview:0_abc123,list:*', expirySeconds: 3600 } as const;
const IV = Buffer.alloc(16);
const DURATION_MS = Number(process.env['KS_BENCH_MS'] ?? 4000);

/**
 * Operations per CPU second of `fn` over one slice of about `ms` milliseconds of this process's
 * CPU time (user + system), so other processes competing for the core do not skew the figure.
 */
function slice(fn: () => unknown, ms: number): number {
  let ops = 0;
  const start = process.cpuUsage();
  const budget = ms * 1000;
  let used = 0;
  while (used < budget) {
    for (let i = 0; i < 200; i++) fn();
    ops += 200;
    const d = process.cpuUsage(start);
    used = d.user + d.system;
  }
  return ops / (used / 1e6);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Baseline and codec run in alternating short slices, so a change of machine load hits both;
 * the ratio is the median of the per-slice ratios.
 */
function compare(label: string, baseline: () => unknown, codec: () => unknown): { base: number; codec: number; ratio: number } {
  for (let i = 0; i < 20_000; i++) {
    baseline();
    codec();
  }
  const rounds = 40;
  const base: number[] = [];
  const mine: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const first = r % 2 === 0;
    const a = first ? slice(baseline, DURATION_MS / rounds / 2) : 0;
    const b = slice(codec, DURATION_MS / rounds / 2);
    const c = first ? a : slice(baseline, DURATION_MS / rounds / 2);
    base.push(c);
    mine.push(b);
    ratios.push(b / c);
  }
  const result = { base: median(base), codec: median(mine), ratio: median(ratios) };
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(10);
  console.log(`${label.padEnd(10)} baseline ${fmt(result.base)} ops/s   codec ${fmt(result.codec)} ops/s   ratio ${result.ratio.toFixed(2)}`);
  return result;
}

// The same bytes the codec handles: plaintext of a KS with these options.
const sample = generateKs(OPTIONS);
const fields = `sview=0_abc123&list=%2A&_e=${Math.floor(Date.now() / 1000) + 3600}&_t=0&_u=john.doe%40example.com`;
const bodyLength = 20 + 16 + fields.length;
const plain = Buffer.alloc(Math.ceil(bodyLength / 16) * 16);
plain.write(fields, 36, 'latin1');
const ciphertext = (() => {
  const c = createCipheriv('aes-128-cbc', createHash('sha1').update(SECRET).digest().subarray(0, 16), IV).setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]);
})();

function baselineGenerate(): Buffer {
  const key = createHash('sha1').update(SECRET).digest().subarray(0, 16);
  createHash('sha1').update(plain.subarray(20, bodyLength)).digest().copy(plain, 0);
  const c = createCipheriv('aes-128-cbc', key, IV).setAutoPadding(false);
  return c.update(plain); // whole blocks, no padding: final() adds nothing
}

function baselineVerify(): Buffer {
  const key = createHash('sha1').update(SECRET).digest().subarray(0, 16);
  const d = createDecipheriv('aes-128-cbc', key, IV).setAutoPadding(false);
  const out = d.update(ciphertext);
  return createHash('sha1').update(out.subarray(20, bodyLength)).digest();
}

const lookup = { adminSecretsFor: (pid: string) => (pid === '1234' ? [SECRET] : null) };
if (!parseKs(sample, lookup).valid) throw new Error('benchmark KS does not verify');

console.log(`KS codec micro-benchmark — Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${process.platform}/${process.arch}`);
console.log(`KS v2 of ${Buffer.from(sample).length} chars, plaintext ${plain.length} bytes; 40 alternating slices, ${DURATION_MS} ms of CPU time per comparison, one core (single thread)`);
console.log('baseline = SHA-1(secret) + SHA-1(random ‖ fields) + AES-128-CBC over the same bytes; codec = generateKs / parseKs\n');
const generate = compare('generate', baselineGenerate, () => generateKs(OPTIONS));
const verify = compare('verify', baselineVerify, () => parseKs(sample, lookup));
const ok = generate.ratio >= 0.8 && verify.ratio >= 0.8;
console.log(`\ntarget ratio >= 0.80: ${ok ? 'met' : 'NOT met'}`);
