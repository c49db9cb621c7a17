import { describe, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { withStatementCache } from './sqlite-statement-cache.js';

describe('withStatementCache over a real better-sqlite3 database', () => {
  it('prepares each SQL text once and hands back the same statement', () => {
    const db = withStatementCache(new SQLite(':memory:'));
    const a = db.prepare('select 1 as one');
    expect(db.prepare('select 1 as one')).toBe(a);
    expect(db.prepare('select 2 as two')).not.toBe(a);
    expect(db.cachedStatements).toBe(2);
    db.close();
  });

  it('keeps at most `capacity` statements, dropping the least recently used', () => {
    const db = withStatementCache(new SQLite(':memory:'), 2);
    const one = db.prepare('select 1');
    const two = db.prepare('select 2');
    expect(db.prepare('select 1')).toBe(one); // now "select 2" is the least recently used
    db.prepare('select 3');
    expect(db.cachedStatements).toBe(2);
    expect(db.prepare('select 1')).toBe(one);
    expect(db.prepare('select 2')).not.toBe(two);
    db.close();
  });

  it('serves Kysely correctly across writes, transactions and a schema change', async () => {
    const kysely = new Kysely<{ t: { id: number; name: string } }>({ dialect: new SqliteDialect({ database: withStatementCache(new SQLite(':memory:')) }) });
    await kysely.schema.createTable('t').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('name', 'text').execute();
    for (let i = 1; i <= 3; i++) await kysely.insertInto('t').values({ id: i, name: `n${i}` }).execute();
    await kysely.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: 4, name: 'n4' }).execute();
    });
    const all = () => kysely.selectFrom('t').selectAll().orderBy('id').execute();
    expect((await all()).map((r) => r.name)).toEqual(['n1', 'n2', 'n3', 'n4']);
    // the kept SELECT * statement sees a column added after it was prepared
    await sql`alter table t add column extra text default 'x'`.execute(kysely);
    expect(await all()).toEqual([1, 2, 3, 4].map((id) => ({ id, name: `n${id}`, extra: 'x' })));
    await kysely.destroy();
  });
});
