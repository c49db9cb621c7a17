/**
 * Canvas's validator for the Kaltura plugin settings, plus checks for our own keys. Pure: takes
 * what was submitted and what is stored, returns the change to apply or the errors per field.
 */
import {
  ALL_SETTING_KEYS,
  BOOLEAN_KEYS,
  CANVAS_FORM_FIELDS,
  HASH_TYPES,
  MAX_CAPTION_BYTES_LIMIT,
  SECRET_KEYS,
  SESSION_MODES,
  type PlainSettings,
  type SecretKey,
  type SecretSettings,
  type SettingKey,
  type SettingValue,
} from './kaltura-settings.js';
import { valueToBoolean } from '../canvas/value-to-boolean.js';

/** One problem with one submitted field. */
export interface FieldError {
  field: string;
  message: string;
}

/** What saving the submitted values would change. */
export interface SettingsChange {
  plain: PlainSettings;
  /** non-secret keys to remove */
  unset: string[];
  secrets: SecretSettings;
  /** secret keys to remove */
  unsetSecrets: SecretKey[];
}

export type ValidationResult = { ok: true; change: SettingsChange; noop: boolean } | { ok: false; errors: FieldError[] };

const OPTIONAL_CANVAS_FIELDS = new Set(['cache_play_list_seconds', 'rtmp_domain']);
const CANVAS_FIELDS = new Set<string>(CANVAS_FORM_FIELDS);
const SECRETS = new Set<string>(SECRET_KEYS);
const BOOLEANS = new Set<string>(BOOLEAN_KEYS);
const KNOWN = new Set<string>(ALL_SETTING_KEYS);
const HOST_RE = /^(?=.{1,253}(:|$))[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::\d{1,5})?$/;
const MAX_VALUE_LENGTH = 4096;

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

function intIn(text: string, min: number, max: number): number | undefined {
  if (!/^\s*-?\d+\s*$/.test(text)) return undefined;
  const n = Number(text.trim());
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
}

/**
 * Validates `submitted` (key → value as the form or API sent it) against Canvas's rules and ours;
 * `storedSecrets` says which secrets exist already, so a blank secret means "keep it".
 * @example validateSettings({ partner_id: '100' }, new Set()) // → { ok: true, change: { plain: { partner_id: '100' }, … } }
 */
