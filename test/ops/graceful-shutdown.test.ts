/**
 * The real service process: SIGTERM while a session request is in flight (remote mode, Kaltura
 * answering after 1.5 s) lets that request finish with 200, refuses new connections, and exits 0.
 * The same process serves /metrics on its own METRICS_PORT listener, not on the main port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startKalturaDouble } from '../kaltura-double/kaltura-double.js';
import { loadConfig } from '../../src/config.js';
import { openContext, seedIfEmpty } from '../../src/bootstrap.js';
import { eventually, startService } from '../process.js';
import { newSecretKey, settingsForDouble } from '../helper.js';

const PARTNER = { partnerId: 4321, adminSecret: 'graceful-admin-secret-77', userSecret: 'graceful-user-secret-88' };
const METRICS_TOKEN = 'graceful-metrics-token';

/** Resolves true when a new TCP connection to `port` is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

describe('graceful shutdown of the real process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cks-graceful-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('finishes the request in flight with 200, refuses new connections, exits 0', async () => {
    const kaltura = await startKalturaDouble({ partners: [PARTNER] });
    try {
      const env = { DATA_DIR: dataDir, SECRET_KEYS: newSecretKey(), CACHE_TTL_MS: '0', METRICS_PORT: '0', METRICS_TOKEN };
      // state prepared through the same code the CLI uses: default account, admin token, remote settings
      const ctx = await openContext(loadConfig(env), () => {});
      const first = (await seedIfEmpty(ctx))!;
      const saved = await ctx.settings.update(null, settingsForDouble(kaltura.port, PARTNER, { session_mode: 'remote', kaltura_timeout_ms: '8000' }));
      expect(saved.ok).toBe(true);
      await ctx.close();

      const svc = await startService(env);
      let exitCode: number | null | undefined;
      try {
        const port = Number(new URL(svc.url).port);
        const auth = { authorization: `Bearer ${first.token}` };

        // metrics: on their own listener (with the token), not on the main port
        const listening = await eventually(async () => /"msg":"metrics listening"/.test(svc.stdout()), 5000);
        expect(listening).toBe(true);
        const metricsUrl = /"url":"(http:\/\/[0-9.:]+)","msg":"metrics listening"/.exec(svc.stdout())![1]!;
        expect((await fetch(`${svc.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(404);
        expect((await fetch(`${metricsUrl}/metrics`)).status).toBe(401);
        const scraped = await fetch(`${metricsUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
        expect(scraped.status).toBe(200);
        expect(await scraped.text()).toContain('# TYPE http_requests_total counter');

        kaltura.setFault({ kind: 'latency', ms: 1500 }, { operation: 'session.start' });
        kaltura.clearRecords();
        const inFlight = fetch(`${svc.url}/api/v1/services/kaltura_session`, { method: 'POST', headers: auth });
        expect(await eventually(async () => kaltura.requests.length > 0, 5000, 20)).toBe(true);

        const exited = new Promise<number | null>((resolve) => svc.child.once('exit', (code) => resolve(code)));
        svc.child.kill('SIGTERM');
        expect(await eventually(() => refused(port), 5000, 20)).toBe(true);

        const res = await inFlight;
        expect(res.status).toBe(200);
        const body = (await res.json()) as { ks: string; uid: string };
        expect(body.uid).toBe(`${first.userId}_${first.accountId}`);
        expect(body.ks.length).toBeGreaterThan(40);

        exitCode = await exited;
        expect(exitCode).toBe(0);
        expect(svc.stdout()).toMatch(/shutting down: finishing requests in flight/);
        expect(await refused(Number(new URL(metricsUrl).port))).toBe(true);
      } finally {
        if (exitCode === undefined) await svc.stop('SIGKILL');
      }
    } finally {
      await kaltura.close();
    }
  });
});
