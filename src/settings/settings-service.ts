/**
 * Reading and changing Kaltura settings: site-wide values merged with a root account's own,
 * secrets sealed at rest, effective settings cached for a bounded time.
 */
import { TtlCache } from '../cache/ttl-cache.js';
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import type { Keyring } from '../crypto/keyring.js';
import { openSecret, sealSecret, sealedKeyId } from '../crypto/secret-box.js';
import {
  ALL_SETTING_KEYS,
  SECRET_KEYS,
  SECRET_MASK,
  type EffectiveSettings,
  type PlainSettings,
  type SecretKey,
  type SecretSettings,
} from './kaltura-settings.js';
import type { SettingsRepository, SettingsRow } from './settings-repository.js';
import { validateSettings, type FieldError } from './settings-validator.js';

/** What a connectivity check says about candidate settings (see the Kaltura connectivity work). */
export interface SettingsCheckResult {
  ok: boolean;
  /** machine-readable outcome: success, wrong_secret, unknown_partner, timeout, … */
  outcome: string;
  message: string;
}

/** Checks candidate settings against Kaltura before they are saved. */
export interface SettingsChecker {
  /** True when these settings should be checked on save even without `check: true`. */
  checksByDefault(settings: EffectiveSettings): boolean;
  check(settings: EffectiveSettings): Promise<SettingsCheckResult>;
}

/** Keeps the check's answers (the admin overview shows the last one). */
export interface SettingsCheckRecorder {
  record(accountId: number | null, result: SettingsCheckResult): Promise<void>;
}

export interface UpdateOptions {
  /** run the connectivity check even where the mode does not ask for it */
  check?: boolean;
  /** save even when the check fails */
  force?: boolean;
  /** keys to remove from this level (a secret cannot be blanked, only removed this way) */
  unset?: string[];
  /** turn Kaltura on or off for this level in the same save (default: unchanged; see firstSaveEnabled) */
  enabled?: boolean;
}

export type UpdateResult =
  | { ok: true; settings: MaskedSettings; check: SettingsCheckResult | null }
  | { ok: false; errors: FieldError[]; check: SettingsCheckResult | null };

/** Settings as shown to an admin: secrets replaced by a mask. */
export interface MaskedSettings {
  account_id: number | null;
  enabled: boolean | null;
  settings: Record<string, unknown>;
  updated_at: string | null;
}

function secretContext(accountId: number | null, key: string): string {
  return `kaltura_settings:${accountId ?? 'site'}:${key}`;
}

/** Site-wide and per-account Kaltura settings. */
export class SettingsService {
  private readonly cache: TtlCache<number, EffectiveSettings>;
  private checker: SettingsChecker | null = null;
  private checkLog: SettingsCheckRecorder | null = null;

  constructor(
    private readonly repo: SettingsRepository,
    private readonly keyring: Keyring,
    private readonly bus: InvalidationBus,
    cacheTtlMs: number,
  ) {
    this.cache = new TtlCache(cacheTtlMs, 10_000);
    bus.subscribe((topic, key) => {
      if (topic !== 'settings') return;
      if (key === 'site') this.cache.clear();
      else this.cache.delete(Number(key));
    });
  }

  /** Plugs in the connectivity check used on save. */
  useChecker(checker: SettingsChecker): void {
    this.checker = checker;
  }

  /** Plugs in where the check's answers are kept. */
  useCheckLog(log: SettingsCheckRecorder): void {
    this.checkLog = log;
  }

  /** Runs the check on candidate settings of one level and keeps its answer. */
  private async runCheck(accountId: number | null, settings: EffectiveSettings): Promise<SettingsCheckResult> {
    const result = await this.checker!.check(settings);
    await this.checkLog?.record(accountId, result);
    return result;
  }

  /** {@link effective} when it is cached, without a promise; else undefined. */
  cachedEffective(accountId: number): EffectiveSettings | undefined {
    return this.cache.get(accountId);
  }

  /** The settings in force for a root account (cached for at most the cache TTL). */
  async effective(accountId: number): Promise<EffectiveSettings> {
    return this.cache.load(accountId, async () => {
      const { site, account } = await this.repo.findForAccount(accountId);
      return this.merge(site, account);
    });
  }

  private merge(site: SettingsRow | undefined, account: SettingsRow | undefined): EffectiveSettings {
    return {
      exists: site !== undefined || account !== undefined,
      enabled: account?.enabled ?? site?.enabled ?? false,
      plain: { ...site?.plain, ...account?.plain },
      secrets: { ...this.open(site), ...this.open(account) },
    };
  }

  private open(row: SettingsRow | undefined): SecretSettings {
    const out: SecretSettings = {};
    if (!row) return out;
    for (const [key, sealed] of Object.entries(row.sealedSecrets)) {
      out[key as SecretKey] = openSecret(this.keyring, sealed, secretContext(row.accountId, key));
    }
    return out;
  }

  /** The stored row of one level (null: site-wide), masked, or null when nothing is stored. */
  async show(accountId: number | null): Promise<MaskedSettings> {
    const row = await this.repo.find(accountId);
    return mask(accountId, row);
  }

