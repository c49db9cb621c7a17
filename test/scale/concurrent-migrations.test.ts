/**
 * Instances starting together on an empty PostgreSQL schema: the migrations run once (Kysely's
 * Migrator holds an advisory lock) and the first-start seeding happens once.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, newSecretKey, PG_BASE_URL } from '../helper.js';
import { runNode } from '../process.js';
import { loadConfig } from '../../src/config.js';
import { openContext, seedIfEmpty } from '../../src/bootstrap.js';
import { missingServices } from './scale-helper.js';
import { migrationNames } from '../../src/db/migrate.js';

const skip = await missingServices({ postgres: true });
const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const d of drops) await d();
});

async function query<T>(schema: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: PG_BASE_URL });
  await client.connect();
  try {
    await client.query(`set search_path to "${schema}"`);
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

describe.skipIf(skip !== null)('migrations and seeding with several instances at once (PostgreSQL)', () => {
  it('three `migrate` processes on one fresh schema: exactly one applies each migration', async () => {
    const db = freshDatabase('postgres');
    drops.push(db.drop);
    const env = { DATABASE_URL: db.url, DATA_DIR: db.dataDir, SECRET_KEYS: newSecretKey() };
    const runs = await Promise.all([1, 2, 3].map(() => runNode(['--import', 'tsx', 'src/cli/run.ts', 'migrate', '--json'], env)));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const applied = runs.map((r) => (JSON.parse(r.stdout) as { applied: string[] }).applied);
    expect(applied.flat().sort()).toEqual(migrationNames({ dialect: 'postgres' }));
    const schema = new URL(db.url).searchParams.get('schema')!;
    const rows = await query<{ name: string }>(schema, 'select name from kysely_migration');
    expect(rows.map((r) => r.name).sort()).toEqual(migrationNames({ dialect: 'postgres' }));
  });

  it('four contexts seeding one empty schema at once create one account and one admin token', async () => {
    const db = freshDatabase('postgres');
    drops.push(db.drop);
    const config = loadConfig({ DATABASE_URL: db.url, DATA_DIR: db.dataDir, SECRET_KEYS: newSecretKey(), LOG_LEVEL: 'silent' });
    const contexts = await Promise.all([1, 2, 3, 4].map(() => openContext(config, () => {})));
    try {
      const seeded = await Promise.all(contexts.map((c) => seedIfEmpty(c)));
      expect(seeded.filter((s) => s !== null)).toHaveLength(1);
      const schema = new URL(db.url).searchParams.get('schema')!;
      const accounts = await query<{ n: string }>(schema, 'select count(*) as n from accounts');
      expect(Number(accounts[0]!.n)).toBe(1);
      const tokens = await query<{ n: string }>(schema, 'select count(*) as n from access_tokens');
      expect(Number(tokens[0]!.n)).toBe(1);
    } finally {
      for (const c of contexts) await c.close();
    }
  });
});
