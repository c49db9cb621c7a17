/**
 * Rate limits (OWASP: limit what can be abused, answer 429 with Retry-After):
 * - the session endpoint, per access token and per client IP;
 * - failed authentication per client IP: every 401 for a bad token counts, and once an IP has
 *   used up its allowance, its requests that present a token are refused with 429 before the
 *   token is even looked at (no more guessing), until the window passes.
 * With Redis (pass an ioredis client) every instance shares the counters through
 * @fastify/rate-limit's store. Without, the failed-authentication counts stay in its in-memory
 * store and the session limits count in a WindowCounter, checked without a promise.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { ApiError } from '../../canvas/api-error.js';
import type { ServiceMetrics } from '../../observability/service-metrics.js';
import { param } from '../request-params.js';
import { fallbackRateLimitStore } from '../../redis/fallback-rate-limit-store.js';
import { ExpiringKeySet } from '../expiring-key-set.js';
import { WindowCounter } from '../window-counter.js';

/** Limits per window; 0 turns a limit off. */
export interface RateLimitSettings {
  sessionPerToken: number;
  sessionPerIp: number;
  authFailuresPerIp: number;
  windowMs: number;
}

export interface RateLimitOptions {
  limits: RateLimitSettings;
  /** shared store for several instances; in-memory when absent */
  redis?: Redis | null;
  /** key prefix in Redis (default `cks-rate-limit:`) */
  nameSpace?: string;
  metrics?: ServiceMetrics;
}

/** Routes (Fastify patterns) counted by the session limits. */
/** Paths that read an access token: the API, and Canvas's media pages (`/media_objects…`, the player page). */
export function takesTokens(url: string): boolean {
  return url.startsWith('/api/') || url.startsWith('/media_objects');
}

export const SESSION_ROUTES: ReadonlySet<string> = new Set(['/api/v1/services/kaltura_session']);

type Limiter = (request: FastifyRequest, options?: { increment?: boolean }) => Promise<{ isAllowed: boolean; remaining?: number; ttl?: number; isExceeded?: boolean }>;

/** How many client keys with a recent failed authentication one instance remembers. */
export const RECENT_FAILURES_MAX = 50_000;

/** The client's rate-limit key: IPv4 as is (no regex); IPv6 by /64, IPv4-mapped IPv6 as IPv4. */
export function clientKey(ip: string): string {
  return ip.indexOf(':') < 0 ? ip : normalizeIP(ip);
}

/** Canvas-shaped 429 with Retry-After (whole seconds, at least 1). */
export function rateLimitExceeded(ttlMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
  return ApiError.of(429, `Rate limit exceeded; try again in ${seconds} seconds.`, 'rate_limit_exceeded', {}, { 'retry-after': String(seconds) });
}

/** True when the request presents a credential (a Bearer header or an `access_token` parameter). */
function presentsToken(request: FastifyRequest): boolean {
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && auth.trim() !== '') return true;
  const p = param(request, 'access_token');
  return typeof p === 'string' && p !== '';
}

/**
 * What the fast lane (src/http/fast-lane.ts) asks of the limits before it answers a request
 * itself; whenever the answer is not a plain yes, the request takes Fastify's full path, where
 * the hooks below count and refuse.
 */
export interface RateLimitGate {
  /** True when the client failed authentication within the window (its requests are checked in full). */
  recentlyFailed(ip: string): boolean;
  /**
   * Counts a session for `ip` and `tokenId` and returns true when both stay within their limits;
   * counts nothing and returns false when one would be exceeded, or when the counts live in Redis.
   */
  admitSession(ip: string, tokenId: number): boolean;
}

