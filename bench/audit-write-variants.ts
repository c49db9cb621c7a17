/**
 * What the audit row's write costs on SQLite under other schemas and settings than the migrated
 * ones: the alternatives the eleventh and twelfth rounds measured and did not take (docs/benchmarks.md).
 *
 * CPU µs per audit row of 37-row INSERTs (the session POST's batch at 50 connections), with 10
 * distinct users (the HTTP bench's callers) and with 5,000, for:
 * - `migrated`: the schema as migrated (the time and per-user indexes, the hourly-count trigger);
 * - `no hourly trigger`, `no per-user index`: each dropped, to show its share;
 * - `deferred per-user index, every N`: the per-user index kept instead in a side table filled
 *   every N batches from the rows past a watermark, sorted by user (what a listing would then have
 *   to combine with the rows not yet indexed); the figure includes the fills, and the median and
 *   longest fill are printed, since a fill would hold the event loop (the longest includes an
 *   automatic WAL checkpoint when its commit made one);
 * - `hourly counts without rowid`: the rollup table as a WITHOUT ROWID table;
 * - `hourly counts by the application`: no trigger; each batch's counts upserted by the writer
 *   in the INSERT's transaction (SQLite has no statement triggers); `…, or rollback`: the same
 *   with both statements as `INSERT OR ROLLBACK`, which needs no statement journal (a failing
 *   statement takes the whole transaction back, not just itself);
 * - `page size 1024`, `cache 32 MiB`, `mmap 256 MiB`: the migrated schema with those settings.
 *
 * Usage: node --import tsx bench/audit-write-variants.ts [rounds, default 2]
 */
import type SQLite from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { AUDIT_COLUMNS, AUDIT_ROWS_PER_INSERT, auditBatches, auditInsertSql, cpuPerAuditRow, openMigratedSqlite } from './migrated-sqlite.js';
import { median } from './stats.js';

/** A way of writing the audit rows: set up on a freshly migrated database, then one call per batch. */
interface Variant {
  name: string;
  pageSize?: number;
  /** SQL run after migrating */
  setup?: string;
  /** the batch writer; the migrated INSERT alone when absent */
  writer?: (db: SQLite.Database, insert: SQLite.Statement) => (parameters: unknown[]) => void;
  /** the durations of the last measurement's side-table fills, for the variants that make them (ms) */
  fillsMs?: number[];
}

const DEFERRED_SETUP = `drop index kaltura_sessions_user;
  create table kaltura_session_users (user_id integer not null, session_id integer not null, primary key (user_id, session_id)) without rowid;
  create table kaltura_session_users_indexed (through integer not null);
  insert into kaltura_session_users_indexed values (0)`;

function deferred(every: number): Variant {
  const variant: Variant = {
    name: `deferred per-user index, every ${every}`,
    setup: DEFERRED_SETUP,
    writer: (db, insert) => {
      const fill = db.prepare('insert into kaltura_session_users select user_id, id from kaltura_sessions where id > (select through from kaltura_session_users_indexed) order by 1, 2');
      const mark = db.prepare('update kaltura_session_users_indexed set through = (select max(id) from kaltura_sessions)');
      const indexRest = db.transaction(() => (fill.run(), mark.run()));
      let batches = 0;
      const fills: number[] = (variant.fillsMs = []);
      return (p) => {
        insert.run(p);
        if (++batches % every !== 0) return;
        const started = performance.now();
        indexRest();
        fills.push(performance.now() - started);
      };
    },
  };
  return variant;
}

const HOURLY_WITHOUT_ROWID = `drop trigger kaltura_session_hours_add; drop trigger kaltura_session_hours_remove; drop table kaltura_session_hours;
  create table kaltura_session_hours (account_id integer not null, hour text not null, mode text not null, sessions integer not null, primary key (account_id, hour, mode)) without rowid;
  create index kaltura_session_hours_hour on kaltura_session_hours (hour, mode);
  create trigger kaltura_session_hours_add after insert on kaltura_sessions begin
    insert into kaltura_session_hours (account_id, hour, mode, sessions) values (new.account_id, substr(new.created_at, 1, 13), new.mode, 1)
    on conflict (account_id, hour, mode) do update set sessions = kaltura_session_hours.sessions + 1; end`;

