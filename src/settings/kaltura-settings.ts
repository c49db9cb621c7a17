/**
 * The Kaltura settings: Canvas's plugin fields, the keys Canvas reads that its form lacks, and
 * our additions (how sessions are minted). Pure definitions and helpers.
 */

/** Fields of Canvas's Kaltura settings page, in its order. */
export const CANVAS_FORM_FIELDS = [
  'domain',
  'resource_domain',
  'rtmp_domain',
  'partner_id',
  'subpartner_id',
  'secret_key',
  'user_secret_key',
  'player_ui_conf',
  'kcw_ui_conf',
  'upload_ui_conf',
  'cache_play_list_seconds',
  'kaltura_sis',
  'do_analytics',
  'hide_rte_button',
  'js_uploader',
] as const;

/** Keys Canvas reads but does not show on its form. */
export const CANVAS_EXTRA_FIELDS = ['protocol', 'player_cache_st', 'max_file_size_bytes', 'endpoint'] as const;

/** Our additions: how and how long sessions are minted. */
export const SESSION_FIELDS = [
  'session_mode',
  'ks_version',
  'session_expiry',
  'session_privileges',
  'app_token_id',
  'app_token',
  'app_token_hash_type',
  'kaltura_timeout_ms',
] as const;

/** Our additions for media objects and tracks. */
export const MEDIA_FIELDS = ['max_caption_bytes'] as const;

export type SettingKey = (typeof CANVAS_FORM_FIELDS)[number] | (typeof CANVAS_EXTRA_FIELDS)[number] | (typeof SESSION_FIELDS)[number] | (typeof MEDIA_FIELDS)[number];

/** Every key the settings accept. */
export const ALL_SETTING_KEYS: readonly SettingKey[] = [...CANVAS_FORM_FIELDS, ...CANVAS_EXTRA_FIELDS, ...SESSION_FIELDS, ...MEDIA_FIELDS];

/** Write-only keys: encrypted at rest, never shown again. */
export const SECRET_KEYS = ['secret_key', 'user_secret_key', 'app_token'] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

export const BOOLEAN_KEYS = ['do_analytics', 'hide_rte_button', 'js_uploader'] as const;
export const SESSION_MODES = ['local', 'remote', 'app_token'] as const;
export type SessionMode = (typeof SESSION_MODES)[number];
export const HASH_TYPES = ['SHA256', 'SHA1', 'MD5', 'SHA512'] as const;
export type AppTokenHashType = (typeof HASH_TYPES)[number];

/** A stored (non-secret) setting value. */
export type SettingValue = string | number | boolean;

/** Non-secret settings as stored. */
export type PlainSettings = Partial<Record<Exclude<SettingKey, SecretKey>, SettingValue>>;
/** Secrets in the clear (only in memory, never in a response or log). */
export type SecretSettings = Partial<Record<SecretKey, string>>;

/** Defaults for our additions. */
export const DEFAULTS = {
  session_mode: 'local' as SessionMode,
  ks_version: 2 as 1 | 2,
  session_expiry: 21600,
  session_privileges: '',
  app_token_hash_type: 'SHA256' as AppTokenHashType,
  kaltura_timeout_ms: 5000,
  protocol: 'https',
  endpoint: '/api_v3',
  max_file_size_bytes: 534773760,
  /** largest caption file accepted (1 MiB) */
  max_caption_bytes: 1048576,
};

/** The most `max_caption_bytes` may be set to (the request body limit bounds it too). */
export const MAX_CAPTION_BYTES_LIMIT = 10 * 1024 * 1024;

/** The caption size limit the settings ask for, else the default. */
export function maxCaptionBytes(plain: PlainSettings): number {
  return typeof plain.max_caption_bytes === 'number' && plain.max_caption_bytes > 0 ? plain.max_caption_bytes : DEFAULTS.max_caption_bytes;
}

/** The settings that apply to one root account (site-wide merged with the account's own). */
export interface EffectiveSettings {
  /** A settings row exists (site-wide or the account's). */
  exists: boolean;
  enabled: boolean;
  plain: PlainSettings;
  secrets: SecretSettings;
}

function nonBlank(v: SettingValue | undefined): boolean {
  return v !== undefined && String(v).trim() !== '';
}

/** Canvas's "configured": present, enabled, with a non-blank partner_id and subpartner_id. */
export function isConfigured(s: EffectiveSettings): boolean {
  return s.exists && s.enabled && nonBlank(s.plain.partner_id) && nonBlank(s.plain.subpartner_id);
}

/** The session parameters the settings ask for, with defaults applied. */
export interface SessionPolicy {
  mode: SessionMode;
  ksVersion: 1 | 2;
  expirySeconds: number;
  privileges: string;
  timeoutMs: number;
  protocol: 'http' | 'https';
  endpoint: string;
  appTokenHashType: AppTokenHashType;
}

/** Reads the session policy from (already validated) settings. */
export function sessionPolicy(plain: PlainSettings): SessionPolicy {
  const mode = (SESSION_MODES as readonly string[]).includes(String(plain.session_mode)) ? (plain.session_mode as SessionMode) : DEFAULTS.session_mode;
  const hash = (HASH_TYPES as readonly string[]).includes(String(plain.app_token_hash_type)) ? (plain.app_token_hash_type as AppTokenHashType) : DEFAULTS.app_token_hash_type;
  return {
    mode,
    ksVersion: Number(plain.ks_version) === 1 ? 1 : 2,
    expirySeconds: typeof plain.session_expiry === 'number' ? plain.session_expiry : DEFAULTS.session_expiry,
    privileges: typeof plain.session_privileges === 'string' ? plain.session_privileges : DEFAULTS.session_privileges,
    timeoutMs: typeof plain.kaltura_timeout_ms === 'number' ? plain.kaltura_timeout_ms : DEFAULTS.kaltura_timeout_ms,
    protocol: plain.protocol === 'http' ? 'http' : 'https',
    endpoint: typeof plain.endpoint === 'string' && plain.endpoint !== '' ? plain.endpoint : DEFAULTS.endpoint,
    appTokenHashType: hash,
  };
}

/** The text shown instead of a stored secret. */
export const SECRET_MASK = '********';
