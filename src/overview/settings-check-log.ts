/**
 * The settings check's answers, kept so the admin overview can show the last one (the check
 * runs when settings are saved or when an admin asks; its message never holds a secret).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { SettingsCheckResult } from '../settings/settings-service.js';
import { nowIso } from '../db/time.js';

/** A stored answer. */
export interface StoredSettingsCheck extends SettingsCheckResult {
  /** null: the site-wide settings */
  accountId: number | null;
  checkedAt: string;
}

/** Reads and writes kaltura_settings_checks. */
export class SettingsCheckLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Records the answer of a check of one level's settings (null: site-wide). */
  async record(accountId: number | null, result: SettingsCheckResult): Promise<void> {
    await this.db
      .insertInto('kaltura_settings_checks')
      .values({ checked_at: nowIso(new Date(this.clock())), account_id: accountId, ok: result.ok ? 1 : 0, outcome: result.outcome, message: result.message })
      .execute();
  }

  /** The latest answer for the level (null: site-wide), or null when none was recorded. */
  async latest(accountId: number | null): Promise<StoredSettingsCheck | null> {
    let q = this.db.selectFrom('kaltura_settings_checks').selectAll();
    q = accountId === null ? q.where('account_id', 'is', null) : q.where('account_id', '=', accountId);
    const row = await q.orderBy('checked_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    if (!row) return null;
    return { accountId: row.account_id, checkedAt: row.checked_at, ok: row.ok === 1, outcome: row.outcome, message: row.message };
  }
}
