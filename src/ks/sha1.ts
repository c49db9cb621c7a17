/** SHA-1 helpers over strings encoded as UTF-8 (PHP strings are their UTF-8 bytes). */
import type { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';

/**
 * Lower-case hex SHA-1 of the plain concatenation `a + b` (the KS v1 signature form).
 * @example sha1HexOfConcat('secret', 'info') // 'd37c4e…'
 */
export function sha1HexOfConcat(a: string, b: string | Uint8Array): string {
  const hash = createHash('sha1').update(a, 'utf8');
  return (typeof b === 'string' ? hash.update(b, 'utf8') : hash.update(b)).digest('hex');
}

/**
 * Raw 20-byte SHA-1 of bytes.
 * @example sha1Raw(Buffer.from('abc')).length // 20
 */
export function sha1Raw(bytes: Uint8Array): Buffer {
  return createHash('sha1').update(bytes).digest();
}
