/** The first schema: accounts, users, logins, admins, developer keys, tokens, settings, audit, error reports. */
import type { Kysely, CreateTableBuilder } from 'kysely';
import { sql } from '../kysely.js';

type Table = CreateTableBuilder<string, never>;

/** An auto-incrementing integer primary key in either database. */
function withId(table: Table, dialect: 'sqlite' | 'postgres'): Table {
  return dialect === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

export function initialMigration(dialect: 'sqlite' | 'postgres') {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const create = (name: string) => withId(db.schema.createTable(name) as Table, dialect);

      await create('accounts')
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await create('account_domains')
        .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('domain', 'text', (c) => c.notNull().unique())
        .execute();

      await create('users')
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await create('pseudonyms')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('unique_id', 'text', (c) => c.notNull())
        .addColumn('unique_id_normalized', 'text', (c) => c.notNull())
        .addColumn('sis_user_id', 'text')
        .addColumn('workflow_state', 'text', (c) => c.notNull().defaultTo('active'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('pseudonyms_account_unique_id').on('pseudonyms').columns(['account_id', 'unique_id_normalized']).unique().execute();
      await db.schema.createIndex('pseudonyms_user').on('pseudonyms').columns(['user_id', 'account_id']).execute();
      await db.schema.createIndex('pseudonyms_account_sis').on('pseudonyms').columns(['account_id', 'sis_user_id']).execute();

      await create('account_admins')
        .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull().defaultTo('AccountAdmin'))
        .addColumn('become_user', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('site_admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('account_admins_account_user').on('account_admins').columns(['account_id', 'user_id']).unique().execute();

      await create('developer_keys')
        .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('workflow_state', 'text', (c) => c.notNull().defaultTo('active'))
        .addColumn('require_scopes', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('scopes', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await create('access_tokens')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('real_user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('developer_key_id', 'integer', (c) => c.references('developer_keys.id').onDelete('cascade'))
        .addColumn('crypted_token', 'text', (c) => c.notNull().unique())
        .addColumn('token_key_id', 'text', (c) => c.notNull())
        .addColumn('token_hint', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text')
        .addColumn('scopes', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('workflow_state', 'text', (c) => c.notNull().defaultTo('active'))
        .addColumn('expires_at', 'text')
        .addColumn('last_used_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('access_tokens_user').on('access_tokens').column('user_id').execute();
      await db.schema.createIndex('access_tokens_developer_key').on('access_tokens').column('developer_key_id').execute();

      await create('kaltura_settings')
        .addColumn('account_id', 'integer', (c) => c.references('accounts.id').onDelete('cascade'))
        .addColumn('enabled', 'integer')
        .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('secrets', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // One site-wide row (account_id null) and at most one row per account.
      await sql`create unique index kaltura_settings_account on kaltura_settings (coalesce(account_id, 0))`.execute(db);

      await create('error_reports')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('backtrace', 'text')
        .addColumn('request_id', 'text')
        .addColumn('http_method', 'text')
        .addColumn('url', 'text')
        .addColumn('account_id', 'integer')
        .addColumn('user_id', 'integer')
        .execute();

      await create('kaltura_sessions')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('account_id', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('real_user_id', 'integer')
        .addColumn('uid', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('privileges', 'text', (c) => c.notNull())
        .addColumn('ks_tail', 'text', (c) => c.notNull())
        .addColumn('client_ip', 'text')
        .addColumn('request_id', 'text')
        .execute();
      await db.schema.createIndex('kaltura_sessions_account_time').on('kaltura_sessions').columns(['account_id', 'created_at']).execute();
      await db.schema.createIndex('kaltura_sessions_user').on('kaltura_sessions').columns(['user_id']).execute();
    },
  };
}
