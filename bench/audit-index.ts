/**
 * What the audit table's per-user index costs on SQLite, and what dropping it would cost the
 * audit listing: the basis for a decision recorded in docs/benchmarks.md (eighth round).
 *
 * 1. CPU per audit row written as the service writes them (37-row INSERTs, the batch size of the
 *    session POST at 50 connections) with 10 distinct users (the HTTP bench's callers) and with
 *    5,000, for the migrated schema and for the alternative: no `kaltura_sessions_user` index,
 *    `user_id` added to the end of `kaltura_sessions_account_time` instead.
 * 2. The audit listing's user-filtered queries over `AUDIT_INDEX_ROWS` rows (default 1,000,000;
 *    60 days, 4 accounts, the queried one holding 70%, 5,000 users) with each schema.
 *
 * Usage: node --import tsx bench/audit-index.ts
 */
import type SQLite from 'better-sqlite3';
import { AUDIT_ROWS_PER_INSERT, auditBatches, auditInsertSql, auditRow, cpuPerAuditRow, openMigratedSqlite, type MigratedSqlite } from './migrated-sqlite.js';

const ALTERNATIVE = `drop index kaltura_sessions_user; drop index kaltura_sessions_account_time;
  create index kaltura_sessions_account_time on kaltura_sessions (account_id, created_at, user_id)`;
const SCHEMAS: Record<string, string> = { migrated: '', alternative: ALTERNATIVE };

/** A migrated database with `change` applied. */
async function database(change: string): Promise<MigratedSqlite> {
  const opened = await openMigratedSqlite('cks-audit-index-');
  if (change !== '') opened.db.exec(change);
  return opened;
}

/** CPU µs per row of `batches` 37-row INSERTs with `users` distinct users, after a warm-up. */
async function insertCost(change: string, users: number, batches = 6000): Promise<number> {
  const { db, remove } = await database(change);
  try {
    const insert = db.prepare(auditInsertSql(AUDIT_ROWS_PER_INSERT));
    return cpuPerAuditRow((p) => insert.run(p), auditBatches(users), batches);
  } finally {
    remove();
  }
}

/** Median ms of 7 runs of `sql`. */
function queryMs(db: SQLite.Database, sql: string, ...params: unknown[]): number {
  const statement = db.prepare(sql);
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    statement.all(...params);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[3]!;
}

const out = (line: string): void => void process.stdout.write(`${line}\n`);

out('CPU µs per audit row (37-row INSERTs), two rounds:');
for (const users of [10, 5000]) {
  const figures: Record<string, string[]> = { migrated: [], alternative: [] };
  for (let round = 0; round < 2; round++) for (const [name, change] of Object.entries(SCHEMAS)) figures[name]!.push((await insertCost(change, users)).toFixed(1));
  out(`  ${users} users: migrated ${figures['migrated']!.join(' / ')}, alternative ${figures['alternative']!.join(' / ')}`);
}

const rows = Number(process.env['AUDIT_INDEX_ROWS'] ?? 1_000_000);
const QUERIES: [string, string, unknown[]][] = [
  ['count, account and user', 'select count(*) from kaltura_sessions where account_id = ? and user_id = ?', [1, 1234]],
  ['first page, account and user', 'select * from kaltura_sessions where account_id = ? and user_id = ? order by id desc limit 50', [1, 1234]],
  ['third page, account and user', 'select * from kaltura_sessions where account_id = ? and user_id = ? order by id desc limit 50 offset 100', [1, 1234]],
  ['first page, account, user, since', 'select * from kaltura_sessions where account_id = ? and user_id = ? and created_at >= ? order by id desc limit 50', [1, 1234, '2026-11-20T00:00:00.000Z']],
  ['first page, user only (CLI)', 'select * from kaltura_sessions where user_id = ? order by id desc limit 50', [1234]],
];
out(`Audit listing queries over ${rows.toLocaleString('en-US')} rows, median of 7 (ms):`);
const start = Date.parse('2026-10-01T00:00:00.000Z');
for (const [name, change] of Object.entries(SCHEMAS)) {
  const { db, remove } = await database(change);
  try {
    const insert = db.prepare(auditInsertSql(1));
    db.transaction(() => {
      for (let i = 0; i < rows; i++) {
        const account = Math.random() < 0.7 ? 1 : 2 + Math.floor(Math.random() * 3);
        insert.run(auditRow(start + Math.floor((i / rows) * 60 * 86_400_000), account, 1 + Math.floor(Math.random() * 5000), Math.random() < 0.8 ? 'local' : 'remote'));
      }
    })();
    db.exec('analyze');
    out(`  ${name}: ${QUERIES.map(([label, sql, params]) => `${label} ${queryMs(db, sql, ...params).toFixed(1)}`).join('; ')}`);
  } finally {
    remove();
  }
}
