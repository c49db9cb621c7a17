/**
 * PHP `parse_str` as Kaltura's server applies it to the fields of a KS v2: `&`-separated pairs,
 * URL-decoded names and values, PHP's variable-name mangling, later duplicates overwrite.
 */
import { phpUrldecodeBinary } from './php-urlencode.js';

/** PHP's default `max_input_vars`: pairs after the 1000th are ignored. */
const MAX_INPUT_VARS = 1000;
const PLAIN_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * The name PHP registers for a URL-decoded binary name: cut at NUL, leading spaces dropped,
 * ` ` and `.` → `_`; an unclosed `[` → `_` (and later ` `, `.`, `[` too). Returns `''` when PHP
 * drops the pair and null when the name is array syntax (`a[b]`), which Kaltura cannot read.
 * @example phpVariableName('my.priv name') // 'my_priv_name'
 */
export function phpVariableName(binaryName: string): string | null {
  if (PLAIN_NAME.test(binaryName)) return binaryName;
  let name = binaryName;
  const nul = name.indexOf('\0');
  if (nul >= 0) name = name.slice(0, nul);
  let start = 0;
  while (start < name.length && name.charCodeAt(start) === 0x20) start++;
  if (start > 0) name = name.slice(start);
  const bracket = name.indexOf('[');
  if (bracket >= 0 && name.indexOf(']', bracket + 1) >= 0) return null;
  if (!/[ .[]/.test(name)) return name;
  if (bracket === 0) return '';
  return name.replace(/[ .[]/g, '_');
}

/**
 * Parses a binary (one char per byte) query string into `[name, value]` pairs, both binary.
 * Returns null when a name uses array syntax.
 * @example parseStrBinary('a=1&b.c=x+y&a=2') // [['a', '2'], ['b_c', 'x y']]
 */
export function parseStrBinary(query: string): Array<[string, string]> | null {
  const names: string[] = [];
  const values: string[] = [];
  let count = 0;
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    if (end > start) {
      if (++count > MAX_INPUT_VARS) break;
      const eq = query.indexOf('=', start);
      const hasValue = eq >= 0 && eq < end;
      const name = phpVariableName(phpUrldecodeBinary(query.slice(start, hasValue ? eq : end)));
      if (name === null) return null;
      if (name.length > 0) {
        const value = hasValue ? phpUrldecodeBinary(query.slice(eq + 1, end)) : '';
        const at = names.indexOf(name);
        if (at < 0) {
          names.push(name);
          values.push(value);
        } else {
          values[at] = value; // PHP: a later duplicate overwrites in place
        }
      }
    }
    start = end + 1;
  }
  return names.map((name, i) => [name, values[i]!]);
}