  /**
   * Validates and saves submitted values for one level (null: site-wide) with Canvas's rules;
   * runs the connectivity check where the mode asks for it (or `check`), refusing broken
   * settings unless `force`.
   */
  async update(accountId: number | null, submitted: Record<string, unknown>, options: UpdateOptions = {}): Promise<UpdateResult> {
    const row = await this.repo.find(accountId);
    const validation = validateSettings(submitted, new Set(Object.keys(row?.sealedSecrets ?? {})));
    if (!validation.ok) return { ok: false, errors: validation.errors, check: null };
    const { change } = validation;
    const unknown = (options.unset ?? []).filter((k) => !(ALL_SETTING_KEYS as readonly string[]).includes(k));
    if (unknown.length > 0) return { ok: false, errors: unknown.map((k) => ({ field: k, message: `Unknown setting "${k}"` })), check: null };
    for (const key of options.unset ?? []) {
      if ((SECRET_KEYS as readonly string[]).includes(key)) change.unsetSecrets.push(key as SecretKey);
      else change.unset.push(key);
    }
    const noop = validation.noop && (options.unset ?? []).length === 0;
    const plain: Record<string, unknown> = { ...row?.plain, ...change.plain };
    for (const key of change.unset) delete plain[key];
    const sealed: Record<string, string> = { ...row?.sealedSecrets };
    for (const key of change.unsetSecrets) delete sealed[key];
    for (const [key, value] of Object.entries(change.secrets)) {
      if (value !== undefined) sealed[key] = sealSecret(this.keyring, value, secretContext(accountId, key));
    }
    const next: Omit<SettingsRow, 'updatedAt'> = {
      accountId,
      enabled: options.enabled ?? (row ? row.enabled : await this.firstSaveEnabled(accountId)),
      plain: plain as PlainSettings,
      sealedSecrets: sealed,
    };

    let check: SettingsCheckResult | null = null;
    if (this.checker && !noop) {
      const candidate = await this.candidate(accountId, next);
      if (options.check || this.checker.checksByDefault(candidate)) {
        check = await this.runCheck(accountId, candidate);
        if (!check.ok && !options.force) {
          return { ok: false, errors: [{ field: 'connectivity', message: check.message }], check };
        }
      }
    }
    if (!noop) {
      await this.repo.save(next);
      this.bus.publish('settings', accountId === null ? 'site' : String(accountId));
    }
    return { ok: true, settings: await this.show(accountId), check };
  }

  /**
   * Whether a level's first save turns Kaltura on. Canvas treats a saved plugin setting as enabled
   * unless disabled, so it does; but an account whose site-wide settings say disabled keeps
   * inheriting that (null) rather than overriding it.
   */
  private async firstSaveEnabled(accountId: number | null): Promise<boolean | null> {
    if (accountId === null) return true;
    const site = await this.repo.find(null);
    return site?.enabled === false ? null : true;
  }

  /** What the settings would be for an account (or the site-wide level) once `next` is saved. */
  private async candidate(accountId: number | null, next: Omit<SettingsRow, 'updatedAt'>): Promise<EffectiveSettings> {
    const asRow = { ...next, updatedAt: '' };
    if (accountId === null) return this.merge(asRow, undefined);
    const site = await this.repo.find(null);
    return this.merge(site, asRow);
  }

  /** Runs the connectivity check on the settings in force, without changing anything. */
  async checkNow(accountId: number | null): Promise<SettingsCheckResult | null> {
    if (!this.checker) return null;
    const settings = accountId === null ? this.merge(await this.repo.find(null), undefined) : await this.effective(accountId);
    return this.runCheck(accountId, settings);
  }

  /** Turns Kaltura on or off for one level. */
  async setEnabled(accountId: number | null, enabled: boolean): Promise<MaskedSettings> {
    const row = await this.repo.find(accountId);
    await this.repo.save({ accountId, enabled, plain: row?.plain ?? {}, sealedSecrets: row?.sealedSecrets ?? {} });
    this.bus.publish('settings', accountId === null ? 'site' : String(accountId));
    return this.show(accountId);
  }

  /** Re-encrypts every stored secret under the current key; returns how many were rewritten. */
  async reencryptAll(): Promise<number> {
    let count = 0;
    for (const row of await this.repo.all()) {
      let changed = false;
      const sealed: Record<string, string> = {};
      for (const [key, value] of Object.entries(row.sealedSecrets)) {
        if (sealedKeyId(value) === this.keyring.current.id) {
          sealed[key] = value;
          continue;
        }
        const ctx = secretContext(row.accountId, key);
        sealed[key] = sealSecret(this.keyring, openSecret(this.keyring, value, ctx), ctx);
        changed = true;
        count++;
      }
      if (changed) {
        await this.repo.save({ accountId: row.accountId, enabled: row.enabled, plain: row.plain, sealedSecrets: sealed });
        this.bus.publish('settings', row.accountId === null ? 'site' : String(row.accountId));
      }
    }
    return count;
  }
}

function mask(accountId: number | null, row: SettingsRow | undefined): MaskedSettings {
  const settings: Record<string, unknown> = {};
  if (row) {
    for (const key of ALL_SETTING_KEYS) {
      if ((SECRET_KEYS as readonly string[]).includes(key)) {
        if (row.sealedSecrets[key] !== undefined) settings[key] = SECRET_MASK;
      } else if ((row.plain as Record<string, unknown>)[key] !== undefined) {
        settings[key] = (row.plain as Record<string, unknown>)[key];
      }
    }
  }
  return { account_id: accountId, enabled: row?.enabled ?? null, settings, updated_at: row?.updatedAt ?? null };
}
