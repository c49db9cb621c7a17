/**
 * The admin overview's storage: a row per Kaltura call (account, mode, endpoint, outcome, latency),
 * the settings check's answers, and hourly counts kept by triggers (sessions per account, hour
 * and mode; calls per account, hour and outcome), so the overview's per-hour and per-day charts
 * and the audit listing's total read a few thousand rows, not millions.
 */
import type { Kysely, CreateTableBuilder } from 'kysely';
import { sql } from '../kysely.js';

/** An hourly count kept by a trigger on `source`: a row per (account_id, hour, split). */
export interface HourlyCount {
  source: string;
  rollup: string;
  split: string;
  count: string;
}

export const HOURLY_COUNTS: readonly HourlyCount[] = [
  { source: 'kaltura_sessions', rollup: 'kaltura_session_hours', split: 'mode', count: 'sessions' },
  { source: 'kaltura_calls', rollup: 'kaltura_call_hours', split: 'outcome', count: 'calls' },
];

/**
 * Creates the rollup table, the triggers that keep it (insert adds one, delete takes one away,
 * in the same statement as the row's change), then counts the rows already there.
 */
async function hourlyCount(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres', c: HourlyCount): Promise<void> {
  await db.schema
    .createTable(c.rollup)
    .addColumn('account_id', 'integer', (col) => col.notNull())
    // the first 13 characters of the ISO time: `2026-12-02T16`
    .addColumn('hour', 'text', (col) => col.notNull())
    .addColumn(c.split, 'text', (col) => col.notNull())
    .addColumn(c.count, 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint(`${c.rollup}_pkey`, ['account_id', 'hour', c.split])
    .execute();
  await db.schema.createIndex(`${c.rollup}_hour`).on(c.rollup).columns(['hour', c.split]).execute();
  const t = sql.table(c.rollup);
  const split = sql.ref(c.split);
  const count = sql.ref(c.count);
  const add = (row: 'new') => sql`insert into ${t} (account_id, hour, ${split}, ${count})
      values (${sql.raw(row)}.account_id, substr(${sql.raw(row)}.created_at, 1, 13), ${sql.raw(row)}.${split}, 1)
      on conflict (account_id, hour, ${split}) do update set ${count} = ${t}.${count} + 1`;
  const remove = sql`update ${t} set ${count} = ${count} - 1
      where account_id = old.account_id and hour = substr(old.created_at, 1, 13) and ${split} = old.${split}`;
  if (dialect === 'sqlite') {
    await sql`create trigger ${sql.raw(`${c.rollup}_add`)} after insert on ${sql.table(c.source)} begin ${add('new')}; end`.execute(db);
    await sql`create trigger ${sql.raw(`${c.rollup}_remove`)} after delete on ${sql.table(c.source)} begin ${remove}; end`.execute(db);
  } else {
    const fn = sql.raw(`${c.rollup}_keep`);
    await sql`create function ${fn}() returns trigger language plpgsql as $body$
      begin
        if tg_op = 'INSERT' then
          ${add('new')};
          return new;
        end if;
        ${remove};
        return old;
      end
      $body$`.execute(db);
    await sql`create trigger ${sql.raw(`${c.rollup}_keep`)} after insert or delete on ${sql.table(c.source)} for each row execute function ${fn}()`.execute(db);
  }
  // rows written before this migration (the trigger's table lock keeps writers out meanwhile on PostgreSQL)
  await sql`insert into ${t} (account_id, hour, ${split}, ${count})
    select account_id, substr(created_at, 1, 13), ${split}, count(*) from ${sql.table(c.source)} group by 1, 2, 3`.execute(db);
}

type Table = CreateTableBuilder<string, never>;

function withId(table: Table, dialect: 'sqlite' | 'postgres'): Table {
  return dialect === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

export function adminOverviewMigration(dialect: 'sqlite' | 'postgres') {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const create = (name: string) => withId(db.schema.createTable(name) as Table, dialect);

      await create('kaltura_calls')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('account_id', 'integer', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('latency_ms', 'real', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('kaltura_calls_account_time').on('kaltura_calls').columns(['account_id', 'created_at', 'outcome', 'latency_ms']).execute();
      await db.schema.createIndex('kaltura_calls_time').on('kaltura_calls').columns(['created_at', 'outcome', 'latency_ms']).execute();

      await create('kaltura_settings_checks')
        .addColumn('checked_at', 'text', (c) => c.notNull())
        // null: the site-wide settings
        .addColumn('account_id', 'integer')
        .addColumn('ok', 'integer', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .execute();
      for (const c of HOURLY_COUNTS) await hourlyCount(db, dialect, c);

      await db.schema.createIndex('kaltura_settings_checks_account_time').on('kaltura_settings_checks').columns(['account_id', 'checked_at']).execute();
    },
  };
}
