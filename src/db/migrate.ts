/**
 * Runs the schema migrations (Kysely's Migrator; on PostgreSQL it holds an advisory lock, so
 * instances starting together migrate once).
 */
import type { Migration, MigrationProvider } from 'kysely';
import { Migrator } from './kysely.js';
import type { Db } from './connect.js';
import { initialMigration } from './migrations/0001-initial.js';
import { mediaMigration } from './migrations/0002-media.js';
import { adminOverviewMigration } from './migrations/0003-admin-overview.js';
import { statementTriggersMigration } from './migrations/0004-statement-triggers.js';

function migrations(dialect: Db['dialect']): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(dialect),
    '0002-media': mediaMigration(dialect),
    '0003-admin-overview': adminOverviewMigration(dialect),
    '0004-statement-triggers': statementTriggersMigration(dialect),
  };
}

function provider(db: Db): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return migrations(db.dialect);
    },
  };
}

/** The names of every migration, in the order they apply. */
export function migrationNames(db: Pick<Db, 'dialect'>): string[] {
  return Object.keys(migrations(db.dialect)).sort();
}

/** Applies the migrations up to and including `name` only (tests of a later migration over older data). */
export async function migrateUpTo(db: Db, name: string): Promise<void> {
  const migrator = new Migrator({ db: db.kysely, provider: provider(db), ...(db.schema ? { migrationTableSchema: db.schema } : {}) });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/** Brings the schema up to date; returns the names of the migrations it applied. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  // Kysely's introspection sees every schema; name ours so its bookkeeping tables are found there.
  const migrator = new Migrator({ db: db.kysely, provider: provider(db), ...(db.schema ? { migrationTableSchema: db.schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
