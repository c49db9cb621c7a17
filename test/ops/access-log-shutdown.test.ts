/**
 * The real service process at LOG_LEVEL=info: log lines are buffered and written asynchronously,
 * and a clean SIGTERM still writes every access-log line before the process exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openContext, seedIfEmpty } from '../../src/bootstrap.js';
import { startService } from '../process.js';
import { newSecretKey } from '../helper.js';

/** One GET over a fresh connection; resolves with its status and request id. */
function get(url: string, token: string): Promise<{ status: number; id: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, id: String(res.headers['x-request-id']) }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('access log of the real process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cks-access-log-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('loses no line on a clean SIGTERM: one line per request, every request id present', async () => {
    const env = { DATA_DIR: dataDir, SECRET_KEYS: newSecretKey(), LOG_LEVEL: 'info' };
    const ctx = await openContext(loadConfig(env), () => {});
    const first = (await seedIfEmpty(ctx))!;
    await ctx.close();
    const svc = await startService(env);
    const n = 300;
    const ids: string[] = [];
    try {
      for (let i = 0; i < n; i += 10) {
        const batch = await Promise.all(Array.from({ length: 10 }, () => get(`${svc.url}/api/v1/services/kaltura`, first.token)));
        for (const r of batch) {
          expect(r.status).toBe(200);
          ids.push(r.id);
        }
      }
    } finally {
      expect(await svc.stop('SIGTERM')).toBe(0);
    }
    const lines = svc
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const access = lines.filter((l) => l.msg === 'request' && l.path === '/api/v1/services/kaltura');
    expect(access).toHaveLength(n);
    expect(new Set(access.map((l) => l.reqId))).toEqual(new Set(ids));
    expect(svc.stdout()).not.toContain(first.token);
    // the shutdown's own lines come out too, after the access lines
    expect(lines[lines.length - 1]!.msg).not.toBe('request');
  });
});
