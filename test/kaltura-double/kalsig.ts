/**
 * k5uploader's `kalsig`: lowercase hex MD5 of the concatenated `name + value` pairs over the sorted
 * parameter names (the `kalsig` parameter itself left out). No secret is involved and Kaltura never
 * enforces it; the double reports it in the ps2 `<debug>` block only.
 */
import { createHash } from 'node:crypto';

export function kalsig(params: Iterable<[string, string]> | Readonly<Record<string, string | number | boolean>>): string {
  const map = new Map<string, string>();
  const entries: Iterable<[string, unknown]> =
    Symbol.iterator in Object(params)
      ? (params as Iterable<[string, string]>)
      : Object.entries(params as Record<string, unknown>);
  for (const [name, value] of entries) {
    if (name === 'kalsig') continue;
    map.set(name, String(value)); // a repeated name keeps its last value, like PHP
  }
  const names = [...map.keys()].sort();
  let s = '';
  for (const name of names) s += name + map.get(name);
  return createHash('md5').update(s, 'utf8').digest('hex');
}
