/**
 * The benchmark harness's own logic: the bare baseline answers exactly the canned bytes, the
 * report takes medians of per-round ratios and judges targets, and a docs section is swapped in
 * place without touching the rest of the file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { createBaselineServer } from '../../bench/baseline-server.js';
import { summarize, writeSection } from '../../bench/report.js';
import type { LoadResult } from '../../bench/load.js';
import { SERVICE_NODE_FLAGS } from '../../bench/service-under-test.js';

const cleanups: Array<() => void> = [];

/** One request with a Host header (fetch drops it) and an optional body. */
function send(url: string, method: string, host: string, body?: string): Promise<{ status: number; type: string; length: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { host }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), length: Number(res.headers['content-length']), text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.once('error', reject);
    req.end(body);
  });
}
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

describe('bench: bare node:http baseline', () => {
  it('answers the canned bytes, status and content type; reads a POST body first; 404 otherwise', async () => {
    const body = '{"ks":"djJ8MTIzNHw","subp_id":"123400","partner_id":"1234","uid":"u_1","serverTime":1}';
    const server = createBaselineServer({
      'GET a.test /api/v1/services/kaltura': { status: 200, contentType: 'application/json; charset=utf-8', body: '{"enabled":true}' },
      'POST a.test /api/v1/services/kaltura_session': { status: 200, contentType: 'application/json; charset=utf-8', body },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => void server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const get = await send(`${url}/api/v1/services/kaltura`, 'GET', 'a.test');
    expect([get.status, get.type, get.text]).toEqual([200, 'application/json; charset=utf-8', '{"enabled":true}']);
    const post = await send(`${url}/api/v1/services/kaltura_session`, 'POST', 'a.test', 'x='.padEnd(100_000, 'y'));
    expect([post.status, post.length, post.text]).toEqual([200, Buffer.byteLength(body), body]);
    const other = await send(`${url}/api/v1/services/kaltura`, 'GET', 'b.test');
    expect(other.status).toBe(404);
  });
});

describe('bench: report', () => {
  const run = (rps: number, p99Ms: number, cpuUsPerRequest: number): LoadResult => ({ rps, p50Ms: p99Ms / 2, p99Ms, total: rps * 10, cpuUsPerRequest });

  it('takes the median of the per-round ratios (A B A B …) against the bare server and judges the targets', () => {
    const [bare, service, floor] = summarize({
      label: 'GET',
      servers: [
        { id: 'bare', label: 'bare', cpuTarget: null, p99Factor: null, rounds: [run(10_000, 5, 50), run(20_000, 4, 25), run(10_000, 5, 50)] },
        { id: 'info', label: 'service', cpuTarget: 0.6, p99Factor: 2, rounds: [run(9_000, 9, 60), run(10_000, 12, 100), run(8_500, 11, 60)] },
        { id: 'floor', label: 'floor', cpuTarget: null, p99Factor: null, rounds: [run(1, 1, 1), run(1, 1, 1), run(1, 1, 1)] },
      ],
    });
    // per-round req/s ratios 0.9, 0.5, 0.85 → median 0.85 (not 9,000 / 10,000 from the medians)
    expect(service!.rpsRatio).toBeCloseTo(0.85, 10);
    // per-round CPU ratios 50/60, 25/100, 50/60 → median 0.833
    expect(service!.cpuRatio).toBeCloseTo(50 / 60, 10);
    expect(service!.cpuMet).toBe(true);
    // per-round p99 ratios 1.8, 3, 2.2 → median 2.2 > 2
    expect(service!.p99Ratio).toBeCloseTo(2.2, 10);
    expect(service!.p99Met).toBe(false);
    expect(service!.p99).toBe(11);
    expect(bare!.cpuRatio).toBe(1);
    expect([floor!.cpuMet, floor!.p99Met]).toEqual([null, null]);
  });

  it('swaps a docs section in place, or adds it after a named one, leaving the rest alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cks-bench-docs-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'benchmarks.md');
    writeFileSync(file, '# Benchmarks\n\n<!-- bench:http -->\nold\n<!-- /bench:http -->\n\n## Written by hand\nkept\n');
    writeSection(file, 'http', 'new figures');
    writeSection(file, 'instructions', 'counts', 'http');
    expect(readFileSync(file, 'utf8')).toBe(
      '# Benchmarks\n\n<!-- bench:http -->\nnew figures\n<!-- /bench:http -->\n\n<!-- bench:instructions -->\ncounts\n<!-- /bench:instructions -->\n\n## Written by hand\nkept\n',
    );
  });
});

describe('bench: the service as production starts it', () => {
  it('runs the service with the Node flags of `npm start`', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['start']).toBe(`node ${SERVICE_NODE_FLAGS.join(' ')} dist/server.js`);
  });
});
