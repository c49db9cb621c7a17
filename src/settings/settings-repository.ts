/** Stored Kaltura settings rows: site-wide (account_id null) and per root account. */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso } from '../db/time.js';
import type { PlainSettings } from './kaltura-settings.js';

/** One settings row; `sealedSecrets` holds encrypted values only. */
export interface SettingsRow {
  accountId: number | null;
  enabled: boolean | null;
  plain: PlainSettings;
  sealedSecrets: Record<string, string>;
  updatedAt: string;
}

function toSettingsRow(r: Selectable<Database['kaltura_settings']>): SettingsRow {
  return {
    accountId: r.account_id,
    enabled: r.enabled === null ? null : r.enabled === 1,
    plain: JSON.parse(r.settings) as PlainSettings,
    sealedSecrets: JSON.parse(r.secrets) as Record<string, string>,
    updatedAt: r.updated_at,
  };
}

/** Queries on kaltura_settings. */
export class SettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The row for `accountId` (null: site-wide). */
  async find(accountId: number | null): Promise<SettingsRow | undefined> {
    let q = this.db.selectFrom('kaltura_settings').selectAll();
    q = accountId === null ? q.where('account_id', 'is', null) : q.where('account_id', '=', accountId);
    const r = await q.executeTakeFirst();
    return r && toSettingsRow(r);
  }

  /** The site-wide row and the account's row in one round trip. */
  async findForAccount(accountId: number): Promise<{ site: SettingsRow | undefined; account: SettingsRow | undefined }> {
    const rows = await this.db
      .selectFrom('kaltura_settings')
      .selectAll()
      .where((eb) => eb.or([eb('account_id', 'is', null), eb('account_id', '=', accountId)]))
      .execute();
    const site = rows.find((r) => r.account_id === null);
    const account = rows.find((r) => r.account_id === accountId);
    return { site: site && toSettingsRow(site), account: account && toSettingsRow(account) };
  }

  /** Writes the whole row for `accountId` (insert or replace). */
  async save(row: Omit<SettingsRow, 'updatedAt'>): Promise<void> {
    const values = {
      enabled: row.enabled === null ? null : row.enabled ? 1 : 0,
      settings: JSON.stringify(row.plain),
      secrets: JSON.stringify(row.sealedSecrets),
      updated_at: nowIso(),
    };
    await this.db.transaction().execute(async (trx) => {
      let q = trx.updateTable('kaltura_settings').set(values);
      q = row.accountId === null ? q.where('account_id', 'is', null) : q.where('account_id', '=', row.accountId);
      const res = await q.executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) {
        await trx.insertInto('kaltura_settings').values({ account_id: row.accountId, ...values }).execute();
      }
    });
  }

  /** Every row (for key rotation). */
  async all(): Promise<SettingsRow[]> {
    const rows = await this.db.selectFrom('kaltura_settings').selectAll().execute();
    return rows.map(toSettingsRow);
  }
}
