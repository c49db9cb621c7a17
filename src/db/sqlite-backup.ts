/**
 * Online backup and offline restore of the embedded SQLite database.
 *
 * Backup uses SQLite's backup API (better-sqlite3 `db.backup()`), step by step on its own
 * connection. In WAL mode a step only reads, so the service's writers carry on while it runs; a
 * write by another connection makes SQLite restart the copy, so after a few restarts the rest is
 * copied in one step (one read transaction: still no writer waits). The copy is a consistent
 * snapshot that contains every transaction committed before the backup started.
 *
 * Restore never writes over a database that anyone has open: it takes SQLite's own exclusive
 * lock on it first, which a running service (any open connection, idle or not) prevents, and
 * which the operating system releases when a process dies, so a crashed service never blocks it.
 * The backup is copied to a temporary file beside the database and renamed over it (atomic);
 * the database it replaces is kept beside it.
 */
import { closeSync, existsSync, fsyncSync, linkSync, copyFileSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';

/** Pages copied per step while no restart has happened (4 MiB with 4 KiB pages). */
const PAGES_PER_STEP = 1024;
/** Restarts (writes by the service mid-copy) tolerated before copying the rest in one step. */
const RESTARTS_BEFORE_ONE_STEP = 3;

/** Something the operator must fix (the file, the path, a service still running); no stack trace. */
export class SqliteBackupError extends Error {
  override name = 'SqliteBackupError';
}

/** What a backup wrote. */
export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
  restarts: number;
}

/** What a restore did. */
export interface RestoreResult {
  database: string;
  /** where the database it replaced was kept, or null when there was none */
  previous: string | null;
  bytes: number;
}

/** The file of a SQLite `DATABASE_URL` (a path, optionally `sqlite:`-prefixed). */
export function sqliteFileOf(databaseUrl: string): string {
  return databaseUrl.replace(/^sqlite:(\/\/)?/i, '');
}

/** Copies the live database at `source` to `destination` (a new file unless `overwrite`). */
export async function backupSqlite(source: string, destination: string, options: { overwrite?: boolean } = {}): Promise<BackupResult> {
  if (!existsSync(source)) throw new SqliteBackupError(`no database at ${source}`);
  if (existsSync(destination) && !options.overwrite) throw new SqliteBackupError(`${destination} exists; pass --force to replace it`);
  if (!existsSync(dirname(destination))) throw new SqliteBackupError(`the folder ${dirname(destination)} does not exist`);
  const partial = join(dirname(destination), `.${basename(destination)}.partial-${process.pid}`);
  const db = new SQLite(source, { fileMustExist: true });
  let restarts = 0;
  let pages = 0;
  try {
    db.pragma('busy_timeout = 5000');
    let lastRemaining = Infinity;
    const result = await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        if (remainingPages > lastRemaining) restarts++;
        lastRemaining = remainingPages;
        return restarts >= RESTARTS_BEFORE_ONE_STEP ? totalPages + 1 : PAGES_PER_STEP;
      },
    });
    pages = result.totalPages;
    selfContained(partial);
    fsyncFile(partial);
    renameSync(partial, destination);
    fsyncFile(dirname(destination));
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
  return { file: destination, bytes: statSync(destination).size, pages, restarts };
}

/** Replaces the database at `target` with the backup `source`, unless the database is open anywhere. */
export async function restoreSqlite(source: string, target: string): Promise<RestoreResult> {
  checkBackupFile(source);
  mkdirSync(dirname(target), { recursive: true });
  // held until the new file is in place: nobody opens the old database meanwhile
  const lock = existsSync(target) ? lockExclusively(target) : null;
  const temp = join(dirname(target), `.${basename(target)}.restore-${process.pid}`);
  try {
    const from = new SQLite(source, { fileMustExist: true });
    try {
      await from.backup(temp);
    } finally {
      from.close();
    }
    selfContained(temp);
    fsyncFile(temp);
    let previous: string | null = null;
    if (lock) {
      previous = `${target}.pre-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      try {
        linkSync(target, previous);
      } catch {
        copyFileSync(target, previous);
      }
    }
    // the old database's journal files must not be applied to the new one
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(target + suffix, { force: true });
    renameSync(temp, target);
    fsyncFile(dirname(target));
    return { database: target, previous, bytes: statSync(target).size };
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  } finally {
    lock?.close();
  }
}

/** Refuses a file that is not an intact database of this service. */
function checkBackupFile(file: string): void {
  if (!existsSync(file)) throw new SqliteBackupError(`no backup at ${file}`);
  let db: SQLite.Database | undefined;
  try {
    db = new SQLite(file, { readonly: true, fileMustExist: true });
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new SqliteBackupError(`${file} is damaged (quick_check: ${String(check)})`);
    const migrations = db.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
    if (!migrations) throw new SqliteBackupError(`${file} is not a canvas-kaltura database (no kysely_migration table)`);
  } catch (err) {
    if (err instanceof SqliteBackupError) throw err;
    throw new SqliteBackupError(`${file} is not a readable SQLite database: ${(err as Error).message}`);
  } finally {
    db?.close();
  }
}

/**
 * Opens `file` and takes SQLite's exclusive lock (fails at once if any connection, in any process,
 * has it open), then folds its WAL into the file. The caller closes it to release the lock.
 */
function lockExclusively(file: string): SQLite.Database {
  const db = new SQLite(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    db.pragma('journal_mode = DELETE');
    return db;
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new SqliteBackupError(`${file} is in use (a running service or command has it open): stop the service, then restore`);
    }
    throw err;
  }
}

/** Turns the copy into one self-contained file (no -wal beside it) and checks it reads back. */
function selfContained(file: string): void {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new SqliteBackupError(`the copy failed its check (quick_check: ${String(check)})`);
  } finally {
    db.close();
  }
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
