/**
 * Table types for Kysely. The same tables exist in SQLite and PostgreSQL: ids are integers,
 * booleans are stored as 0/1 integers and times as ISO-8601 UTC text, so both databases
 * return identical rows.
 */
import type { Generated } from 'kysely';

export interface AccountsTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  is_default: number;
  created_at: string;
  updated_at: string;
}

export interface AccountDomainsTable {
  id: Generated<number>;
  account_id: number;
  domain: string;
}

export interface UsersTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface PseudonymsTable {
  id: Generated<number>;
  user_id: number;
  account_id: number;
  unique_id: string;
  /** lower-cased unique_id, for the case-insensitive unique index */
  unique_id_normalized: string;
  sis_user_id: string | null;
  /** 'active' | 'suspended' | 'deleted' */
  workflow_state: string;
  created_at: string;
  updated_at: string;
}

export interface AccountAdminsTable {
  id: Generated<number>;
  account_id: number;
  user_id: number;
  role: string;
  become_user: number;
  site_admin: number;
  created_at: string;
}

export interface DeveloperKeysTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  /** 'active' | 'inactive' | 'deleted' */
  workflow_state: string;
  require_scopes: number;
  /** JSON array of scope strings */
  scopes: string;
  created_at: string;
  updated_at: string;
}

export interface AccessTokensTable {
  id: Generated<number>;
  user_id: number;
  /** set on a masquerade token: the admin who acts through it */
  real_user_id: number | null;
  developer_key_id: number | null;
  /** HMAC-SHA256 (hex) of the token under the key named by token_key_id */
  crypted_token: string;
  token_key_id: string;
  token_hint: string;
  purpose: string | null;
  /** JSON array of scope strings */
  scopes: string;
  /** 'active' | 'deleted' */
  workflow_state: string;
  expires_at: string | null;
  last_used_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface KalturaSettingsTable {
  id: Generated<number>;
  /** null: the site-wide settings */
  account_id: number | null;
  /** 1 enabled, 0 disabled, null (account rows only): follow the site-wide switch */
  enabled: number | null;
  /** JSON object of the non-secret settings */
  settings: string;
  /** JSON object of sealed secrets */
  secrets: string;
  updated_at: string;
}

export interface ErrorReportsTable {
  id: Generated<number>;
  created_at: string;
  category: string;
  message: string;
  backtrace: string | null;
  request_id: string | null;
  http_method: string | null;
  url: string | null;
  account_id: number | null;
  user_id: number | null;
}

export interface KalturaSessionsTable {
  id: Generated<number>;
  created_at: string;
  account_id: number;
  user_id: number;
  real_user_id: number | null;
  uid: string;
  mode: string;
  expires_at: string;
  privileges: string;
  ks_tail: string;
  client_ip: string | null;
  request_id: string | null;
}

export interface MediaObjectsTable {
  id: Generated<number>;
  root_account_id: number;
  /** the Kaltura entry id */
  media_id: string;
  /** 'video' | 'audio' | 'image' … as sent or as Kaltura says */
  media_type: string;
  title: string | null;
  user_entered_title: string | null;
  /** as sent: `user_3`, `course_12`, … */
  context_code: string | null;
  user_id: number;
  /** seconds, from Kaltura */
  duration: number | null;
  workflow_state: string;
  /** when Kaltura's media.get last answered; null: not yet (the next listing retries) */
  kaltura_synced_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MediaTracksTable {
  id: Generated<number>;
  media_object_id: number;
  user_id: number | null;
  /** subtitles | captions | descriptions | chapters | metadata */
  kind: string;
  locale: string;
  /** 'vtt' | 'srt' */
  format: string;
  content: string;
  created_at: string;
  updated_at: string;
}

export interface MediaEventsTable {
  id: Generated<number>;
  created_at: string;
  account_id: number;
  user_id: number;
  real_user_id: number | null;
  /** media_object_created | media_object_deleted | media_track_created | media_track_updated | media_track_deleted */
  event: string;
  media_id: string;
  track_id: number | null;
  locale: string | null;
  context_code: string | null;
  client_ip: string | null;
  request_id: string | null;
}

/** One call to Kaltura made to get a session (remote and app_token modes; local mode makes none). */
export interface KalturaCallsTable {
  id: Generated<number>;
  created_at: string;
  account_id: number;
  mode: string;
  /** `<protocol>://<domain><endpoint>`, the circuit breaker's key */
  endpoint: string;
  /** success | kaltura_session_failed | kaltura_timeout | kaltura_unavailable | kaltura_not_configured | internal */
  outcome: string;
  latency_ms: number;
}

/** An answer of the Kaltura settings check (on save, or when asked). */
export interface KalturaSettingsChecksTable {
  id: Generated<number>;
  checked_at: string;
  /** null: the site-wide settings */
  account_id: number | null;
  ok: number;
  outcome: string;
  message: string;
}

/** Sessions minted per account, hour (`2026-12-02T16`) and mode, kept by a trigger on kaltura_sessions. */
export interface KalturaSessionHoursTable {
  account_id: number;
  hour: string;
  mode: string;
  sessions: number;
}

/** Kaltura calls per account, hour and outcome, kept by a trigger on kaltura_calls. */
export interface KalturaCallHoursTable {
  account_id: number;
  hour: string;
  outcome: string;
  calls: number;
}

export interface Database {
  accounts: AccountsTable;
  account_domains: AccountDomainsTable;
  users: UsersTable;
  pseudonyms: PseudonymsTable;
  account_admins: AccountAdminsTable;
  developer_keys: DeveloperKeysTable;
  access_tokens: AccessTokensTable;
  kaltura_settings: KalturaSettingsTable;
  error_reports: ErrorReportsTable;
  kaltura_sessions: KalturaSessionsTable;
  media_objects: MediaObjectsTable;
  media_tracks: MediaTracksTable;
  media_events: MediaEventsTable;
  kaltura_calls: KalturaCallsTable;
  kaltura_settings_checks: KalturaSettingsChecksTable;
  kaltura_session_hours: KalturaSessionHoursTable;
  kaltura_call_hours: KalturaCallHoursTable;
}
