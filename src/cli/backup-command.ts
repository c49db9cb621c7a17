/** `canvas-kaltura backup FILE` and `canvas-kaltura restore FILE` (SQLite; PostgreSQL has its own tools). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError, type CliIo } from './cli-io.js';
import { print } from './cli-context.js';

/** The SQLite file of the configured database; PostgreSQL is refused with exit 2 and the tool to use. */
async function sqliteFile(tool: string): Promise<string> {
  const [{ loadConfig }, { isPostgresUrl }, { sqliteFileOf }] = await Promise.all([import('../config.js'), import('../db/connect.js'), import('../db/sqlite-backup.js')]);
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (isPostgresUrl(config.databaseUrl)) {
    throw new UsageError(`DATABASE_URL is PostgreSQL: use ${tool} (see docs/deployment.md, "Backups")`, 2);
  }
  return sqliteFileOf(config.databaseUrl);
}

/** Runs `fn`, turning the operator's problems (file, path, database in use) into a plain message. */
async function operatorErrors<T>(fn: () => Promise<T>): Promise<T> {
  const { SqliteBackupError } = await import('../db/sqlite-backup.js');
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SqliteBackupError) throw new UsageError(err.message);
    throw err;
  }
}

/** Adds `backup`. */
export function registerBackupCommand(program: Command, io: CliIo): void {
  program
    .command('backup')
    .description('copy the SQLite database to FILE while the service runs (SQLite backup API)')
    .argument('<file>', 'where to write the copy')
    .option('--force', 'replace FILE if it exists')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { force?: boolean; json?: boolean }) => {
      const source = await sqliteFile('pg_dump');
      const { backupSqlite } = await import('../db/sqlite-backup.js');
      const result = await operatorErrors(() => backupSqlite(source, resolve(file), { overwrite: opts.force === true }));
      print(io, opts.json, result, `backed up ${source} to ${result.file} (${result.bytes} bytes); secrets in it stay encrypted: keep SECRET_KEYS to use it`);
    });
}

/** Adds `restore`. */
export function registerRestoreCommand(program: Command, io: CliIo): void {
  program
    .command('restore')
    .description('replace the SQLite database with the backup FILE (the service must be stopped)')
    .argument('<file>', 'a file written by `canvas-kaltura backup`')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const target = await sqliteFile('pg_restore');
      const { restoreSqlite } = await import('../db/sqlite-backup.js');
      const result = await operatorErrors(() => restoreSqlite(resolve(file), target));
      const kept = result.previous ? `; the database it replaced is kept as ${result.previous}` : '';
      print(io, opts.json, result, `restored ${result.database} from ${resolve(file)}${kept}`);
    });
}