/** Installs the limits on the root app; call after authentication is installed, before the routes. */
export async function installRateLimits(app: FastifyInstance, opts: RateLimitOptions): Promise<RateLimitGate> {
  const { limits } = opts;
  await app.register(rateLimit, {
    global: false,
    timeWindow: limits.windowMs,
    // Redis counters shared by instances, per-instance counters while Redis is away (src/redis)
    ...(opts.redis ? { store: fallbackRateLimitStore(opts.redis, opts.nameSpace ?? 'cks-rate-limit:') } : {}),
    // a store outage must not take the service down: serve without limits, say so in the log
    skipOnError: true,
  });
  const make = (name: string, max: number, key: (request: FastifyRequest) => string): Limiter =>
    app.createRateLimit({ max, timeWindow: limits.windowMs, keyGenerator: (request: FastifyRequest) => `${name}:${key(request)}` }) as Limiter;

  const refusal = (limit: string, ttl: number | undefined, request: FastifyRequest): ApiError => {
    opts.metrics?.rateLimited.inc({ limit });
    request.log.info({ limit }, 'rate limit exceeded');
    return rateLimitExceeded(ttl ?? limits.windowMs);
  };
  const refuse = (limit: string, ttl: number | undefined, request: FastifyRequest): never => {
    throw refusal(limit, ttl, request);
  };

  const client = (r: FastifyRequest) => clientKey(r.ip);
  const authFailures = limits.authFailuresPerIp > 0 ? make('auth-fail', limits.authFailuresPerIp, client) : null;
  // with Redis the session limits use its shared store; without, WindowCounters (below)
  const sessionIp = opts.redis && limits.sessionPerIp > 0 ? make('session-ip', limits.sessionPerIp, client) : null;
  const sessionToken = opts.redis && limits.sessionPerToken > 0 ? make('session-token', limits.sessionPerToken, (r) => String(r.identity?.token.id)) : null;

  let recentFailures: ExpiringKeySet | null = null;
  let ipCounts: WindowCounter | null = null;
  let tokenCounts: WindowCounter | null = null;

  if (authFailures) {
    // Clients that failed here within the window (kept at least as long as the store's count).
    // Only those are looked up in the store, so a client without failures costs no store read;
    // with a shared store, a client that failed only on other instances is checked here from
    // its first failure on this instance. Past RECENT_FAILURES_MAX failing clients in a window the
    // least recent is forgotten, which again costs it one unchecked attempt, not a reset count.
    const failures = (recentFailures = new ExpiringKeySet(limits.windowMs, RECENT_FAILURES_MAX));
    // preValidation runs before every preHandler, so before the token is checked; callback
    // hooks, so the common case allocates no promise
    app.addHook('preValidation', (request, _reply, done) => {
      if (!takesTokens(request.url) || !failures.has(client(request), Date.now()) || !presentsToken(request)) return done();
      authFailures(request, { increment: false }).then(
        (status) => done(!status.isAllowed && (status.remaining ?? 1) <= 0 ? refusal('auth_failures_per_ip', status.ttl, request) : undefined),
        done,
      );
    });
    // an onError hook: requests that succeed pay nothing; it runs before the 401 is sent, so the
    // failure is counted before the client can try again
    app.addHook('onError', (request, _reply, error, done) => {
      if (!(error instanceof ApiError) || error.statusCode !== 401 || error.headers['www-authenticate'] === undefined || !takesTokens(request.url) || !presentsToken(request)) return done();
      failures.add(client(request), Date.now());
      authFailures(request).then(() => done(), () => done());
    });
  }

  if (limits.sessionPerIp > 0 || limits.sessionPerToken > 0) {
    // A pre-handler of the session routes only (other routes do not pay for it). Route hooks run
    // after the app's, so authentication has run and the token's id is known.
    let sessionLimits: (request: FastifyRequest, reply: unknown, done: (err?: Error) => void) => void;
    if (!opts.redis) {
      // one instance: counters in memory, checked without a promise (src/http/window-counter.ts)
      ipCounts = limits.sessionPerIp > 0 ? new WindowCounter(limits.windowMs) : null;
      tokenCounts = limits.sessionPerToken > 0 ? new WindowCounter(limits.windowMs) : null;
      const ips = ipCounts;
      const tokens = tokenCounts;
      sessionLimits = (request, _reply, done) => {
        const now = Date.now();
        if (ips) {
          const s = ips.hit(client(request), now);
          if (s.count > limits.sessionPerIp) return done(refusal('session_per_ip', s.ttlMs, request));
        }
        if (tokens && request.identity) {
          const s = tokens.hit(String(request.identity.token.id), now);
          if (s.count > limits.sessionPerToken) return done(refusal('session_per_token', s.ttlMs, request));
        }
        done();
      };
    } else {
      const check = async (request: FastifyRequest): Promise<void> => {
        if (sessionIp) {
          const s = await sessionIp(request);
          if (!s.isAllowed && s.isExceeded) refuse('session_per_ip', s.ttl, request);
        }
        if (sessionToken && request.identity) {
          const s = await sessionToken(request);
          if (!s.isAllowed && s.isExceeded) refuse('session_per_token', s.ttl, request);
        }
      };
      sessionLimits = (request, _reply, done) => void check(request).then(() => done(), done);
    }
    app.addHook('onRoute', (route) => {
      if (!SESSION_ROUTES.has(route.url)) return;
      const own = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
      route.preHandler = [sessionLimits, ...own] as typeof route.preHandler;
    });
  }

  const sharedSessionCounts = opts.redis != null && (limits.sessionPerIp > 0 || limits.sessionPerToken > 0);
  return {
    recentlyFailed: (ip) => recentFailures !== null && recentFailures.has(clientKey(ip), Date.now()),
    admitSession: (ip, tokenId) => {
      if (sharedSessionCounts) return false;
      const now = Date.now();
      const ipKey = ipCounts ? clientKey(ip) : '';
      const tokenKey = String(tokenId);
      if (ipCounts && ipCounts.count(ipKey, now) >= limits.sessionPerIp) return false;
      if (tokenCounts && tokenCounts.count(tokenKey, now) >= limits.sessionPerToken) return false;
      ipCounts?.hit(ipKey, now);
      tokenCounts?.hit(tokenKey, now);
      return true;
    },
  };
}
