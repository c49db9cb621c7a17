/**
 * KS version 1: Base64 of `sha1hex(secret + info) + "|" + info`, info = fields joined by `;`.
 */
import { Buffer } from 'node:buffer';
import { timingSafeEqual } from 'node:crypto';
import { encodeBase64 } from './base64.js';
import { sha1HexOfConcat } from './sha1.js';

/**
 * Signs an info string and encodes the KS v1 (standard Base64, `=` kept).
 * @example encodeKsV1('secret', '1234;1234;2111153584;0;42;user1;') // 'N2Jk…'
 */
export function encodeKsV1(secret: string, info: string): string {
  const signature = sha1HexOfConcat(secret, info);
  return encodeBase64(Buffer.from(`${signature}|${info}`, 'utf8'));
}

/** A decoded KS v1 before any check of its signature. */
export interface KsV1Parts {
  /** The bytes before the first `|` (the hex signature of a genuine KS). */
  signature: Buffer;
  /** The signed bytes after the first `|`. */
  info: Buffer;
  /** info decoded as UTF-8 and split on every `;`. */
  fields: string[];
}

/**
 * Splits decoded KS v1 bytes at the first `|` and the info on every `;`; null when there is no
 * `|` or fewer than 3 fields (Kaltura rejects those).
 * @example splitKsV1(Buffer.from('abc|1;1;99;0;5;u;p'))?.fields // ['1','1','99','0','5','u','p']
 */
export function splitKsV1(decoded: Buffer): KsV1Parts | null {
  const pipe = decoded.indexOf(0x7c);
  if (pipe < 0) return null;
  const info = decoded.subarray(pipe + 1);
  const fields = info.toString('utf8').split(';');
  if (fields.length < 3) return null;
  return { signature: decoded.subarray(0, pipe), info, fields };
}

/**
 * Whether `signature` is exactly the lower-case hex SHA-1 of `secret + info` (constant time).
 * @example ksV1SignatureMatches(parts.signature, parts.info, 'secret') // true
 */
export function ksV1SignatureMatches(signature: Uint8Array, info: Uint8Array, secret: string): boolean {
  if (signature.byteLength !== 40) return false;
  const expected = Buffer.from(sha1HexOfConcat(secret, info), 'latin1');
  return timingSafeEqual(expected, signature);
}
