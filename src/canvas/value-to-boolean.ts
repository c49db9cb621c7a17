/**
 * Canvas's `value_to_boolean`: how Canvas reads a flag from a parameter or a setting.
 * Pure; used for `include_upload_config` and the boolean Kaltura settings.
 */

const TRUE_WORDS = new Set(['yes', 'y', 'true', 't', 'on', '1']);
const FALSE_WORDS = new Set(['no', 'n', 'false', 'f', 'off', '0']);

/**
 * Interprets `value` the way Canvas does: booleans as given, the words yes/y/true/t/on/1 and
 * no/n/false/f/off/0 (case-insensitive, not trimmed), otherwise "is its integer value non-zero".
 * @example valueToBoolean('Yes') === true; valueToBoolean('2') === true; valueToBoolean('abc') === false
 */
export function valueToBoolean(value: unknown): boolean {
  if (value === true || value === false) return value;
  if (typeof value === 'number') return Number.isFinite(value) && Math.trunc(value) !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value !== 'string') return false;
  const lower = value.toLowerCase();
  if (TRUE_WORDS.has(lower)) return true;
  if (FALSE_WORDS.has(lower)) return false;
  return rubyToI(value) !== 0;
}

/** Ruby's String#to_i: optional leading whitespace and sign, then digits; anything else stops it. */
function rubyToI(text: string): number {
  const match = /^\s*[+-]?\d+/.exec(text.replace(/(\d)_(?=\d)/g, '$1'));
  return match ? Number.parseInt(match[0], 10) : 0;
}
