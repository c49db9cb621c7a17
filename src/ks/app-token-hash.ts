/** The `tokenHash` of Kaltura's `appToken.startSession`: hex HASH(widget KS + token). */
import { createHash } from 'node:crypto';

/** Hash types an app token can declare. */
export type AppTokenHashType = 'SHA1' | 'MD5' | 'SHA256' | 'SHA512';

const ALGORITHMS: Readonly<Record<AppTokenHashType, string>> = {
  SHA1: 'sha1',
  MD5: 'md5',
  SHA256: 'sha256',
  SHA512: 'sha512',
};

/**
 * Lower-case hex of HASH(ks + token) with the app token's hash type; throws a RangeError for an
 * unknown hash type.
 * @example appTokenHash(widgetKs, token, 'SHA256') // '9f2c…' (64 hex digits)
 */
export function appTokenHash(ks: string, token: string, hashType: AppTokenHashType): string {
  const algorithm = Object.prototype.hasOwnProperty.call(ALGORITHMS, hashType) ? ALGORITHMS[hashType] : undefined;
  if (algorithm === undefined) throw new RangeError(`unknown app token hash type ${JSON.stringify(String(hashType))}`);
  if (typeof ks !== 'string' || typeof token !== 'string') throw new TypeError('ks and token must be strings');
  return createHash(algorithm).update(ks, 'utf8').update(token, 'utf8').digest('hex');
}
