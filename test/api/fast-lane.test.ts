/**
 * The fast lane (src/http/fast-lane.ts) answers the Services API's common requests ahead of
 * Fastify. Two services over identical data, one with the lane (FAST_LANE=on) and one without,
 * get the same requests over HTTP; every answer must match: status, headers, body (the KS by its
 * decoded fields), the audit rows, the metrics, the access-log lines and the rate limits. And the
 * lane must really have answered the requests it is for, and left the others to Fastify.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKs } from '../../src/ks/index.js';
import { sql } from '../../src/db/kysely.js';
import { CANVAS_SPEC_SETTINGS, createTestApp, saveSettings, seedUser, testDatabases, type TestApp, type TestDatabase } from '../helper.js';
import { logCollector } from '../ops/support.js';
import { MediaObjectRepository } from '../../src/media/media-object-repository.js';
import { parseResponseAt } from '../attack/fuzz/raw-http.js';
import { loggerOptions } from '../../src/http/app.js';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string, from = '127.0.0.1'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', localAddress: from, port, method, path, headers }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers as Record<string, string>, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Writes `requests` (raw HTTP/1.1) on one connection from `from`, pipelined when `together`
 * (one write), else each after the previous answer; resolves with the answers' statuses and bodies.
 */
function onOneConnection(port: number, from: string, requests: string[], together: boolean): Promise<Array<{ status: number; body: string }>> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: from });
    const answers: Array<{ status: number; body: string }> = [];
    let buffered = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('connect', () => socket.write(together ? requests.join('') : requests[0]!));
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const answer = parseResponseAt(buffered);
        if (answer === null || !answer.complete) return;
        answers.push({ status: answer.status!, body: answer.body });
        buffered = buffered.subarray(answer.end);
        if (answers.length === requests.length) {
          socket.end();
          resolve(answers);
          return;
        }
        if (!together) socket.write(requests[answers.length]!);
      }
    });
  });
}

/** Headers that differ between any two answers (time, the request id when the client sent none; the length with the port). */
const VARYING = new Set(['date', 'x-request-id', 'content-length']);

/** The two services listen on different ports, which their absolute URLs name. */
const samePort = (text: string): string => text.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');

function comparableHeaders(a: Answer): Record<string, string> {
  if (a.headers['content-length'] !== undefined && a.body !== '') expect(Number(a.headers['content-length'])).toBe(Buffer.byteLength(a.body));
  return Object.fromEntries(Object.entries(a.headers).filter(([k]) => !VARYING.has(k)).map(([k, v]) => [k, samePort(String(v))]));
}

/** A session answer with its KS replaced by the KS's fields that do not vary per session. */
function comparableBody(a: Answer): unknown {
  if (!a.headers['content-type']?.startsWith('application/json') || a.body === '') return a.body;
  const body = JSON.parse(samePort(a.body)) as Record<string, unknown>;
  if (typeof body.ks === 'string') {
    const ks = parseKs(body.ks, { adminSecretsFor: () => [CANVAS_SPEC_SETTINGS.secret_key, CANVAS_SPEC_SETTINGS.user_secret_key] });
    expect(ks.valid).toBe(true);
    body.ks = { partnerId: ks.partnerId, userId: ks.userId, type: ks.type, privileges: ks.privileges, lifetime: ks.validUntil! - (body.serverTime as number) };
    expect(Math.abs((body.serverTime as number) - Date.now() / 1000)).toBeLessThan(60);
    delete body.serverTime;
    // the two services' accounts and users have UUIDs of their own
    const setting = body.kaltura_setting as Record<string, unknown> | undefined;
    if (setting && typeof setting.partner_data === 'string') setting.partner_data = setting.partner_data.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'uuid');
  }
  return body;
}

interface Side {
  t: TestApp;
  port: number;
  log: ReturnType<typeof logCollector>;
  token: string;
  adminToken: string;
  userId: number;
}

async function startSide(database: TestDatabase, fastLane: boolean): Promise<Side> {
  const log = logCollector('info');
  const t = await createTestApp({
    database,
    logger: log.logger,
    env: { FAST_LANE: fastLane ? 'on' : 'off', CACHE_TTL_MS: '5000', RATE_LIMIT_SESSION_PER_TOKEN: '8', RATE_LIMIT_SESSION_PER_IP: '1000', RATE_LIMIT_AUTH_FAILURES_PER_IP: '1000' },
  });
  await saveSettings(t.ctx, { ...CANVAS_SPEC_SETTINGS, session_mode: 'local' });
  const user = await seedUser(t.ctx, { userName: 'Student' });
  const admin = await seedUser(t.ctx, { accountId: user.account.id, userName: 'Admin', admin: true });
  // media objects Kaltura has described already (no listing calls it)
  const media = new MediaObjectRepository(t.ctx.db.kysely);
  const at = '2026-12-01T10:00:00.000Z';
  for (let i = 0; i < 3; i++) {
    const row = await media.insert({ rootAccountId: user.account.id, mediaId: `0_fastlan${i}`, mediaType: 'video', title: `Recording ${i}`, userEnteredTitle: null, contextCode: `user_${user.user.id}`, userId: user.user.id, createdAt: at, updatedAt: at });
    await media.update(row!.id, { duration: 60 + i, kalturaSyncedAt: at });
  }
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { t, port: (t.app.server.address() as { port: number }).port, log, token: user.token, adminToken: admin.token, userId: user.user.id };
}

