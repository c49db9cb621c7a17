/**
 * PostgreSQL: the hourly counts of migration 0003 kept by statement-level triggers instead of
 * row-level ones. A row trigger runs its upsert once per row, which was most of PostgreSQL's CPU
 * per audit row; a statement trigger reads the statement's rows (a transition table) and does
 * one grouped upsert per statement, so a batch of sessions costs one pass. The counts are the
 * same. SQLite has no statement triggers and keeps 0003's row triggers (it runs nothing here).
 */
import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';
import { HOURLY_COUNTS, type HourlyCount } from './0003-admin-overview.js';

async function statementTriggers(db: Kysely<unknown>, c: HourlyCount): Promise<void> {
  const t = sql.table(c.rollup);
  const source = sql.table(c.source);
  const split = sql.ref(c.split);
  const count = sql.ref(c.count);
  const name = (suffix: string) => sql.raw(`${c.rollup}_${suffix}`);
  await sql`drop trigger ${name('keep')} on ${source}`.execute(db);
  await sql`drop function ${name('keep')}()`.execute(db);
  // Keys in one order: concurrent statements lock the rows they add to in the same order (no deadlock).
  await sql`create function ${name('add')}() returns trigger language plpgsql as $body$
    begin
      insert into ${t} (account_id, hour, ${split}, ${count})
        select account_id, substr(created_at, 1, 13), ${split}, count(*) from new_rows group by 1, 2, 3 order by 1, 2, 3
        on conflict (account_id, hour, ${split}) do update set ${count} = ${t}.${count} + excluded.${count};
      return null;
    end
    $body$`.execute(db);
  await sql`create function ${name('remove')}() returns trigger language plpgsql as $body$
    begin
      update ${t} set ${count} = ${t}.${count} - gone.n
        from (select account_id, substr(created_at, 1, 13) as hour, ${split}, count(*) as n from old_rows group by 1, 2, 3) as gone
        where ${t}.account_id = gone.account_id and ${t}.hour = gone.hour and ${t}.${split} = gone.${split};
      return null;
    end
    $body$`.execute(db);
  // a trigger with a transition table handles one event, so one for inserts and one for deletes
  await sql`create trigger ${name('add')} after insert on ${source} referencing new table as new_rows for each statement execute function ${name('add')}()`.execute(db);
  await sql`create trigger ${name('remove')} after delete on ${source} referencing old table as old_rows for each statement execute function ${name('remove')}()`.execute(db);
}

export function statementTriggersMigration(dialect: 'sqlite' | 'postgres') {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'postgres') return;
      // the migration runs in one transaction: no statement sees the table without a trigger
      for (const c of HOURLY_COUNTS) await statementTriggers(db, c);
    },
  };
}
