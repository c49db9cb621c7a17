/**
 * Admin overview and audit listing over a large history (`npm run bench:overview`): seeds
 * 1,000,000 session audit rows (60 days, four accounts, one holding 70%) and 200,000 Kaltura
 * call rows, then times the admin routes through the real app (`inject`, no network) on SQLite
 * and, when it answers, PostgreSQL: the audit listing (first page with its count, a filtered page,
 * a deep page) and the overview (48 h per hour, 30 days per day, one account and all of them).
 *
 * Environment: OVERVIEW_BENCH_ROWS (default 1000000), OVERVIEW_BENCH_RUNS (default 15),
 * OVERVIEW_BENCH_DATABASES (default `sqlite,postgres`), TEST_POSTGRES_URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { openContext } from '../src/bootstrap.js';
import { buildApp } from '../src/http/app.js';
import type { AppContext } from '../src/app-context.js';

const ROWS = Number(process.env['OVERVIEW_BENCH_ROWS'] ?? 1_000_000);
const RUNS = Number(process.env['OVERVIEW_BENCH_RUNS'] ?? 15);
const DATABASES = (process.env['OVERVIEW_BENCH_DATABASES'] ?? 'sqlite,postgres').split(',');
const PG_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const DAY = 86_400_000;
const SPAN_DAYS = 60;

/** A small deterministic generator, so every run seeds the same history. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function seedHistory(ctx: AppContext, accountIds: number[], userId: number, now: number): Promise<void> {
  const random = lcg(42);
  const pickAccount = () => {
    const r = random();
    return r < 0.7 ? accountIds[0]! : accountIds[1 + Math.floor(((r - 0.7) / 0.3) * (accountIds.length - 1))]!;
  };
  const batch = ctx.db.dialect === 'postgres' ? 1000 : 500;
  const started = Date.now();
  for (let done = 0; done < ROWS; done += batch) {
    const rows = [];
    for (let i = 0; i < Math.min(batch, ROWS - done); i++) {
      // oldest first, as a real log grows
      const at = now - SPAN_DAYS * DAY + ((done + i) / ROWS) * SPAN_DAYS * DAY;
      const r = random();
      const mode = r < 0.8 ? 'local' : r < 0.95 ? 'remote' : 'app_token';
      const accountId = pickAccount();
      rows.push({
        created_at: new Date(at).toISOString(),
        account_id: accountId,
        user_id: userId,
        real_user_id: null,
        uid: `${userId}_${accountId}`,
        mode,
        expires_at: new Date(at + 6 * 3_600_000).toISOString(),
        privileges: '',
        ks_tail: randomBytes(3).toString('hex'),
        client_ip: '192.0.2.1',
        request_id: `req-${done + i}`,
      });
    }
    await ctx.db.kysely.insertInto('kaltura_sessions').values(rows).execute();
  }
  const calls = Math.round(ROWS / 5);
  const outcomes = ['success', 'success', 'success', 'success', 'success', 'success', 'success', 'kaltura_session_failed', 'kaltura_timeout', 'kaltura_unavailable'];
  for (let done = 0; done < calls; done += batch) {
    const rows = [];
    for (let i = 0; i < Math.min(batch, calls - done); i++) {
      const at = now - SPAN_DAYS * DAY + ((done + i) / calls) * SPAN_DAYS * DAY;
      rows.push({
        created_at: new Date(at).toISOString(),
        account_id: pickAccount(),
        mode: 'remote',
        endpoint: 'https://kaltura.example.com/api_v3',
        outcome: outcomes[Math.floor(random() * outcomes.length)]!,
        latency_ms: Math.round(20 + random() * random() * 2000),
      });
    }
    await ctx.db.kysely.insertInto('kaltura_calls').values(rows).execute();
  }
  process.stdout.write(`  seeded ${ROWS.toLocaleString('en')} audit rows and ${calls.toLocaleString('en')} call rows in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function benchDatabase(kind: string): Promise<Record<string, { median: number; p95: number }>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cks-bench-overview-'));
  const schema = `bench_overview_${process.pid}`;
  const url = kind === 'postgres' ? `${PG_URL}?schema=${schema}` : join(dataDir, 'bench.db');
  const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: url, SECRET_KEYS: randomBytes(32).toString('hex'), LOG_LEVEL: 'silent', RATE_LIMIT_SESSION_PER_TOKEN: '0' });
  const ctx = await openContext(config, () => {});
  const results: Record<string, { median: number; p95: number }> = {};
  try {
    const accounts = [];
    for (let i = 0; i < 4; i++) accounts.push(await ctx.accounts.create({ name: `Bench ${i + 1}`, domains: [`b${i + 1}.bench.test`], isDefault: i === 0 }));
    const { user } = await ctx.users.create({
      accountId: accounts[0]!.id,
      name: 'Bench Admin',
      login: 'bench-admin',
      admin: { role: 'AccountAdmin', becomeUser: false, siteAdmin: true },
    });
    const { token } = await ctx.tokens.create({ userId: user.id });
    await seedHistory(
      ctx,
      accounts.map((a) => a.id),
      user.id,
      Date.now(),
    );
    // planner statistics, as a long-running database has them
    await sql`analyze`.execute(ctx.db.kysely);
    const app = await buildApp(ctx, { logger: false });
    await app.ready();
    const a = accounts[0]!.id;
    const routes: [string, string][] = [
      ['audit listing, first page (with count)', `/api/v1/accounts/${a}/kaltura_sessions`],
      ['audit listing, mode=remote, per_page=100', `/api/v1/accounts/${a}/kaltura_sessions?mode=remote&per_page=100`],
      ['audit listing, page 500', `/api/v1/accounts/${a}/kaltura_sessions?page=500`],
      ['overview 48 h (per hour), one account', `/api/v1/accounts/${a}/overview?period=48h`],
      ['overview 30 days (per day), one account', `/api/v1/accounts/${a}/overview?period=30d`],
      ['overview 30 days (per day), all accounts', `/api/v1/accounts/all/overview?period=30d`],
    ];
    for (const [label, path] of routes) {
      const times: number[] = [];
      for (let i = 0; i < RUNS + 2; i++) {
        const started = process.hrtime.bigint();
        const res = await app.inject({ url: path, headers: { host: 'b1.bench.test', authorization: `Bearer ${token}` } });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (res.statusCode !== 200) throw new Error(`${path}: HTTP ${res.statusCode} ${res.body.slice(0, 200)}`);
        if (i >= 2) times.push(ms); // two warm-up requests
      }
      times.sort((x, y) => x - y);
      results[label] = { median: quantile(times, 0.5), p95: quantile(times, 0.95) };
      process.stdout.write(`  ${label.padEnd(44)} median ${quantile(times, 0.5).toFixed(1).padStart(7)} ms   p95 ${quantile(times, 0.95).toFixed(1).padStart(7)} ms\n`);
    }
    await app.close();
  } finally {
    await ctx.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (kind === 'postgres') {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  }
  return results;
}

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

for (const kind of DATABASES) {
  if (kind === 'postgres' && !(await postgresAnswers())) {
    process.stdout.write(`postgres: skipped (${PG_URL} does not answer)\n`);
    continue;
  }
  process.stdout.write(`${kind}: ${RUNS} timed requests per route after 2 warm-ups\n`);
  await benchDatabase(kind);
}