/** The requests both sides get, in order; `lane` says whether the lane should answer it. */
function script(s: Side): Array<{ name: string; lane: boolean; method: string; path: string; headers: Record<string, string>; body?: string; from?: string }> {
  const auth = { authorization: `Bearer ${s.token}` };
  return [
    // the first request of a token fills the caches through Fastify's path
    { name: 'GET, caches cold', lane: false, method: 'GET', path: '/api/v1/services/kaltura', headers: auth },
    { name: 'GET', lane: true, method: 'GET', path: '/api/v1/services/kaltura', headers: auth },
    { name: 'GET .json with a request id', lane: true, method: 'GET', path: '/api/v1/services/kaltura.json', headers: { ...auth, 'x-request-id': 'lb-42.a' } },
    { name: 'POST', lane: true, method: 'POST', path: '/api/v1/services/kaltura_session', headers: auth },
    { name: 'POST with upload config', lane: true, method: 'POST', path: '/api/v1/services/kaltura_session?include_upload_config=1', headers: auth },
    { name: 'POST .json, include_upload_config=false', lane: true, method: 'POST', path: '/api/v1/services/kaltura_session.json?include_upload_config=false', headers: auth },
    { name: 'POST with a form body', lane: false, method: 'POST', path: '/api/v1/services/kaltura_session', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'include_upload_config=1' },
    { name: 'POST with an encoded query value', lane: false, method: 'POST', path: '/api/v1/services/kaltura_session?include_upload_config=%74rue', headers: auth },
    { name: 'GET with access_token', lane: false, method: 'GET', path: `/api/v1/services/kaltura?access_token=${s.token}`, headers: {} },
    { name: 'GET with an unknown parameter', lane: false, method: 'GET', path: '/api/v1/services/kaltura?x=1', headers: auth },
    { name: 'GET without a token', lane: false, method: 'GET', path: '/api/v1/services/kaltura', headers: {} },
    { name: 'HEAD', lane: false, method: 'HEAD', path: '/api/v1/services/kaltura', headers: auth },
    { name: 'GET as another user (admin)', lane: false, method: 'GET', path: `/api/v1/services/kaltura?as_user_id=${s.userId}`, headers: { authorization: `Bearer ${s.adminToken}` } },
    // media listings without sources: Fastify computes and keeps the answer, the lane sends what was kept
    { name: 'media listing, first', lane: false, method: 'GET', path: '/api/v1/media_objects?exclude[]=sources', headers: auth },
    { name: 'media listing, again', lane: true, method: 'GET', path: '/api/v1/media_objects?exclude[]=sources', headers: auth },
    { name: 'media listing, encoded, first', lane: false, method: 'GET', path: '/api/media_objects?exclude%5B%5D=sources&per_page=2&sort=created_at', headers: auth },
    { name: 'media listing, encoded, again', lane: true, method: 'GET', path: '/api/media_objects?exclude%5B%5D=sources&per_page=2&sort=created_at', headers: auth },
    { name: 'media listing with sources', lane: false, method: 'GET', path: '/api/v1/media_objects?exclude[]=tracks', headers: auth },
    { name: 'media listing as another user', lane: false, method: 'GET', path: `/api/v1/media_objects?exclude[]=sources&as_user_id=${s.userId}`, headers: { authorization: `Bearer ${s.adminToken}` } },
    // eight sessions per token in the window (five so far): the lane admits what is left, Fastify refuses the rest
    { name: 'POST, 6th of the token', lane: true, method: 'POST', path: '/api/v1/services/kaltura_session', headers: auth },
    { name: 'POST, 7th', lane: true, method: 'POST', path: '/api/v1/services/kaltura_session', headers: auth },
    { name: 'POST, 8th', lane: true, method: 'POST', path: '/api/v1/services/kaltura_session', headers: auth },
    { name: 'POST over the limit', lane: false, method: 'POST', path: '/api/v1/services/kaltura_session', headers: auth },
    // a client address that failed authentication is checked in full for the window
    { name: 'GET with a bad token', lane: false, method: 'GET', path: '/api/v1/services/kaltura', headers: { authorization: 'Bearer 1~nope' } },
    { name: 'GET after a failure from the same address', lane: false, method: 'GET', path: '/api/v1/services/kaltura', headers: auth },
    { name: 'GET from another address', lane: true, method: 'GET', path: '/api/v1/services/kaltura', headers: auth, from: '127.0.0.3' },
  ];
}

