/**
 * PHP `parse_str` as Kaltura's server applies it to the fields of a KS v2: `&`-separated pairs,
 * URL-decoded names and values, PHP's variable-name mangling, later duplicates overwrite.
 */
import { phpUrldecodeBinary } from './php-urlencode.js';

/** PHP's default `max_input_vars`: pairs after the 1000th are ignored. */
const MAX_INPUT_VARS = 1000;

/**
 * The name PHP registers for a URL-decoded binary name: cut at NUL, leading spaces dropped,
 * ` ` and `.` → `_`; an unclosed `[` → `_` (and later ` `, `.`, `[` too). Returns `''` when PHP
 * drops the pair and null when the name is array syntax (`a[b]`), which Kaltura cannot read.
 * @example phpVariableName('my.priv name') // 'my_priv_name'
 */
export function phpVariableName(binaryName: string): string | null {
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
  const fields = new Map<string, string>();
  let count = 0;
  for (const pair of query.split('&')) {
    if (pair.length === 0) continue;
    if (++count > MAX_INPUT_VARS) break;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : phpUrldecodeBinary(pair.slice(eq + 1));
    const name = phpVariableName(phpUrldecodeBinary(rawName));
    if (name === null) return null;
    if (name.length === 0) continue;
    fields.set(name, value);
  }
  return [...fields];
}
