/**
 * Opens the database named by `DATABASE_URL`: a file path (SQLite through better-sqlite3, the
 * embedded default) or a `postgres://` URL (PostgreSQL through pg). Services see only Kysely.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from './kysely.js';
import type { Database } from './schema.js';
import { withStatementCache } from './sqlite-statement-cache.js';
import { SqliteCheckpointer, type CheckpointerOptions } from './sqlite-checkpointer.js';
import { poolStatements, type PreparedStatements } from './prepared-statements.js';

/** Which SQL database a connection talks to. */
export type DialectName = 'sqlite' | 'postgres';

/** An open database. */
export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  /** PostgreSQL schema chosen by the URL's `schema` parameter, else null (the default search path) */
  schema: string | null;
  /** PostgreSQL only (else null): named prepared statements, for the few statements on a hot path */
  prepared: PreparedStatements | null;
  /** Closes every connection. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** pg pool size */
  poolSize?: number;
  /**
   * SQLite: WAL checkpoints in a worker thread instead of on the event loop
   * (src/db/sqlite-checkpointer.ts); for the server, not for short CLI commands
   */
  backgroundCheckpoints?: CheckpointerOptions;
}

/** True when `url` names a PostgreSQL database. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Opens `url`. For PostgreSQL, a `schema` query parameter selects (and creates) a schema. */
export async function connectDatabase(url: string, options: ConnectOptions = {}): Promise<Db> {
  return isPostgresUrl(url) ? connectPostgres(url, options) : connectSqlite(url, options);
}

function connectSqlite(path: string, options: ConnectOptions): Db {
  const file = path.replace(/^sqlite:(\/\/)?/i, '');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // WAL + NORMAL: a killed process loses nothing that was committed; only an OS crash could.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  // Kysely's SQLite driver runs one query at a time on its one connection: holding it holds every query
  const hold = (work: () => Promise<void>) => kysely.connection().execute(work);
  const checkpointer = options.backgroundCheckpoints && !sqlite.memory ? SqliteCheckpointer.start(file, sqlite, options.backgroundCheckpoints, hold) : null;
  return {
    kysely,
    dialect: 'sqlite',
    schema: null,
    prepared: null,
    close: async () => {
      await checkpointer?.stop();
      await kysely.destroy();
    },
  };
}

async function connectPostgres(url: string, options: ConnectOptions): Promise<Db> {
  // loaded only for PostgreSQL: SQLite users (and every CLI command on SQLite) skip its start-up cost
  const { default: pg } = await import('pg');
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error('the schema parameter of DATABASE_URL must be a lower-case SQL identifier');
  }
  if (schema) {
    const admin = new pg.Client({ connectionString: parsed.toString() });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists "${schema}"`).catch((err: { code?: string }) => {
        // Two instances creating it at the same moment: PostgreSQL lets one of them fail.
        if (err.code !== '23505' && err.code !== '42P06') throw err;
      });
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // A dropped connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // A client in use when its connection drops emits 'error' too; without a listener that would
  // end the process. The query in flight fails (→ 503) and the pool discards the client.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kysely,
    dialect: 'postgres',
    schema: schema || null,
    prepared: poolStatements(pool),
    close: async () => {
      await kysely.destroy();
    },
  };
}