describe.each(await testDatabases())('fast lane on %s', (database) => {
  let lane: Side;
  let full: Side;
  beforeAll(async () => {
    [lane, full] = await Promise.all([startSide(database, true), startSide(database, false)]);
  });
  afterAll(async () => {
    await Promise.all([lane?.t.close(), full?.t.close()]);
  });

  it('gives every request the same answer as Fastify, and answers exactly the common ones itself', async () => {
    expect(lane.t.app.fastLane).not.toBeNull();
    expect(full.t.app.fastLane).toBeNull();
    const steps = script(lane);
    const fullSteps = script(full);
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      const before = lane.t.app.fastLane!.answered;
      const a = await send(lane.port, step.method, step.path, step.headers, step.body, step.from);
      const b = await send(full.port, fullSteps[i]!.method, fullSteps[i]!.path, fullSteps[i]!.headers, fullSteps[i]!.body, step.from);
      expect(lane.t.app.fastLane!.answered - before, step.name).toBe(step.lane ? 1 : 0);
      expect(a.status, step.name).toBe(b.status);
      expect(comparableHeaders(a), step.name).toEqual(comparableHeaders(b));
      expect(comparableBody(a), step.name).toEqual(comparableBody(b));
      if (step.headers['x-request-id']) expect(a.headers['x-request-id']).toBe(step.headers['x-request-id']);
      else expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(steps.filter((s) => s.lane).length).toBeGreaterThan(6);
  });

  it('writes the same audit rows, metrics and access-log lines', async () => {
    const rows = async (s: Side) =>
      (await sql<Record<string, unknown>>`select account_id, user_id, real_user_id, uid, mode, privileges, client_ip from kaltura_sessions order by id`.execute(s.t.ctx.db.kysely)).rows;
    const laneRows = await rows(lane);
    expect(laneRows.length).toBeGreaterThanOrEqual(7);
    expect(laneRows).toEqual(await rows(full));

    const series = async (s: Side) =>
      (await s.t.ctx.metrics.exposition()).body
        .split('\n')
        .filter((l) => l.startsWith('http_requests_total{') || l.startsWith('http_request_duration_seconds_count{') || l.startsWith('kaltura_sessions_minted_total') || l.startsWith('rate_limit_refusals_total'))
        .sort();
    const laneSeries = await series(lane);
    expect(laneSeries.some((l) => l.includes('route="/api/v1/services/kaltura_session"'))).toBe(true);
    expect(laneSeries).toEqual(await series(full));

    const access = (s: Side) =>
      s.log
        .lines()
        .filter((l) => l.msg === 'request')
        .map(({ reqId, ms, time, pid, hostname, ...rest }) => {
          expect(typeof reqId).toBe('string');
          expect(typeof ms).toBe('number');
          return rest;
        });
    const laneAccess = access(lane);
    expect(laneAccess.length).toBe(script(lane).length);
    expect(laneAccess).toEqual(access(full));
    // no line anywhere carries a token
    expect(lane.log.text()).not.toContain(lane.token);
  });

  it('answers requests that share a keep-alive connection, one after another and pipelined', async () => {
    // the lane reads each request it takes (src/http/fast-lane.ts): the connection must go on as before
    const raw = (s: Side, method: string, path: string) => `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nAuthorization: Bearer ${s.adminToken}\r\n\r\n`;
    const requests = (s: Side) => [
      raw(s, 'GET', '/api/v1/services/kaltura'),
      raw(s, 'POST', '/api/v1/services/kaltura_session'),
      raw(s, 'GET', '/api/v1/services/kaltura.json'),
      raw(s, 'GET', '/api/v1/services/kaltura'),
    ];
    // the admin's token cached (the lane takes only cached tokens), from an address that has not failed authentication
    await send(lane.port, 'GET', '/api/v1/services/kaltura', { authorization: `Bearer ${lane.adminToken}` }, undefined, '127.0.0.5');
    for (const together of [false, true]) {
      const before = lane.t.app.fastLane!.answered;
      const a = await onOneConnection(lane.port, '127.0.0.5', requests(lane), together);
      const b = await onOneConnection(full.port, '127.0.0.5', requests(full), together);
      expect(lane.t.app.fastLane!.answered - before).toBe(4);
      expect(a.map((x) => x.status)).toEqual([200, 200, 200, 200]);
      expect(b.map((x) => x.status)).toEqual([200, 200, 200, 200]);
      expect(JSON.parse(a[1]!.body)).toMatchObject({ ks: expect.any(String), partner_id: expect.anything() });
      expect(a[0]!.body).toBe(b[0]!.body);
      expect(a[3]!.body).toBe(a[0]!.body);
    }
  });

  it('answers a failure the way Fastify does: a stored error report and a 500 in Canvas shape', async () => {
    for (const s of [lane, full]) await sql`drop table kaltura_sessions cascade`.execute(s.t.ctx.db.kysely).catch(async () => sql`drop table kaltura_sessions`.execute(s.t.ctx.db.kysely));
    const before = lane.t.app.fastLane!.answered;
    // a fresh token's window: the limit above is spent for the first one
    // from an address that has not failed authentication (the first test's did)
    const post = (s: Side) => send(s.port, 'POST', '/api/v1/services/kaltura_session', { authorization: `Bearer ${s.adminToken}` }, undefined, '127.0.0.4');
    const a = await post(lane);
    const a2 = await post(lane);
    const b = await post(full);
    await post(full);
    expect(lane.t.app.fastLane!.answered - before).toBe(2);
    for (const x of [a, a2, b]) {
      expect(x.status).toBe(500);
      expect(JSON.parse(x.body)).toEqual({ errors: [{ message: 'An error occurred.', error_code: 'internal_server_error' }], error_report_id: expect.any(Number) });
    }
    expect(comparableHeaders(a2)).toEqual(comparableHeaders(b));
    const reports = (await sql<{ request_id: string }>`select request_id from error_reports order by id`.execute(lane.t.ctx.db.kysely)).rows;
    expect(reports.map((r) => r.request_id)).toEqual([a.headers['x-request-id'], a2.headers['x-request-id']]);
  });
});

