/** A SQLite database of the migrated schema in a temporary directory, opened as the service opens it. */
import SQLite from 'better-sqlite3';
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

/** Migrates a fresh database under a temporary directory named from `prefix` and opens it (WAL, `synchronous = NORMAL`). */
export async function openMigratedSqlite(prefix: string): Promise<MigratedSqlite> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, 'db.sqlite');
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
