/**
 * KS version 2: `v2|<partnerId>|` + AES-128-CBC(key = SHA-1(secret)[0..16], IV = 0) of
 * `SHA-1(random ‖ fields) ‖ random ‖ fields`, zero padded, in URL-safe Base64 with `=` kept.
 */
import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv, createHash, createSecretKey, hash, timingSafeEqual, type Cipher, type Decipher, type KeyObject } from 'node:crypto';
import { encodeBase64UrlPadded } from './base64.js';
import { fillRandom } from './random.js';

const SHA1_SIZE = 20;
/**
 * Size of the random part of a KS v2.
 * @example randomBytes(KS_V2_RANDOM_SIZE)
 */
export const KS_V2_RANDOM_SIZE = 16;
const BLOCK = 16;
const ZERO_IV = Buffer.alloc(16);
const KEY_CACHE_LIMIT = 64;

/** A secret's derived AES key, and (once it has decrypted or encrypted a KS) its cipher contexts. */
interface CachedKey {
  raw: Buffer;
  key: KeyObject;
  /** AES-128-ECB without padding: keeps no state between calls, so one serves every KS. */
  blockDecipher?: Decipher;
  /** AES-128-CBC without padding, kept across KSs, and the last ciphertext block it wrote (its chaining state). */
  encryptor?: { cipher: Cipher; chain: Buffer };
}

/**
 * Writes SHA-1 of `data` into `target` at `at`, with the one-shot `crypto.hash` (every Node this
 * package supports has it). The digest comes back as a Latin-1 string (one char per byte) rather
 * than as a Buffer: a Buffer made on the native side cost more than the hash itself (1.4 against
 * 2.7–3.2 µs per KS in-process, docs/benchmarks.md).
 */
function sha1Into(data: Uint8Array, target: Buffer, at: number): void {
  // 'binary' is Node's other name for Latin-1
  target.write(hash('sha1', data, 'binary'), at, 'latin1');
}

/**
 * Derived AES keys by secret, bounded (oldest dropped first) and private to this module:
 * the derivation is a SHA-1 and an OpenSSL key set-up per call otherwise, on the hot path of every KS.
 */
const keyCache = new Map<string, CachedKey>();

function cachedKey(secret: string): CachedKey {
  let entry = keyCache.get(secret);
  if (entry === undefined) {
    const raw = createHash('sha1').update(secret, 'utf8').digest().subarray(0, 16);
    entry = { raw, key: createSecretKey(raw) };
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value as string);
    keyCache.set(secret, entry);
  }
  return entry;
}

/**
 * The AES-128 key of a KS v2: the first 16 bytes of SHA-1 of the secret's UTF-8 bytes.
 * @example ksV2AesKey('a1b2c3d4e5f60718293a4b5c6d7e8f90').toString('hex') // '0f8789da4b7c09f352c338a2c7a2ce09'
 */
export function ksV2AesKey(secret: string): Buffer {
  return Buffer.from(cachedKey(secret).raw);
}

/**
 * Encrypts KS v2 fields (an ASCII query string, as PHP `http_build_query` writes it) into a KS.
 * `random` must be 16 bytes; undefined draws them from the CSPRNG.
 * @example encodeKsV2('secret', '1234', randomBytes(16), '_e=2111153584&_t=0&_u=user1') // 'djJ8MTIzNHz…'
 */
export function encodeKsV2(secret: string, partnerId: string, random: Uint8Array | undefined, fieldsQuery: string): string {
  const bodyLength = SHA1_SIZE + KS_V2_RANDOM_SIZE + fieldsQuery.length;
  const paddedLength = Math.ceil(bodyLength / BLOCK) * BLOCK;
  const plain = Buffer.allocUnsafe(paddedLength);
  if (random === undefined) fillRandom(plain, SHA1_SIZE, KS_V2_RANDOM_SIZE);
  else plain.set(random, SHA1_SIZE);
  plain.write(fieldsQuery, SHA1_SIZE + KS_V2_RANDOM_SIZE, 'latin1');
  plain.fill(0, bodyLength);
  sha1Into(plain.subarray(SHA1_SIZE, bodyLength), plain, 0);
  const prefix = `v2|${partnerId}|`;
  const out = Buffer.allocUnsafe(prefix.length + paddedLength);
  out.write(prefix, 0, 'latin1');
  encryptCbcZeroIv(cachedKey(secret), plain).copy(out, prefix.length);
  return encodeBase64UrlPadded(out);
}

