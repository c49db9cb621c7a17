/**
 * Property-based fuzzing of a running instance: 10,000 generated raw requests, malformed and
 * hostile in method, path, Host, query string, credentials, content type, encodings, framing
 * and JSON/form bodies. The service never answers 5xx (503 only for its documented Kaltura
 * cases), keeps answering in Canvas's error shape, does not crash, and its memory after a
 * memory-reducing GC (RSS without the empty young generation, and the live JS heap) ends within
 * 20% of where it started (why not plain RSS: fuzz/settled-memory.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT } from '../process.js';
import { fuzzRequestArb, type FuzzIdentity, type FuzzRequest } from './fuzz/request-arbitraries.js';
import { sendRaw, type RawResponse } from './fuzz/raw-http.js';
import type { TargetMessage } from './fuzz/fuzz-target.js';
import type { SettledMemory } from './fuzz/settled-memory.js';
import { leakRecorder } from './leak-scan/leak-recorder.js';

const REQUESTS = 10_000;
const BATCH = 10;
const DOCUMENTED_503 = new Set(['kaltura_not_configured', 'kaltura_unavailable']);

let child: ChildProcess;
let identity: FuzzIdentity;
let childOutput = '';

function nextMessage<T extends TargetMessage['type']>(type: T): Promise<Extract<TargetMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: TargetMessage) => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as Extract<TargetMessage, { type: T }>);
    };
    const onExit = (code: number | null) => reject(new Error(`the service exited (${code}) while waiting for ${type}\n${childOutput}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function memoryAfterGc(): Promise<SettledMemory> {
  const reply = nextMessage('memory');
  child.send({ type: 'memory' });
  return await reply;
}

const mib = (bytes: number) => (bytes / 1048576).toFixed(1);

/** Why a response is unacceptable, or null. */
function problemWith(req: FuzzRequest, res: RawResponse): string | null {
  if (res.status === null) return null; // the parser dropped the connection: no answer is not a 5xx
  if (res.status >= 500) {
    let code: unknown;
    try {
      code = (JSON.parse(res.body) as { errors?: Array<{ error_code?: unknown }> }).errors?.[0]?.error_code;
    } catch {
      code = undefined;
    }
    if (res.status === 503 && typeof code === 'string' && DOCUMENTED_503.has(code)) return null;
    return `${res.status} ${res.body.slice(0, 300)} for ${req.describe()}`;
  }
  // past the HTTP parser (the app set a request id), errors come in Canvas's shape
  if (res.status >= 400 && res.headers['x-request-id'] && res.body !== '') {
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      return `${res.status} with a non-JSON body ${JSON.stringify(res.body.slice(0, 200))} for ${req.describe()}`;
    }
    if (!body || typeof body !== 'object' || !('errors' in body)) return `${res.status} without "errors": ${res.body.slice(0, 200)} for ${req.describe()}`;
  }
  return null;
}

describe('fuzzing a running instance', () => {
  beforeAll(async () => {
    child = fork(join(ROOT, 'test/attack/fuzz/fuzz-target.ts'), [], {
      cwd: ROOT,
      execArgv: ['--expose-gc', '--import', 'tsx'],
      env: { ...process.env, LEAK_SCAN_DIR: inject('leakScanDir') ?? '' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.stdout!.on('data', (d: Buffer) => (childOutput += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (childOutput += d.toString()));
    const ready = await nextMessage('ready');
    identity = { port: ready.port, token: ready.token, userIds: ready.userIds };
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'close' });
      await exited;
    }
  });

  it(`answers ${REQUESTS} hostile requests without a 5xx or a crash, and its memory stays flat`, async () => {
    const arb = fc.array(fuzzRequestArb(identity), { minLength: BATCH, maxLength: BATCH });
    const outcomes: Record<string, number> = {};
    const statuses: Record<number, number> = {};
    let sent = 0;
    const property = fc.asyncProperty(arb, async (batch) => {
      const responses = await Promise.all(batch.map((req) => sendRaw(identity.port, req.bytes)));
      sent += batch.length;
      for (let i = 0; i < batch.length; i++) {
        const res = responses[i]!;
        // what the client saw, framework-level answers included, goes to the leak scan too
        if (res.status !== null) leakRecorder.recordResponse('raw response seen by the fuzz client', `HTTP ${res.status} ${JSON.stringify(res.headers)}`, res.body);
        outcomes[res.outcome] = (outcomes[res.outcome] ?? 0) + 1;
        if (res.status !== null) statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        const problem = problemWith(batch[i]!, res);
        if (problem) throw new Error(problem);
      }
      if (child.exitCode !== null) throw new Error(`the service died (${child.exitCode})`);
    });

    // warm up (JIT, caches, pools), then measure memory around the real run
    await fc.assert(property, { numRuns: 100, seed: 1 });
    const before = await memoryAfterGc();
    sent = 0;
    for (const k of Object.keys(outcomes)) delete outcomes[k];
    for (const k of Object.keys(statuses)) delete statuses[Number(k)];

    await fc.assert(property, { numRuns: REQUESTS / BATCH });
    expect(sent).toBeGreaterThanOrEqual(REQUESTS);

    const after = await memoryAfterGc();
    console.log(
      `fuzz (Node ${process.versions.node}): ${sent} requests; outcomes ${JSON.stringify(outcomes)}; statuses ${JSON.stringify(statuses)}; ` +
        `after GC: RSS without young generation ${mib(before.settledRss)} → ${mib(after.settledRss)} MiB, ` +
        `heap used ${mib(before.heapUsed)} → ${mib(after.heapUsed)} MiB ` +
        `(RSS ${mib(before.rss)} → ${mib(after.rss)}, young generation kept ${mib(before.youngGenerationCommitted)} → ${mib(after.youngGenerationCommitted)})`,
    );
    expect(child.exitCode).toBeNull();
    expect(after.settledRss).toBeLessThanOrEqual(before.settledRss * 1.2);
    expect(after.heapUsed).toBeLessThanOrEqual(before.heapUsed * 1.2);

    // still serving ordinary requests
    const ok = await fetch(`http://127.0.0.1:${identity.port}/api/v1/services/kaltura_session`, { method: 'POST', headers: { authorization: `Bearer ${identity.token}` } });
    expect(ok.status).toBe(200);
    // most requests reached the application (not only the HTTP parser)
    expect((statuses[200] ?? 0) + (statuses[401] ?? 0)).toBeGreaterThan(REQUESTS / 4);
  }, 240_000);
});
