/**
 * Small re-implementations of the PHP behaviours Kaltura's serializers rely on,
 * so the double's bodies come out byte for byte like the real server's.
 */

/** PHP `json_encode` of a string with default flags: `/` → `\/`, non-ASCII → `\uXXXX` (lower-case hex). */
export function phpJsonString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x2f:
        out += '\\/';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      default:
        if (c < 0x20 || c > 0x7f) {
          out += '\\u' + c.toString(16).padStart(4, '0');
        } else {
          out += value[i];
        }
    }
  }
  return out + '"';
}

export type PhpJsonValue =
  | string
  | number
  | boolean
  | null
  | readonly PhpJsonValue[]
  | { readonly [key: string]: PhpJsonValue | undefined };

/**
 * PHP `json_encode` (default flags). Object members whose value is `undefined` are left out
 * (Kaltura's JSON serializer drops null properties). An empty object renders as `[]`, like an
 * empty PHP array.
 */
export function phpJsonEncode(value: PhpJsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return phpJsonString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return '[' + value.map((v) => phpJsonEncode(v as PhpJsonValue)).join(',') + ']';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, PhpJsonValue | undefined>)) {
    if (v === undefined) continue;
    parts.push(phpJsonString(k) + ':' + phpJsonEncode(v));
  }
  return parts.length === 0 ? '[]' : '{' + parts.join(',') + '}';
}

// Characters XML 1.0 does not allow; Kaltura strips them before serializing.
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Kaltura's XML value escaping (`&`, `<`, `>`, `"`, `'`), invalid XML characters removed. */
export function xmlEscape(value: string): string {
  return value
    .replace(INVALID_XML_CHARS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** How PHP prints a float with the default `precision=14` (e.g. `microtime(true)` → `1795793389.4611`). */
export function phpFloat(value: number): string {
  if (!Number.isFinite(value)) return '0';
  if (Number.isInteger(value)) return String(value);
  const s = String(Number(value.toPrecision(14)));
  // PHP prints small/large exponents as 1.0E-5; keep to plain notation for the ranges we use
  if (s.includes('e')) return value.toFixed(6);
  return s;
}

/** A fixed-decimals duration such as `0.012345` (the shape of Kaltura's `executionTime`). */
export function secondsString(ms: number, decimals = 6): string {
  const min = 1 / 10 ** decimals;
  return Math.max(ms / 1000, min).toFixed(decimals);
}