/**
 * AES-128-CBC encryption with a zero IV of whole blocks (`plain` is changed), through one CBC
 * cipher kept per key instead of a new OpenSSL context per KS (its set-up cost more than the
 * encryption). A kept CBC cipher chains each message onto the last ciphertext block it wrote;
 * XOR-ing the first plaintext block with that block cancels the chaining, so the first block is
 * encrypted as with a zero IV, and the rest chain as usual: the same bytes as a fresh cipher.
 */
function encryptCbcZeroIv(key: CachedKey, plain: Buffer): Buffer {
  const enc = (key.encryptor ??= { cipher: createCipheriv('aes-128-cbc', key.key, ZERO_IV).setAutoPadding(false), chain: Buffer.alloc(BLOCK) });
  for (let i = 0; i < BLOCK; i++) plain[i]! ^= enc.chain[i]!;
  // whole blocks and no padding: update() returns all of the ciphertext at once
  const cipherText = enc.cipher.update(plain);
  cipherText.copy(enc.chain, 0, cipherText.length - BLOCK);
  return cipherText;
}

/** The decrypted content of a KS v2 whose SHA-1 matched. */
export interface KsV2Content {
  /** Index of the secret that decrypted it. */
  secretIndex: number;
  /** The 20-byte SHA-1 stored in the KS. */
  hash: Buffer;
  /** The 16 random bytes (fewer if the KS is that short). */
  random: Buffer;
  /** The fields query string, one char per byte. */
  fieldsBinary: string;
}

/**
 * Tries each secret in turn as Kaltura's server does: decrypt, strip every trailing NUL byte,
 * first 20 bytes = hash, rest = random + fields; match when hash = SHA-1(rest). Null when the
 * ciphertext length is not a multiple of 16 or no secret matches.
 * @example decryptKsV2(ciphertext, ['secret'])?.fieldsBinary // '_e=2111153584&_t=0&_u=user1'
 */
export function decryptKsV2(ciphertext: Uint8Array, secrets: readonly string[]): KsV2Content | null {
  if (ciphertext.byteLength % BLOCK !== 0 || ciphertext.byteLength === 0) return null;
  for (let i = 0; i < secrets.length; i++) {
    const plain = decryptCbcZeroIv(cachedKey(secrets[i]!), ciphertext);
    let end = plain.length;
    while (end > 0 && plain[end - 1] === 0) end--;
    if (end < SHA1_SIZE) continue;
    const hash = plain.subarray(0, SHA1_SIZE);
    const rest = plain.subarray(SHA1_SIZE, end);
    const actual = Buffer.allocUnsafe(SHA1_SIZE);
    sha1Into(rest, actual, 0);
    if (!timingSafeEqual(hash, actual)) continue;
    return {
      secretIndex: i,
      hash,
      random: rest.subarray(0, KS_V2_RANDOM_SIZE),
      fieldsBinary: plain.toString('latin1', Math.min(SHA1_SIZE + KS_V2_RANDOM_SIZE, end), end),
    };
  }
  return null;
}

/**
 * AES-128-CBC decryption with a zero IV of whole blocks, done as ECB decryption plus the CBC
 * chaining (each plaintext block XOR the previous ciphertext block; the first XOR the zero IV is
 * a no-op). The same bytes as a fresh CBC decipher, without creating an OpenSSL context per KS
 * (that set-up cost more than the decryption itself).
 */
function decryptCbcZeroIv(entry: CachedKey, ciphertext: Uint8Array): Buffer {
  entry.blockDecipher ??= createDecipheriv('aes-128-ecb', entry.key, null).setAutoPadding(false);
  const plain = entry.blockDecipher.update(ciphertext); // whole blocks, no padding: nothing held back
  for (let k = plain.length - 1; k >= BLOCK; k--) plain[k]! ^= ciphertext[k - BLOCK]!;
  return plain;
}

/**
 * Splits decoded KS v2 bytes into at most 3 parts on `|`: `v2`, partner id, ciphertext.
 * @example splitKsV2(Buffer.from('v2|1234|…'))?.partnerId // '1234'
 */
export function splitKsV2(decoded: Buffer): { partnerId: string; ciphertext: Buffer } | null {
  const first = decoded.indexOf(0x7c);
  if (first < 0) return null;
  const second = decoded.indexOf(0x7c, first + 1);
  if (second < 0) return null;
  return { partnerId: decoded.toString('utf8', first + 1, second), ciphertext: decoded.subarray(second + 1) };
}
