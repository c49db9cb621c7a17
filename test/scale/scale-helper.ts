/**
 * Shared parts of the scale tests: whether PostgreSQL and Redis are here (skip with a reason,
 * or fail under CI=true), a private redis-server that a test may stop, a TCP proxy that can cut
 * the service off from PostgreSQL, and a keep-alive load loop that records every answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { postgresAvailable, PG_BASE_URL } from '../helper.js';

export const REDIS_TEST_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let redisUp: Promise<boolean> | undefined;

/** True when Redis answers PING; under CI=true a missing Redis is a failure, not a skip. */
export function redisAvailable(): Promise<boolean> {
  redisUp ??= (async () => {
    const client = new Redis(REDIS_TEST_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch (err) {
      if (process.env.CI === 'true') throw new Error(`Redis is required under CI but not reachable at ${REDIS_TEST_URL}: ${(err as Error).message}`);
      return false;
    } finally {
      client.disconnect();
    }
  })();
  return redisUp;
}

/** Why a scale test cannot run here (printed), or null when PostgreSQL and Redis both answer. */
export async function missingServices(needs: { postgres?: boolean; redis?: boolean }): Promise<string | null> {
  const missing: string[] = [];
  if (needs.postgres && !(await postgresAvailable())) missing.push('PostgreSQL');
  if (needs.redis && !(await redisAvailable())) missing.push(`Redis (${REDIS_TEST_URL})`);
  if (missing.length === 0) return null;
  const reason = `needs ${missing.join(' and ')}`;
  console.warn(`skipping scale tests: ${reason}`);
  return reason;
}

/** A REDIS_PREFIX no other test run uses. */
export function uniqueRedisPrefix(): string {
  return `cks-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/** A free TCP port on loopback (released before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A redis-server of the test's own, which the test may stop and start again on the same port. */
export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Starts `redis-server` on a free port, without persistence. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
    // wait until it answers (it takes a moment to bind)
    const deadline = Date.now() + 10_000;
    for (;;) {
      const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      client.on('error', () => {});
      try {
        await client.connect();
        if ((await client.ping()) === 'PONG') return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start: ${(err as Error).message}`);
      } finally {
        client.disconnect();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  await start();
  return { url, start, stop };
}

/** A loopback TCP proxy in front of `target`; `cut()` drops every connection and refuses new ones. */
export interface TcpProxy {
  port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port forwarding to `targetHost:targetPort`. */
export function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        cut: () => {
          open = false;
          for (const s of sockets) s.destroy();
        },
        restore: () => {
          open = true;
        },
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** One answer of the load loop. */
export interface Answer {
  requestId: string;
  status: number;
  body: string;
}

/** One POST /api/v1/services/kaltura_session with its own X-Request-Id; never rejects (status 0 = no answer). */
export function postSession(baseUrl: string, token: string, requestId: string, agent: http.Agent): Promise<Answer> {
  return new Promise<Answer>((resolve) => {
    const req = http.request(
      new URL('/api/v1/services/kaltura_session', baseUrl),
      { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'x-request-id': requestId, 'content-length': '0' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ requestId, status: res.statusCode ?? 0, body }));
        res.on('error', () => resolve({ requestId, status: 0, body }));
      },
    );
    req.on('error', (err) => resolve({ requestId, status: 0, body: err.message }));
    req.end();
  });
}

/**
 * POSTs `total` kaltura_session requests spread round-robin over `baseUrls`, `concurrency` at a
 * time over keep-alive connections, each with its own X-Request-Id; status 0 = no answer.
 */
export async function sessionLoad(baseUrls: string[], token: string, total: number, concurrency: number, runId: string): Promise<Answer[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const answers: Answer[] = [];
  let next = 0;
  const one = (i: number) => postSession(baseUrls[i % baseUrls.length]!, token, `${runId}-${i}`, agent);
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      answers.push(await one(i));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return answers;
}

/** fetch + JSON, for brevity. */
export async function call(url: string, init: RequestInit & { token?: string } = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

/** Runs one statement on the test PostgreSQL (behind the services' backs); `$1`… take `params`. */
export async function sqlOnTestDatabase(text: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: PG_BASE_URL });
  await client.connect();
  try {
    await client.query(text, params);
  } finally {
    await client.end();
  }
}

/** How many audit rows each request id of a run (ids `<runId>-…`) has in a schema's kaltura_sessions. */
export async function auditCountsByRequestId(schema: string, runId: string): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: PG_BASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ request_id: string; n: string }>(
      `select request_id, count(*) as n from "${schema}".kaltura_sessions where request_id like $1 group by request_id`,
      [`${runId}-%`],
    );
    return new Map(rows.map((r) => [r.request_id, Number(r.n)]));
  } finally {
    await client.end();
  }
}
