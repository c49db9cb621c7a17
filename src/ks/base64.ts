/**
 * Base64 as Kaltura uses it: standard alphabet for KS v1, URL-safe alphabet with `=` kept for
 * KS v2, and decoding with the exact rules of PHP's strict `base64_decode` after `-`→`+`, `_`→`/`.
 */
import { Buffer } from 'node:buffer';

const CANONICAL = /^[A-Za-z0-9+/_-]*={0,2}$/;
const INVALID = -2;
const SKIP = -1;
const PAD = -3;

/** Sextet value of each ASCII code; both alphabets map to the same values. */
const DECODE_TABLE: Int8Array = (() => {
  const table = new Int8Array(128).fill(INVALID);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  table[0x2d] = 62; // '-'
  table[0x5f] = 63; // '_'
  // PHP's strict decoder skips these four whitespace characters.
  table[0x09] = SKIP;
  table[0x0a] = SKIP;
  table[0x0d] = SKIP;
  table[0x20] = SKIP;
  table[0x3d] = PAD; // '='
  return table;
})();

/**
 * Standard Base64 (`+/`, `=` padding kept), the KS v1 form.
 * @example encodeBase64(Buffer.from('v1')) // 'djE='
 */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * URL-safe Base64 (`-_`) that keeps the `=` padding, the KS v2 form.
 * @example encodeBase64UrlPadded(Buffer.from([0xfb, 0xff])) // '-_8='
 */
export function encodeBase64UrlPadded(bytes: Uint8Array): string {
  const encoded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
  const rest = bytes.byteLength % 3;
  return rest === 0 ? encoded : rest === 1 ? encoded + '==' : encoded + '=';
}

/**
 * Decodes like Kaltura's server: `-`/`_` read as `+`/`/`, then PHP `base64_decode($s, true)`
 * (tab, LF, CR and space skipped, padding optional but never wrong, nothing after padding).
 * Returns null where PHP returns false.
 * @example decodeBase64Lenient('djJ8MTIzNHw') // <Buffer 76 32 7c 31 32 33 34 7c>
 */
export function decodeBase64Lenient(text: string): Buffer | null {
  // Fast path: the alphabet only, then at most the right padding; Node decodes it the same way.
  if (CANONICAL.test(text)) {
    const data = text.length - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
    if (data % 4 !== 1 && (data === text.length || text.length % 4 === 0)) return Buffer.from(text, 'base64');
  }
  const out = Buffer.allocUnsafe(((text.length * 3) >>> 2) + 3);
  let produced = 0; // bytes written
  let sextets = 0; // data characters read
  let padding = 0;
  let acc = 0;
  for (let k = 0; k < text.length; k++) {
    const code = text.charCodeAt(k);
    const value = code < 128 ? DECODE_TABLE[code]! : INVALID;
    if (value === PAD) {
      padding++;
      continue;
    }
    if (value === SKIP) continue;
    if (value === INVALID || padding > 0) return null;
    acc = (acc << 6) | value;
    sextets++;
    if ((sextets & 3) === 0) {
      out[produced++] = (acc >>> 16) & 0xff;
      out[produced++] = (acc >>> 8) & 0xff;
      out[produced++] = acc & 0xff;
      acc = 0;
    }
  }
  const tail = sextets & 3;
  if (tail === 1) return null;
  if (padding > 0 && (padding > 2 || (sextets + padding) % 4 !== 0)) return null;
  if (tail === 2) {
    out[produced++] = (acc >>> 4) & 0xff;
  } else if (tail === 3) {
    out[produced++] = (acc >>> 10) & 0xff;
    out[produced++] = (acc >>> 2) & 0xff;
  }
  return out.subarray(0, produced);
}
