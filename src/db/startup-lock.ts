/**
 * A lock held across processes while one of them does first-start work (seeding), so
 * instances starting together on an empty PostgreSQL database seed it once. SQLite needs none:
 * its instances are one process, or `serve --workers`, whose primary seeds before forking.
 */
import { sql } from './kysely.js';
import type { Db } from './connect.js';

/** Runs `fn` while holding a PostgreSQL advisory lock named by `name` and the schema. */
export async function withStartupLock<T>(db: Db, name: string, fn: () => Promise<T>): Promise<T> {
  if (db.dialect !== 'postgres') return fn();
  const key = `canvas-kaltura:${name}:${db.schema ?? 'public'}`;
  // Session-level lock on one reserved connection; `fn` may use other pool connections.
  return db.kysely.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext(${key}))`.execute(conn);
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(conn);
    }
  });
}
