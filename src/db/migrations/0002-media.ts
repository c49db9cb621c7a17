/**
 * Media objects (Kaltura entries registered by Canvas's client), their caption tracks, and the
 * audit log of their creation and deletion. Same tables in SQLite and PostgreSQL.
 */
import type { Kysely, CreateTableBuilder } from 'kysely';

type Table = CreateTableBuilder<string, never>;

function withId(table: Table, dialect: 'sqlite' | 'postgres'): Table {
  return dialect === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/** Creates media_objects, media_tracks and media_events. */
export function mediaMigration(dialect: 'sqlite' | 'postgres') {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const create = (name: string) => withId(db.schema.createTable(name) as Table, dialect);

      await create('media_objects')
        .addColumn('root_account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('media_id', 'text', (c) => c.notNull())
        .addColumn('media_type', 'text', (c) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('user_entered_title', 'text')
        .addColumn('context_code', 'text')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('duration', 'integer')
        .addColumn('workflow_state', 'text', (c) => c.notNull().defaultTo('active'))
        // null until Kaltura's media.get answered for this entry; the next listing tries again
        .addColumn('kaltura_synced_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('media_objects_account_media_id').on('media_objects').columns(['root_account_id', 'media_id']).unique().execute();
      await db.schema.createIndex('media_objects_account_context').on('media_objects').columns(['root_account_id', 'context_code']).execute();
      await db.schema.createIndex('media_objects_user').on('media_objects').columns(['user_id']).execute();

      await create('media_tracks')
        .addColumn('media_object_id', 'integer', (c) => c.notNull().references('media_objects.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('media_tracks_object_locale').on('media_tracks').columns(['media_object_id', 'locale']).unique().execute();

      await create('media_events')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('account_id', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('real_user_id', 'integer')
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('media_id', 'text', (c) => c.notNull())
        .addColumn('track_id', 'integer')
        .addColumn('locale', 'text')
        .addColumn('context_code', 'text')
        .addColumn('client_ip', 'text')
        .addColumn('request_id', 'text')
        .execute();
      await db.schema.createIndex('media_events_account_time').on('media_events').columns(['account_id', 'id']).execute();
      // the overview counts events per day and account (src/overview/overview-charts.ts)
      await db.schema.createIndex('media_events_account_event_created').on('media_events').columns(['account_id', 'event', 'created_at']).execute();
    },
  };
}
