/**
 * Test harness: builds the real app over a real database (a temporary SQLite file, or a fresh
 * PostgreSQL schema), with generated keys and quiet logs, plus seeding shortcuts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { loadConfig, type Config } from '../src/config.js';
import { openContext } from '../src/bootstrap.js';
import type { AppContext, ContextOptions } from '../src/app-context.js';
import { buildApp, loggerOptions } from '../src/http/app.js';
import { leakRecorder } from './attack/leak-scan/leak-recorder.js';
import { captureAtClose, captureResponses, watchCreatedSecrets } from './attack/leak-scan/capture.js';

export const PG_BASE_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Which databases the shared suites run against. */
export type TestDatabase = 'sqlite' | 'postgres';

let pgAvailable: Promise<boolean> | undefined;

/** True when PostgreSQL answers; under CI=true a missing PostgreSQL is a failure, not a skip. */
export function postgresAvailable(): Promise<boolean> {
  pgAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_BASE_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (err) {
      if (process.env.CI === 'true') throw new Error(`PostgreSQL is required under CI but not reachable at ${PG_BASE_URL}: ${(err as Error).message}`);
      console.warn(`skipping PostgreSQL runs: ${(err as Error).message}`);
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return pgAvailable;
}

/** The databases to run a shared suite on: SQLite always, PostgreSQL when it answers. */
export async function testDatabases(): Promise<TestDatabase[]> {
  return (await postgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh, isolated database URL and how to throw it away. */
export function freshDatabase(kind: TestDatabase): { url: string; dataDir: string; drop: () => Promise<void> } {
  const dataDir = mkdtempSync(join(tmpdir(), 'cks-test-'));
  if (kind === 'sqlite') {
    return { url: join(dataDir, 'test.db'), dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `t_${process.pid}_${randomBytes(6).toString('hex')}`;
  return {
    url: `${PG_BASE_URL}?schema=${schema}`,
    dataDir,
    drop: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: PG_BASE_URL });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A generated 32-byte key in hex. */
export function newSecretKey(): string {
  return randomBytes(32).toString('hex');
}

export interface TestAppOptions extends ContextOptions {
  database?: TestDatabase;
  env?: Record<string, string>;
  logger?: FastifyServerOptions['logger'];
  /** test-only routes added to this app before it starts (e.g. a page a browser test needs on the service's origin) */
  testRoutes?: (app: FastifyInstance) => void | Promise<void>;
}

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  config: Config;
  close(): Promise<void>;
}

/** Builds the app over a fresh database; `close()` removes everything it made. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = freshDatabase(options.database ?? 'sqlite');
  const config = loadConfig({
    DATA_DIR: db.dataDir,
    DATABASE_URL: db.url,
    SECRET_KEYS: newSecretKey(),
    LOG_LEVEL: 'silent',
    CACHE_TTL_MS: '0',
    // rate limits off unless a test sets them (test/ops/rate-limit.test.ts does)
    RATE_LIMIT_SESSION_PER_TOKEN: '0',
    RATE_LIMIT_SESSION_PER_IP: '0',
    RATE_LIMIT_AUTH_FAILURES_PER_IP: '0',
    ...options.env,
  });
  const ctx = await openContext(config, () => {}, options);
  // the leak scan (test/attack/leak-scan) sees the secrets created, the logs and every response
  watchCreatedSecrets(ctx, leakRecorder);
  const app = await buildApp(ctx, { logger: options.logger ?? (leakRecorder.enabled ? loggerOptions('info', leakRecorder.logStream()) : false) });
  captureResponses(app, leakRecorder);
  await options.testRoutes?.(app);
  await app.ready();
  return {
    app,
    ctx,
    config,
    close: async () => {
      await captureAtClose(app, ctx, leakRecorder);
      await app.close();
      await ctx.close();
      await db.drop();
    },
  };
}

/** Canvas's spec settings (plus the two secrets). */
export const CANVAS_SPEC_SETTINGS = {
  domain: 'kaltura.example.com',
  resource_domain: 'cdn.kaltura.example.com',
  rtmp_domain: 'rtmp.kaltura.example.com',
  partner_id: '100',
  subpartner_id: '10000',
  secret_key: 'admin-secret-for-tests',
  user_secret_key: 'user-secret-for-tests',
  player_ui_conf: '1',
  kcw_ui_conf: '1',
  upload_ui_conf: '1',
  hide_rte_button: 'false',
};

/** A Kaltura double partner as the tests configure it. */
export interface DoublePartner {
  partnerId: number;
  adminSecret: string;
  userSecret: string;
}

/**
 * Kaltura settings pointing at a Kaltura double on loopback: domain, protocol, partner ids and
 * (unless `secrets: false`, e.g. for app-token mode) both secrets; `extra` adds or overrides keys.
 */
export function settingsForDouble(port: number, partner: DoublePartner, extra: Record<string, unknown> = {}, options: { secrets?: boolean } = {}): Record<string, unknown> {
  return {
    domain: `127.0.0.1:${port}`,
    protocol: 'http',
    partner_id: String(partner.partnerId),
    subpartner_id: `${partner.partnerId}00`,
    ...(options.secrets === false ? {} : { secret_key: partner.adminSecret, user_secret_key: partner.userSecret }),
    ...extra,
  };
}

/** Creates an account, a user with an active login and a token; optionally stores settings. */
export async function seedUser(
  ctx: AppContext,
  opts: { accountName?: string; domains?: string[]; userName?: string; login?: string; admin?: boolean; siteAdmin?: boolean; sisUserId?: string; accountId?: number } = {},
) {
  const account =
    opts.accountId !== undefined
      ? (await ctx.accounts.findById(opts.accountId))!
      : await ctx.accounts.create({ name: opts.accountName ?? 'Test Account', domains: opts.domains ?? [] });
  const { user, login } = await ctx.users.create({
    accountId: account.id,
    name: opts.userName ?? 'Test User',
    login: opts.login ?? `user${randomBytes(4).toString('hex')}`,
    sisUserId: opts.sisUserId ?? null,
    ...(opts.admin || opts.siteAdmin ? { admin: { becomeUser: true, siteAdmin: opts.siteAdmin === true } } : {}),
  });
  const { token, record } = await ctx.tokens.create({ userId: user.id });
  return { account, user, login, token, tokenRecord: record };
}

/** Saves settings (site-wide unless accountId) and fails the test if they are refused. */
export async function saveSettings(ctx: AppContext, values: Record<string, unknown>, accountId: number | null = null): Promise<void> {
  const result = await ctx.settings.update(accountId, values);
  if (!result.ok) throw new Error(`settings refused: ${JSON.stringify(result.errors)}`);
}

/** Bearer header for a token. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
