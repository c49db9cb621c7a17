/** A SQLite database of the migrated schema in a temporary directory, opened as the service opens it. */
import SQLite from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';

export interface MigratedSqlite {
  db: SQLite.Database;
  /** the database file (its WAL is `${file}-wal`) */
  file: string;
  /** closes the connection and deletes the directory */
  remove: () => void;
}

/**
 * Migrates a fresh database under a temporary directory named from `prefix` and opens it (WAL,
 * `synchronous = NORMAL`); `pageSize` other than SQLite's default 4,096 bytes is set before the
 * first table is made.
 */
export async function openMigratedSqlite(prefix: string, pageSize?: number): Promise<MigratedSqlite> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, 'db.sqlite');
  if (pageSize !== undefined) {
    const empty = new SQLite(file);
    empty.pragma(`page_size = ${Math.trunc(pageSize)}`);
    empty.exec('vacuum');
    empty.close();
  }
  const migrated = await connectDatabase(file);
  await migrateToLatest(migrated);
  await migrated.close();
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return { db, file, remove: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
}

/** The audit table's columns, in the order of {@link auditInsertSql}'s parameters. */
export const AUDIT_COLUMNS = ['created_at', 'account_id', 'user_id', 'real_user_id', 'uid', 'mode', 'expires_at', 'privileges', 'ks_tail', 'client_ip', 'request_id'] as const;

/** An INSERT of `rows` audit rows, their parameters row after row in AUDIT_COLUMNS order. */
export function auditInsertSql(rows: number): string {
  const row = `(${AUDIT_COLUMNS.map(() => '?').join(', ')})`;
  return `insert into kaltura_sessions (${AUDIT_COLUMNS.join(', ')}) values ${Array.from({ length: rows }, () => row).join(', ')}`;
}

/** Rows per audit INSERT as the session POST makes them at 50 connections (group commit). */
export const AUDIT_ROWS_PER_INSERT = 37;

/** One audit row's parameters, in AUDIT_COLUMNS order. */
export function auditRow(at: number, accountId: number, userId: number, mode = 'local'): unknown[] {
  const t = new Date(at).toISOString();
  return [t, accountId, userId, null, `uid_${userId}`, mode, t, 'edit:*,list:*', randomBytes(6).toString('base64'), '127.0.0.1', randomUUID()];
}

/** 300 batches' parameters of {@link AUDIT_ROWS_PER_INSERT} rows of account 1, from `users` distinct users at random. */
export function auditBatches(users: number): unknown[][] {
  return Array.from({ length: 300 }, (_, b) => Array.from({ length: AUDIT_ROWS_PER_INSERT }, () => auditRow(Date.now() + b, 1, 1 + Math.floor(Math.random() * users))).flat());
}

/** CPU µs per row of `write` over `count` of `batches` in turn, after 2,000 unmeasured. */
export function cpuPerAuditRow(write: (parameters: unknown[]) => void, batches: readonly unknown[][], count: number): number {
  for (let i = 0; i < 2000; i++) write(batches[i % batches.length]!);
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) write(batches[i % batches.length]!);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / (count * AUDIT_ROWS_PER_INSERT);
}
