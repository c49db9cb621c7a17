/**
 * Prepared statements kept for reuse. Kysely's SQLite driver prepares every query again
 * (`db.prepare(sql)` on each call), which was the largest single cost of the session POST's
 * audit INSERT; SQLite re-prepares a kept statement by itself after a schema change.
 */
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** The part of a better-sqlite3 Database this needs. */
export interface PreparingDatabase {
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/** Statements kept per connection by default: the service issues a few dozen distinct queries. */
export const DEFAULT_STATEMENT_CACHE_SIZE = 256;

/**
 * `db` for Kysely's SqliteDialect, preparing each distinct SQL text once and keeping up to
 * `capacity` statements (least recently used dropped first). Statements are never run
 * concurrently: Kysely holds one SQLite connection behind a mutex and never streams here.
 */
export function withStatementCache(db: PreparingDatabase, capacity = DEFAULT_STATEMENT_CACHE_SIZE): SqliteDatabase & { readonly cachedStatements: number } {
  const cache = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string): SqliteStatement {
      const kept = cache.get(sql);
      if (kept !== undefined) {
        // most recently used last, so the first key is the one to drop
        cache.delete(sql);
        cache.set(sql, kept);
        return kept;
      }
      const statement = db.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > capacity) cache.delete(cache.keys().next().value!);
      return statement;
    },
    close(): void {
      cache.clear();
      db.close();
    },
    get cachedStatements(): number {
      return cache.size;
    },
  };
}