export function validateSettings(submitted: Record<string, unknown>, storedSecrets: ReadonlySet<string>): ValidationResult {
  const entries = Object.entries(submitted).filter(([key]) => KNOWN.has(key)) as [SettingKey, unknown][];
  const change: SettingsChange = { plain: {}, unset: [], secrets: {}, unsetSecrets: [] };
  // Canvas rule 1: nothing but blanks → valid, nothing changes.
  if (entries.every(([, v]) => isBlank(v))) return { ok: true, change, noop: true };

  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });
  const plain = change.plain as Record<string, SettingValue>;

  for (const [key, raw] of entries) {
    if (raw !== null && raw !== undefined && typeof raw === 'object') {
      fail(key, `The field "${key}" must be a single value`);
      continue;
    }
    const text = asText(raw) ?? '';
    if (text.length > MAX_VALUE_LENGTH) {
      fail(key, `The field "${key}" is too long (at most ${MAX_VALUE_LENGTH} characters)`);
      continue;
    }
    if (/[\u0000-\u001f\u007f]/.test(text)) {
      fail(key, `The field "${key}" must not contain control characters`);
      continue;
    }
    const blank = text.trim() === '';

    if (SECRETS.has(key)) {
      const secretKey = key as SecretKey;
      if (blank) {
        // Write-only: a blank secret keeps the stored one. Canvas requires its two secrets.
        if (CANVAS_FIELDS.has(key) && !storedSecrets.has(key)) fail(key, `The field "${key}" is required`);
      } else {
        change.secrets[secretKey] = text;
      }
      continue;
    }

    if (BOOLEANS.has(key)) {
      if (blank) fail(key, `The field "${key}" is required`);
      else plain[key] = valueToBoolean(raw);
      continue;
    }

    if (blank) {
      if (CANVAS_FIELDS.has(key) && !OPTIONAL_CANVAS_FIELDS.has(key)) fail(key, `The field "${key}" is required`);
      else change.unset.push(key);
      continue;
    }

    switch (key) {
      case 'cache_play_list_seconds': {
        if (/^\d+$/.test(text.trim())) plain[key] = Number(text.trim());
        else fail(key, 'Please enter an integer for the play list cache');
        break;
      }
      case 'domain':
      case 'resource_domain':
      case 'rtmp_domain': {
        if (HOST_RE.test(text.trim())) plain[key] = text.trim();
        else fail(key, `The field "${key}" must be a host name, optionally with a port (no scheme or path)`);
        break;
      }
      case 'partner_id':
      case 'subpartner_id': {
        if (/^\d{1,19}$/.test(text.trim())) plain[key] = text.trim();
        else fail(key, `The field "${key}" must be a number`);
        break;
      }
      case 'kaltura_sis': {
        if (text === '1' || text === '0') plain[key] = text;
        else fail(key, 'The field "kaltura_sis" must be "1" or "0"');
        break;
      }
      case 'protocol': {
        const p = text.trim().toLowerCase();
        if (p === 'http' || p === 'https') plain[key] = p;
        else fail(key, 'The field "protocol" must be "https" or "http"');
        break;
      }
      case 'endpoint': {
        if (/^\/[A-Za-z0-9._~\-/]*$/.test(text.trim())) plain[key] = text.trim();
        else fail(key, 'The field "endpoint" must be a path starting with "/"');
        break;
      }
      case 'max_file_size_bytes': {
        const n = intIn(text, 0, Number.MAX_SAFE_INTEGER);
        if (n === undefined) fail(key, 'The field "max_file_size_bytes" must be a whole number of bytes');
        else plain[key] = n;
        break;
      }
      case 'session_mode': {
        if ((SESSION_MODES as readonly string[]).includes(text.trim())) plain[key] = text.trim();
        else fail(key, `The field "session_mode" must be one of ${SESSION_MODES.join(', ')}`);
        break;
      }
      case 'ks_version': {
        const n = intIn(text, 1, 2);
        if (n === undefined) fail(key, 'The field "ks_version" must be 1 or 2');
        else plain[key] = n;
        break;
      }
      case 'session_expiry': {
        const n = intIn(text, 60, 86400);
        if (n === undefined) fail(key, 'The field "session_expiry" must be a number of seconds from 60 to 86400');
        else plain[key] = n;
        break;
      }
      case 'max_caption_bytes': {
        const n = intIn(text, 1024, MAX_CAPTION_BYTES_LIMIT);
        if (n === undefined) fail(key, `The field "max_caption_bytes" must be a number of bytes from 1024 to ${MAX_CAPTION_BYTES_LIMIT}`);
        else plain[key] = n;
        break;
      }
      case 'kaltura_timeout_ms': {
        const n = intIn(text, 100, 60000);
        if (n === undefined) fail(key, 'The field "kaltura_timeout_ms" must be a number of milliseconds from 100 to 60000');
        else plain[key] = n;
        break;
      }
      case 'app_token_hash_type': {
        const h = text.trim().toUpperCase();
        if ((HASH_TYPES as readonly string[]).includes(h)) plain[key] = h;
        else fail(key, `The field "app_token_hash_type" must be one of ${HASH_TYPES.join(', ')}`);
        break;
      }
      case 'session_privileges': {
        if (/[;|]/.test(text)) fail(key, 'The field "session_privileges" must not contain ";" or "|"');
        else plain[key] = text.trim();
        break;
      }
      default:
        plain[key] = text;
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, change, noop: false };
}
