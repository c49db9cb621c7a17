import { describe, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { marker, PreparedQuery } from './prepared-query.js';

interface Db {
  t: { id: number; name: string; kind: string };
}

describe('PreparedQuery over a real SQLite database', () => {
  it('runs a query compiled once with each run\'s values where the markers were, constants kept', async () => {
    const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    await db.schema.createTable('t').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('name', 'text').addColumn('kind', 'text').execute();
    await db.insertInto('t').values([
      { id: 1, name: 'a', kind: 'x' },
      { id: 2, name: 'b', kind: 'x' },
      { id: 3, name: 'c', kind: 'y' },
      { id: 4, name: 'b', kind: 'y' },
    ]).execute();
    const m = (name: string) => marker(name) as never;
    const prepared = new PreparedQuery(
      db.selectFrom('t').selectAll().where('kind', '=', 'x').where('name', '=', m('name')).orderBy('id').limit(m('limit')).compile(),
    );
    const run = async (values: Record<string, unknown>) => (await db.executeQuery(prepared.bind(values))).rows.map((r) => r.id);
    expect(await run({ name: 'b', limit: 10 })).toEqual([2]);
    expect(await run({ name: 'a', limit: 10 })).toEqual([1]);
    expect(await run({ name: 'a', limit: 0 })).toEqual([]);
    expect(() => prepared.bind({ name: 'a' })).toThrow(/"limit"/);
    await db.destroy();
  });
});
