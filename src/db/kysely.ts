/**
 * Kysely's run-time values (the query builder class, the dialects, the migrator, `sql`), loaded
 * from its CommonJS build. Why: Kysely is ~260 module files, and Node 20's ES module loader reads
 * and links each one asynchronously, where `require` reads them synchronously: on this machine
 * that is ~0.06 s of CPU off every CLI database command (see docs/benchmarks.md, "CLI start-up").
 * Import Kysely's values only from here (types may come from 'kysely' directly): importing them
 * from 'kysely' as well would load the library a second time (test/ks-cli.test.ts checks this).
 */
import { createRequire } from 'node:module';

const kysely = createRequire(import.meta.url)('kysely') as typeof import('kysely');

/** The query builder over one database (a class: value and type). */
export const Kysely = kysely.Kysely;
export type Kysely<DB> = import('kysely').Kysely<DB>;
/** Dialects, the migrator and the raw-SQL template tag, as Kysely exports them. */
export const { SqliteDialect, PostgresDialect, Migrator, sql } = kysely;
