/**
 * PHP's `urlencode` / `urldecode` and the `http_build_query` used to write KS v2 fields.
 */
import { Buffer } from 'node:buffer';

const PLAIN = /^[A-Za-z0-9._-]*$/;
const NOT_IN_PHP = /[!'()*~]|%20/g;
const HEX = '0123456789ABCDEF';

function fixUp(match: string): string {
  if (match === '%20') return '+';
  return '%' + match.charCodeAt(0).toString(16).toUpperCase();
}

/**
 * PHP `urlencode` of the UTF-8 form: `A-Z a-z 0-9 - _ .` kept, space → `+`, other bytes → `%XX`.
 * @example phpUrlencode('john doe*') // 'john+doe%2A'
 */
export function phpUrlencode(text: string): string {
  if (PLAIN.test(text)) return text;
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    return urlencodeBytes(Buffer.from(text, 'utf8'));
  }
  return encoded.replace(NOT_IN_PHP, fixUp);
}

/** Byte-wise urlencode; used for strings with lone surrogates (encoded as U+FFFD like Buffer). */
function urlencodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x2e || b === 0x5f) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) {
      out += '+';
    } else {
      out += '%' + HEX[b >>> 4]! + HEX[b & 15]!;
    }
  }
  return out;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/**
 * PHP `urldecode` on a binary string (one char per byte): `+` → space, `%XX` → byte, a `%` not
 * followed by two hex digits stays as it is. Returns a binary string.
 * @example phpUrldecodeBinary('a+b%2A%zz') // 'a b*%zz'
 */
export function phpUrldecodeBinary(binary: string): string {
  if (binary.indexOf('%') < 0 && binary.indexOf('+') < 0) return binary;
  let out = '';
  for (let i = 0; i < binary.length; i++) {
    const c = binary.charCodeAt(i);
    if (c === 0x2b) {
      out += ' ';
    } else if (c === 0x25 && i + 2 < binary.length) {
      const hi = hexValue(binary.charCodeAt(i + 1));
      const lo = hexValue(binary.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        out += String.fromCharCode((hi << 4) | lo);
        i += 2;
      } else {
        out += '%';
      }
    } else {
      out += binary[i];
    }
  }
  return out;
}

/**
 * PHP `http_build_query($fields, '', '&')` for string values; null values are left out.
 * @example httpBuildQuery([['list', '*'], ['_u', 'john doe'], ['_m', null]]) // 'list=%2A&_u=john+doe'
 */
export function httpBuildQuery(fields: Iterable<readonly [string, string | null]>): string {
  let out = '';
  for (const [name, value] of fields) {
    if (value === null) continue;
    if (out.length > 0) out += '&';
    out += phpUrlencode(name) + '=' + phpUrlencode(value);
  }
  return out;
}
