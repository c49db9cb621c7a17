/**
 * Environment → typed, validated configuration. Fails fast with one clear message per problem.
 * Every variable is listed in the README's "Configuration" table.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''].includes(v), 'must be true or false')
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const BOOL_WORDS = ['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'];

/** An IPv4/IPv6 address, or one with a /prefix (CIDR). */
function isAddressOrCidr(value: string): boolean {
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash < 0) return true;
  const prefix = value.slice(slash + 1);
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: true/false, or the proxies' addresses and CIDRs (comma-separated), as Fastify's
 * `trustProxy` takes them: X-Forwarded-* is believed only from a connection from one of those.
 */
const trustProxy = z
  .string()
  .trim()
  .transform((v, ctx): boolean | string[] => {
    if (v === '' || BOOL_WORDS.includes(v.toLowerCase())) return ['1', 'true', 'yes', 'on'].includes(v.toLowerCase());
    const list = v.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = list.filter((s) => !isAddressOrCidr(s));
    if (bad.length > 0 || list.length === 0) {
      ctx.addIssue({ code: 'custom', message: `must be true, false, or proxy addresses/CIDRs separated by commas (not ${JSON.stringify(bad.join(',') || v)})` });
      return z.NEVER;
    }
    return list;
  });

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().min(1).optional(),
  DATABASE_POOL_SIZE: int(1, 500).default(10),
  SECRET_KEYS: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: trustProxy.default(false),
  CACHE_TTL_MS: int(0, 5000).default(2000),
  REDIS_URL: z.string().optional(),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'letters, digits and : _ . - only (at most 64)').default('canvas-kaltura:'),
  CORS_ORIGINS: z.string().default(''),
  METRICS_TOKEN: z.string().optional(),
  METRICS_PORT: int(0, 65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  RATE_LIMIT_SESSION_PER_TOKEN: int(0, 1_000_000).default(60),
  RATE_LIMIT_SESSION_PER_IP: int(0, 1_000_000).default(600),
  RATE_LIMIT_AUTH_FAILURES_PER_IP: int(0, 1_000_000).default(20),
  RATE_LIMIT_WINDOW_MS: int(1000, 24 * 3600 * 1000).default(60_000),
  BODY_LIMIT_BYTES: int(1024, 10 * 1024 * 1024).default(65536),
  FAST_LANE: bool.default(true),
  KALTURA_BREAKER_FAILURES: int(1, 1000).default(5),
  KALTURA_BREAKER_COOLDOWN_MS: int(100, 3_600_000).default(30_000),
});

/** The service's configuration, read once at start. */
export interface Config {
  env: string;
  production: boolean;
  port: number;
  host: string;
  dataDir: string;
  /** A file path for SQLite (the default) or a `postgres://` URL. */
  databaseUrl: string;
  databasePoolSize: number;
  /** Comma-separated keys; undefined when not configured (dev: generated under dataDir). */
  secretKeys: string | undefined;
  logLevel: string;
  /** believe X-Forwarded-For/-Proto: from anyone (true), no one (false), or these proxy addresses/CIDRs */
  trustProxy: boolean | string[];
  /** How long cached tokens, accounts and settings live; the bound on cross-process staleness. */
  cacheTtlMs: number;
  redisUrl: string | undefined;
  /** Prefix of every Redis key and channel, so several deployments can share one Redis. */
  redisPrefix: string;
  corsOrigins: string[];
  metricsToken: string | undefined;
  /** serve /metrics on this port (its own listener) instead of the main one */
  metricsPort: number | undefined;
  metricsHost: string;
  /** limits per window (0 = off): sessions per token and per IP, failed authentications per IP */
  rateLimits: { sessionPerToken: number; sessionPerIp: number; authFailuresPerIp: number; windowMs: number };
  bodyLimitBytes: number;
  /** answer the two Services API routes' common requests ahead of Fastify (src/http/fast-lane.ts) */
  fastLane: boolean;
  /** circuit breaker per Kaltura endpoint: consecutive failures that open it, and its cool-down */
  kalturaBreaker: { failureThreshold: number; cooldownMs: number };
}

/** Reads and validates `env`; throws an Error listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    env: c.NODE_ENV,
    production: c.NODE_ENV === 'production',
    port: c.PORT,
    host: c.HOST,
    dataDir: c.DATA_DIR,
    databaseUrl: c.DATABASE_URL ?? `${c.DATA_DIR.replace(/\/+$/, '')}/canvas-kaltura.db`,
    databasePoolSize: c.DATABASE_POOL_SIZE,
    secretKeys: c.SECRET_KEYS,
    logLevel: c.LOG_LEVEL,
    trustProxy: c.TRUST_PROXY,
    cacheTtlMs: c.CACHE_TTL_MS,
    redisUrl: c.REDIS_URL,
    redisPrefix: c.REDIS_PREFIX,
    corsOrigins: c.CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
    metricsToken: c.METRICS_TOKEN,
    metricsPort: c.METRICS_PORT,
    metricsHost: c.METRICS_HOST,
    rateLimits: {
      sessionPerToken: c.RATE_LIMIT_SESSION_PER_TOKEN,
      sessionPerIp: c.RATE_LIMIT_SESSION_PER_IP,
      authFailuresPerIp: c.RATE_LIMIT_AUTH_FAILURES_PER_IP,
      windowMs: c.RATE_LIMIT_WINDOW_MS,
    },
    bodyLimitBytes: c.BODY_LIMIT_BYTES,
    fastLane: c.FAST_LANE,
    kalturaBreaker: { failureThreshold: c.KALTURA_BREAKER_FAILURES, cooldownMs: c.KALTURA_BREAKER_COOLDOWN_MS },
  };
}
