/**
 * PostgreSQL cut off under load (a TCP proxy between the service and the database drops every
 * connection and refuses new ones for a few seconds): requests in flight fail with 503 in
 * Canvas's error shape (never a 500 or a 401), the service recovers by itself when the database
 * is back, and no acknowledged write is lost (every 200 is in the audit log exactly once).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANVAS_SPEC_SETTINGS, freshDatabase, newSecretKey, PG_BASE_URL } from '../helper.js';
import { eventually, startService, type ServiceProcess } from '../process.js';
import { auditCountsByRequestId, call, missingServices, postSession, startTcpProxy, type Answer, type TcpProxy } from './scale-helper.js';

const skip = await missingServices({ postgres: true });

describe.skipIf(skip !== null)('PostgreSQL outage under load', () => {
  let proxy: TcpProxy;
  let svc: ServiceProcess;
  let token: string;
  let schema: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = freshDatabase('postgres');
    drop = db.drop;
    schema = new URL(db.url).searchParams.get('schema')!;
    const target = new URL(PG_BASE_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(db.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    svc = await startService({
      DATABASE_URL: viaProxy.toString(),
      DATA_DIR: db.dataDir,
      SECRET_KEYS: newSecretKey(),
      RATE_LIMIT_SESSION_PER_TOKEN: '0',
      RATE_LIMIT_SESSION_PER_IP: '0',
      LOG_LEVEL: 'info',
    });
    token = /access token \(shown once, keep it safe\): (\S+)/.exec(svc.stdout())![1]!;
    const put = await call(`${svc.url}/api/v1/kaltura_settings`, { method: 'PUT', token, body: JSON.stringify({ settings: CANVAS_SPEC_SETTINGS, enabled: true }) });
    expect(put.status).toBe(200);
  }, 30_000);

  afterAll(async () => {
    const code = await svc?.stop();
    await proxy?.close();
    await drop?.();
    expect(code).toBe(0);
  });

  it('answers 503 while the database is gone, recovers without a restart, and loses no acknowledged write', async () => {
    const runId = `pgcut-${randomBytes(4).toString('hex')}`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const answers: Answer[] = [];
    let n = 0;
    let running = true;
    const post = (requestId: string) => postSession(svc.url, token, requestId, agent);
    const worker = async () => {
      while (running) answers.push(await post(`${runId}-${n++}`));
    };
    const workers = Array.from({ length: 16 }, worker);

    await eventually(async () => answers.filter((a) => a.status === 200).length >= 200, 10_000, 20);
    proxy.cut();
    const cutAt = answers.length;
    await eventually(async () => answers.slice(cutAt).filter((a) => a.status === 503).length >= 20, 10_000, 20);
    await new Promise((r) => setTimeout(r, 2000));
    proxy.restore();
    const restoredAt = answers.length;
    const recovered = await eventually(async () => answers.slice(restoredAt).filter((a) => a.status === 200).length >= 200, 20_000, 50);
    running = false;
    await Promise.all(workers);
    agent.destroy();
    expect(recovered).toBe(true);

    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses].sort()).toEqual([200, 503]);
    for (const a of answers.filter((x) => x.status === 503)) {
      expect(JSON.parse(a.body)).toEqual({ errors: [{ message: 'The service is temporarily unavailable; try again shortly.', error_code: 'service_unavailable' }] });
    }
    // the last answers are all successes: it recovered by itself
    expect(answers.slice(-50).every((a) => a.status === 200)).toBe(true);
    expect((await call(`${svc.url}/health/ready`)).status).toBe(200);

    const audited = await auditCountsByRequestId(schema, runId);
    const acknowledged = answers.filter((a) => a.status === 200).map((a) => a.requestId);
    expect(acknowledged.filter((id) => audited.get(id) !== 1)).toEqual([]);
    // a write may have committed while its answer was lost to the cut, but never twice
    expect([...audited.values()].every((c) => c === 1)).toBe(true);
  }, 60_000);
});