describe('fast lane, a request whose work throws', () => {
  it('closes that request’s connection, logs the error and goes on answering', async () => {
    // a log destination that cannot take one request's access-log line (a full disk, a closed pipe)
    const lines: string[] = [];
    const sink = {
      write(line: string) {
        if (line.includes('"reqId":"log-fails') && line.includes('"msg":"request"')) throw new Error('no space left on device');
        lines.push(line);
        return true;
      },
    };
    const t = await createTestApp({ logger: loggerOptions('info', sink), env: { FAST_LANE: 'on', CACHE_TTL_MS: '5000' } });
    try {
      await saveSettings(t.ctx, { ...CANVAS_SPEC_SETTINGS, session_mode: 'local' });
      const user = await seedUser(t.ctx, { userName: 'Student' });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const port = (t.app.server.address() as { port: number }).port;
      const auth = { authorization: `Bearer ${user.token}` };
      // the token cached through Fastify's path, so the lane takes the next ones
      expect((await send(port, 'GET', '/api/v1/services/kaltura', auth)).status).toBe(200);
      const before = t.app.fastLane!.answered;

      // a GET (its answer written at the end of the turn) and a POST (written after its audit commit)
      for (const [method, path, id] of [
        ['GET', '/api/v1/services/kaltura', 'log-fails'],
        ['POST', '/api/v1/services/kaltura_session', 'log-fails-post'],
      ] as const) {
        const closed = await new Promise<{ answer: string; closed: boolean }>((resolve, reject) => {
          const socket = connect({ host: '127.0.0.1', port });
          let answer = '';
          socket.on('error', reject);
          socket.on('data', (d: Buffer) => (answer += d.toString()));
          socket.on('close', () => resolve({ answer, closed: true }));
          socket.on('connect', () => socket.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${user.token}\r\nX-Request-Id: ${id}\r\n\r\n`));
        });
        // the answer was written before its log line failed; then the connection was closed, not kept alive
        expect(closed.answer).toMatch(/^HTTP\/1\.1 200 /);
        expect(closed.closed).toBe(true);
      }
      const errors = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'fast lane: could not answer a request');
      expect(errors).toEqual(['log-fails', 'log-fails-post'].map((reqId) => expect.objectContaining({ level: 50, reqId, err: expect.objectContaining({ message: 'no space left on device' }) })));

      // the process is up and the lane answers the next requests
      const next = await Promise.all([send(port, 'GET', '/api/v1/services/kaltura', auth), send(port, 'POST', '/api/v1/services/kaltura_session', auth)]);
      expect(next.map((a) => a.status)).toEqual([200, 200]);
      expect(t.app.fastLane!.answered - before).toBe(4);
    } finally {
      await t.close();
    }
  });
});
