/**
 * The hourly counts of migration 0003 (kaltura_session_hours, kaltura_call_hours) on both
 * databases: rows written before the migration are counted when it runs, and the triggers keep
 * the counts equal to a GROUP BY over the rows through inserts and deletes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { connectDatabase, type Db } from '../../src/db/connect.js';
import { migrateToLatest, migrateUpTo } from '../../src/db/migrate.js';
import { freshDatabase, testDatabases } from '../helper.js';

describe.each(await testDatabases())('hourly counts on %s', (database) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  async function open(): Promise<Db> {
    const fresh = freshDatabase(database);
    const db = await connectDatabase(fresh.url);
    cleanups.push(async () => {
      await db.close();
      await fresh.drop();
    });
    return db;
  }

  const session = (createdAt: string, accountId: number, mode: string) => ({
    created_at: createdAt,
    account_id: accountId,
    user_id: 1,
    real_user_id: null,
    uid: `1_${accountId}`,
    mode,
    expires_at: createdAt,
    privileges: '',
    ks_tail: 'abcdef',
    client_ip: null,
    request_id: null,
  });

  async function expectCountsMatchRows(db: Db): Promise<void> {
    const { rows: fromRows } = await sql<{ account_id: number; hour: string; mode: string; n: number | string }>`
      select account_id, substr(created_at, 1, 13) as hour, mode, count(*) as n from kaltura_sessions group by 1, 2, 3 order by 1, 2, 3`.execute(db.kysely);
    const kept = await db.kysely.selectFrom('kaltura_session_hours').selectAll().where('sessions', '>', 0).orderBy('account_id').orderBy('hour').orderBy('mode').execute();
    expect(kept.map((r) => [r.account_id, r.hour, r.mode, Number(r.sessions)])).toEqual(fromRows.map((r) => [r.account_id, r.hour, r.mode, Number(r.n)]));
  }

  it('counts the rows written before the migration', async () => {
    const db = await open();
    await migrateUpTo(db, '0001-initial');
    await db.kysely
      .insertInto('kaltura_sessions')
      .values([
        session('2026-11-30T10:05:00.000Z', 1, 'local'),
        session('2026-11-30T10:59:59.999Z', 1, 'local'),
        session('2026-11-30T11:00:00.000Z', 1, 'local'),
        session('2026-11-30T10:30:00.000Z', 1, 'remote'),
        session('2026-11-30T10:30:00.000Z', 2, 'local'),
      ])
      .execute();
    await migrateToLatest(db);
    const kept = await db.kysely.selectFrom('kaltura_session_hours').selectAll().orderBy('account_id').orderBy('hour').orderBy('mode').execute();
    expect(kept.map((r) => [r.account_id, r.hour, r.mode, Number(r.sessions)])).toEqual([
      [1, '2026-11-30T10', 'local', 2],
      [1, '2026-11-30T10', 'remote', 1],
      [1, '2026-11-30T11', 'local', 1],
      [2, '2026-11-30T10', 'local', 1],
    ]);
  });

  it('keeps the counts through inserts (one at a time and many at once) and deletes', async () => {
    const db = await open();
    await migrateToLatest(db);
    await db.kysely.insertInto('kaltura_sessions').values(session('2026-12-01T08:00:00.000Z', 3, 'app_token')).execute();
    const many = Array.from({ length: 120 }, (_, i) => session(`2026-12-01T${String(8 + (i % 5)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00.000Z`, 1 + (i % 3), ['local', 'remote', 'app_token'][i % 2]!));
    await db.kysely.insertInto('kaltura_sessions').values(many).execute();
    await expectCountsMatchRows(db);
    await db.kysely.deleteFrom('kaltura_sessions').where('account_id', '=', 2).execute();
    await expectCountsMatchRows(db);

    await db.kysely
      .insertInto('kaltura_calls')
      .values([
        { created_at: '2026-12-01T08:10:00.000Z', account_id: 1, mode: 'remote', endpoint: 'https://k/api_v3', outcome: 'success', latency_ms: 12 },
        { created_at: '2026-12-01T08:20:00.000Z', account_id: 1, mode: 'remote', endpoint: 'https://k/api_v3', outcome: 'success', latency_ms: 14 },
        { created_at: '2026-12-01T08:30:00.000Z', account_id: 1, mode: 'remote', endpoint: 'https://k/api_v3', outcome: 'kaltura_timeout', latency_ms: 5000 },
      ])
      .execute();
    const calls = await db.kysely.selectFrom('kaltura_call_hours').selectAll().orderBy('outcome').execute();
    expect(calls.map((r) => [r.account_id, r.hour, r.outcome, Number(r.calls)])).toEqual([
      [1, '2026-12-01T08', 'kaltura_timeout', 1],
      [1, '2026-12-01T08', 'success', 2],
    ]);
  });

  it('keeps counting the same through the switch to statement triggers (migration 0004)', async () => {
    const db = await open();
    await migrateUpTo(db, '0003-admin-overview');
    await db.kysely.insertInto('kaltura_sessions').values([session('2026-12-01T08:00:00.000Z', 1, 'local'), session('2026-12-01T08:30:00.000Z', 1, 'local')]).execute();
    await migrateToLatest(db);
    await db.kysely.insertInto('kaltura_sessions').values([session('2026-12-01T08:45:00.000Z', 1, 'local'), session('2026-12-01T09:00:00.000Z', 2, 'remote')]).execute();
    await db.kysely.deleteFrom('kaltura_sessions').where('created_at', '=', '2026-12-01T08:00:00.000Z').execute();
    await expectCountsMatchRows(db);
    const kept = await db.kysely.selectFrom('kaltura_session_hours').selectAll().orderBy('account_id').orderBy('hour').execute();
    expect(kept.map((r) => [r.account_id, r.hour, r.mode, Number(r.sessions)])).toEqual([
      [1, '2026-12-01T08', 'local', 2],
      [2, '2026-12-01T09', 'remote', 1],
    ]);
  });

  it.runIf(database === 'postgres')('counts with one trigger run per statement on PostgreSQL, right under concurrent batches', async () => {
    const db = await open();
    await migrateToLatest(db);
    // tgtype bit 0: FOR EACH ROW
    const { rows: triggers } = await sql<{ table: string; row_level: boolean }>`
      select c.relname as table, (t.tgtype & 1) = 1 as row_level from pg_trigger t join pg_class c on c.oid = t.tgrelid
      where not t.tgisinternal and c.relname in ('kaltura_sessions', 'kaltura_calls') and c.relnamespace = to_regnamespace(current_schema())::oid order by 1, t.tgname`.execute(db.kysely);
    expect(triggers).toEqual([
      { table: 'kaltura_calls', row_level: false },
      { table: 'kaltura_calls', row_level: false },
      { table: 'kaltura_sessions', row_level: false },
      { table: 'kaltura_sessions', row_level: false },
    ]);
    // multi-row inserts over the same hours in different orders, from several connections at once
    const keys = Array.from({ length: 24 }, (_, i) => [`2026-12-02T${String(10 + (i % 6)).padStart(2, '0')}:15:00.000Z`, 1 + (i % 2), ['local', 'remote'][Math.floor(i / 12)]!] as const);
    await Promise.all(
      Array.from({ length: 16 }, (_, k) => {
        const rows = keys.map((_, i) => keys[(i * 7 + k * 5) % keys.length]!).map(([at, account, mode]) => session(at, account, mode));
        return db.kysely.insertInto('kaltura_sessions').values(k % 2 ? rows : rows.reverse()).execute();
      }),
    );
    await expectCountsMatchRows(db);
    const total = await db.kysely.selectFrom('kaltura_session_hours').select((eb) => eb.fn.sum<string>('sessions').as('n')).executeTakeFirstOrThrow();
    expect(Number(total.n)).toBe(16 * 24);
  });
});
