/**
 * Reading admin API input with clear messages: text fields, lists, flags and times, and the
 * field-shaped 400 (`{"errors":[{"field":…,"message":…}]}`) a UI can show beside its fields.
 */
import { ApiError } from '../../../canvas/api-error.js';

/** One problem with one field. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** 400 listing problems per field: Canvas's error shape plus `field`. */
export function fieldErrors(problems: FieldProblem[], extra: Record<string, unknown> = {}): ApiError {
  return new ApiError(400, { errors: problems.map((p) => ({ field: p.field, message: p.message })), ...extra });
}

/** 400 for one field. */
export function fieldError(field: string, message: string): ApiError {
  return fieldErrors([{ field, message }]);
}

const CONTROL_RE = /[\u0000-\u001f\u007f]/;

/** The object under `key` of a body (`{"user":{…}}` or `user[…]=` form keys), or {} when absent. */
export function section(body: unknown, key: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  const value = Object.prototype.hasOwnProperty.call(body, key) ? (body as Record<string, unknown>)[key] : undefined;
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw fieldError(key, `${key} must be an object of fields (${key}[name]=… or {"${key}":{…}})`);
  return value as Record<string, unknown>;
}

export interface TextRule {
  required?: boolean;
  max?: number;
}

/**
 * A single-line text field: trimmed, no control characters, within `max` characters. Absent or
 * blank → undefined (or a "required" error).
 */
export function text(value: unknown, field: string, rule: TextRule = {}): string | undefined {
  const max = rule.max ?? 255;
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    if (rule.required) throw fieldError(field, `${field} is required`);
    return undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
  if (typeof value !== 'string') throw fieldError(field, `${field} must be text`);
  const trimmed = value.trim();
  if (CONTROL_RE.test(trimmed)) throw fieldError(field, `${field} must not contain control characters`);
  if (trimmed.length > max) throw fieldError(field, `${field} is too long (at most ${max} characters)`);
  return trimmed;
}

/** A list of strings (`x[]=a&x[]=b` or a JSON array); absent → undefined. */
export function stringList(value: unknown, field: string, maxItems = 200): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value : [value];
  if (items.length > maxItems) throw fieldError(field, `${field} has too many entries (at most ${maxItems})`);
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') throw fieldError(field, `${field} must be a list of strings`);
    if (item.trim() === '') continue; // Rails forms send an empty entry to mean "the empty list"
    if (item.length > 1000 || CONTROL_RE.test(item)) throw fieldError(field, `${field} holds an invalid entry`);
    out.push(item.trim());
  }
  return out;
}

const TRUE_WORDS = new Set(['true', 't', '1', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['false', 'f', '0', 'no', 'n', 'off']);

/** A flag: true/false or one of Canvas's words (yes/no, 1/0, on/off …); absent → undefined; anything else → 400. */
export function flag(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (TRUE_WORDS.has(lower)) return true;
    if (FALSE_WORDS.has(lower)) return false;
  }
  throw fieldError(field, `${field} must be true or false`);
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** An ISO 8601 time, returned normalized to UTC (`…Z`); absent or blank → undefined. */
export function isoTime(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !ISO_RE.test(value.trim()) || Number.isNaN(Date.parse(value.trim()))) {
    throw fieldError(field, `${field} must be an ISO 8601 time, e.g. 2030-01-31T12:00:00Z`);
  }
  return new Date(value.trim()).toISOString();
}

/** One schema violation as Fastify reports it (ajv). */
interface SchemaViolation {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
}

/** `/user/name` → `user[name]` (the form name of the field). */
function formName(path: string, context: string): string {
  const parts = path.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts.length === 0) return context;
  return parts[0]! + parts.slice(1).map((p) => `[${p}]`).join('');
}

const TYPE_WORDS: Readonly<Record<string, string>> = { object: 'an object of fields', array: 'a list', string: 'text', integer: 'a whole number', boolean: 'true or false' };

/**
 * Turns schema violations (checked before the handler, reported after authorization) into the
 * field-shaped 400, e.g. `{"field":"user","message":"user must be an object of fields"}`.
 */
export function schemaViolationError(violations: readonly SchemaViolation[], context: string): ApiError {
  return fieldErrors(
    violations.slice(0, 10).map((v) => {
      const field = formName(v.instancePath ?? '', context);
      const type = v.keyword === 'type' ? String(v.params?.type ?? '') : '';
      const message = type !== '' ? `must be ${TYPE_WORDS[type] ?? type}` : (v.message ?? 'is not valid');
      return { field, message: `${field} ${message}` };
    }),
  );
}
