/**
 * Readiness: can this instance serve? The database answers `select 1` in time, and every
 * registered extra check (Redis when configured, …) passes.
 */
import { sql } from '../db/kysely.js';
import type { Db } from '../db/connect.js';

/** One check's verdict; `detail` is safe to show (no URL with credentials, no secret). */
export interface ReadinessResult {
  name: string;
  ok: boolean;
  /** serving, but with a fallback (e.g. Redis away: per-instance rate limits and caches) */
  degraded?: boolean;
  detail?: string;
}

/** A named readiness check; must settle (a timeout is applied around it anyway). */
export type ReadinessCheck = () => Promise<ReadinessResult>;

/** How long one check may take before it counts as failed. */
export const READINESS_TIMEOUT_MS = 2000;

/** Runs `check`, turning a throw or a timeout into a failed result named `name`. */
export async function runCheck(check: ReadinessCheck, name: string, timeoutMs = READINESS_TIMEOUT_MS): Promise<ReadinessResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ReadinessResult>((resolve) => {
    timer = setTimeout(() => resolve({ name, ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([check(), timeout]);
  } catch (err) {
    return { name, ok: false, detail: safeDetail(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** The database check: `select 1`. */
export function databaseCheck(db: Db): ReadinessCheck {
  return async function database() {
    await sql`select 1`.execute(db.kysely);
    return { name: 'database', ok: true, detail: db.dialect };
  };
}

/** A Redis check for an ioredis-like client: `PING` answered `PONG`. */
export function redisCheck(client: { ping(): Promise<string> }): ReadinessCheck {
  return async function redis() {
    const answer = await client.ping();
    return answer === 'PONG' ? { name: 'redis', ok: true } : { name: 'redis', ok: false, detail: 'unexpected PING answer' };
  };
}

/** The shared Redis connection's own verdict: `degraded` is reported but keeps the instance ready. */
export function sharedRedisCheck(redis: { check(): { status: 'ok' | 'degraded'; detail: string } }): ReadinessCheck {
  return async () => {
    const c = redis.check();
    return { name: 'redis', ok: true, ...(c.status === 'degraded' ? { degraded: true } : {}), detail: c.detail };
  };
}

/** Runs every check concurrently; ready when all pass. */
export async function checkReadiness(checks: readonly ReadinessCheck[], timeoutMs = READINESS_TIMEOUT_MS): Promise<{ ready: boolean; checks: ReadinessResult[] }> {
  const results = await Promise.all(checks.map((c, i) => runCheck(c, c.name || `check ${i + 1}`, timeoutMs)));
  return { ready: results.every((r) => r.ok), checks: results };
}

function safeDetail(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  // drop anything URL-shaped (a connection string may carry a password)
  const clean = message.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>').slice(0, 200);
  return typeof code === 'string' ? `${code}: ${clean}` : clean;
}
