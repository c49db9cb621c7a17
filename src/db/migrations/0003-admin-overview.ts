/**
 * The admin overview's storage: a row per Kaltura call (account, mode, endpoint, outcome, latency),
 * the settings check's answers, and indexes that let the overview's per-hour and per-day counts
 * read only an index (the audit's (account_id, created_at) index grows a `mode` column).
 */
import { type Kysely, type CreateTableBuilder } from 'kysely';

type Table = CreateTableBuilder<string, never>;

function withId(table: Table, dialect: 'sqlite' | 'postgres'): Table {
  return dialect === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

export function adminOverviewMigration(dialect: 'sqlite' | 'postgres') {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const create = (name: string) => withId(db.schema.createTable(name) as Table, dialect);

      // Covering indexes for the overview's GROUP BY (hour or day of created_at, mode): one
      // account, or every account (site admins). The old (account_id, created_at) index is a
      // prefix of the new one, so it goes (one index less to write per minted session).
      await db.schema.createIndex('kaltura_sessions_account_time_mode').on('kaltura_sessions').columns(['account_id', 'created_at', 'mode']).execute();
      await db.schema.createIndex('kaltura_sessions_time_mode').on('kaltura_sessions').columns(['created_at', 'mode']).execute();
      await db.schema.dropIndex('kaltura_sessions_account_time').execute();

      await create('kaltura_calls')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('account_id', 'integer', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('latency_ms', 'real', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('kaltura_calls_account_time').on('kaltura_calls').columns(['account_id', 'created_at', 'outcome', 'latency_ms']).execute();
      await db.schema.createIndex('kaltura_calls_time').on('kaltura_calls').columns(['created_at', 'outcome', 'latency_ms']).execute();

      await create('kaltura_settings_checks')
        .addColumn('checked_at', 'text', (c) => c.notNull())
        // null: the site-wide settings
        .addColumn('account_id', 'integer')
        .addColumn('ok', 'integer', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('kaltura_settings_checks_account_time').on('kaltura_settings_checks').columns(['account_id', 'checked_at']).execute();
    },
  };
}
