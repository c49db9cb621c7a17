/**
 * The PHP 8 loose comparisons Kaltura's validity checks make on KS members, which are strings
 * (or null when absent): `valid_until <= time()`, `type >= 1`, `type == 0`.
 */

const NUMERIC = /^[ \t\n\r\v\f]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\r\v\f]*$/;

/**
 * The number a PHP numeric string stands for, or null for a non-numeric string or null.
 * @example phpNumericValue(' 12 ') // 12
 */
export function phpNumericValue(value: string | null): number | null {
  if (value === null) return null;
  if (value.length > 0 && value.length < 16 && isDigits(value)) return Number(value);
  if (!NUMERIC.test(value)) return null;
  return Number(value.trim());
}

function isDigits(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * PHP 8 `$value <=> $n` for a string-or-null member and an integer: numeric strings compare as
 * numbers, other strings against the integer's decimal text, null as booleans.
 * @example phpCompareToInt('abc', 5) // 1 ('abc' > '5' as strings)
 */
export function phpCompareToInt(value: string | null, n: number): -1 | 0 | 1 {
  if (value === null) {
    const right = n !== 0;
    return right ? -1 : 0;
  }
  const numeric = phpNumericValue(value);
  if (numeric !== null) return numeric < n ? -1 : numeric > n ? 1 : 0;
  const text = String(n);
  return value < text ? -1 : value > text ? 1 : 0;
}