/** Where a row's fields sit among its parameters (AUDIT_COLUMNS order). */
const [CREATED_AT, ACCOUNT_ID, MODE] = (['created_at', 'account_id', 'mode'] as const).map((c) => AUDIT_COLUMNS.indexOf(c));

/**
 * Each batch's hourly counts upserted with the INSERT in one transaction; with `orRollback`, both
 * statements `INSERT OR ROLLBACK` (the INSERT prepared again so).
 */
function applicationCounts(orRollback: boolean): NonNullable<Variant['writer']> {
  return (db, plainInsert) => {
    const verb = orRollback ? 'insert or rollback' : 'insert';
    const insert = orRollback ? db.prepare(auditInsertSql(AUDIT_ROWS_PER_INSERT).replace(/^insert/, verb)) : plainInsert;
    const add = db.prepare(`${verb} into kaltura_session_hours (account_id, hour, mode, sessions) values (?, ?, ?, ?) on conflict (account_id, hour, mode) do update set sessions = sessions + excluded.sessions`);
    return db.transaction((p: unknown[]) => {
      insert.run(p);
      const counts = new Map<string, number>();
      for (let row = 0; row < p.length; row += AUDIT_COLUMNS.length) {
        const key = `${p[row + ACCOUNT_ID!]}|${(p[row + CREATED_AT!] as string).slice(0, 13)}|${p[row + MODE!]}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      for (const [key, n] of counts) {
        const [account, hour, mode] = key.split('|');
        add.run(Number(account), hour, mode, n);
      }
    });
  };
}

const VARIANTS: Variant[] = [
  { name: 'migrated' },
  { name: 'no hourly trigger', setup: 'drop trigger kaltura_session_hours_add' },
  { name: 'no per-user index', setup: 'drop index kaltura_sessions_user' },
  deferred(20),
  deferred(100),
  deferred(400),
  { name: 'hourly counts without rowid', setup: HOURLY_WITHOUT_ROWID },
  { name: 'hourly counts by the application', setup: 'drop trigger kaltura_session_hours_add', writer: applicationCounts(false) },
  { name: 'hourly counts by the app, or rollback', setup: 'drop trigger kaltura_session_hours_add', writer: applicationCounts(true) },
  { name: 'page size 1024', pageSize: 1024 },
  { name: 'page size 2048', pageSize: 2048 },
  { name: 'page size 8192', pageSize: 8192 },
  { name: 'page size 16384', pageSize: 16384 },
  { name: 'cache 32 MiB', setup: 'pragma cache_size = -32768' },
  { name: 'mmap 256 MiB', setup: 'pragma mmap_size = 268435456' },
];

async function cost(variant: Variant, users: number): Promise<number> {
  const { db, remove } = await openMigratedSqlite('cks-audit-write-', variant.pageSize);
  try {
    if (variant.pageSize !== undefined && db.pragma('page_size', { simple: true }) !== variant.pageSize) throw new Error(`page size ${variant.pageSize} not set`);
    if (variant.setup !== undefined) db.exec(variant.setup);
    const insert = db.prepare(auditInsertSql(AUDIT_ROWS_PER_INSERT));
    const write = variant.writer?.(db, insert) ?? ((p: unknown[]) => void insert.run(p));
    return cpuPerAuditRow(write, auditBatches(users), 6000);
  } finally {
    remove();
  }
}

const rounds = Number(process.argv[2] ?? 2);
/** only the variants whose names match this pattern (all without) */
const only = process.argv[3] === undefined ? null : new RegExp(process.argv[3]);
const chosen = VARIANTS.filter((v) => only === null || only.test(v.name));
process.stdout.write(`CPU µs per audit row (${AUDIT_ROWS_PER_INSERT}-row INSERTs), ${rounds} rounds:\n`);
for (const users of [10, 5000]) {
  const figures = new Map<Variant, string[]>(chosen.map((v) => [v, []]));
  // rounds alternate over the variants, so that a drift of the machine's speed touches each alike
  for (let round = 0; round < rounds; round++) for (const v of chosen) figures.get(v)!.push((await cost(v, users)).toFixed(1));
  process.stdout.write(`  ${users} users\n`);
  for (const [v, f] of figures) process.stdout.write(`    ${v.name.padEnd(40)} ${f.join(' / ')}${v.fillsMs?.length ? ` (fills: median ${median(v.fillsMs).toFixed(1)} ms, longest ${Math.max(...v.fillsMs).toFixed(1)} ms)` : ''}\n`);
}
