/**
 * The installation's keys (`SECRET_KEYS`): the first key is current, the others are kept so data
 * written under them stays readable while it is re-written under the current one. Each key is
 * expanded with HKDF into one sub-key per purpose, so no raw key is used twice.
 */
import { createHash, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

/** One installation key and what is derived from it. */
export interface KeyringKey {
  /** Short public id written next to encrypted values and token hashes. */
  id: string;
  /** AES-256-GCM key for secrets at rest. */
  encryptionKey: Buffer;
  /**
   * HMAC-SHA256 key for access-token hashes, as a KeyObject: `createHmac` with a Buffer key imports
   * the key again on every call, which was half the cost of hashing a token.
   */
  tokenHashKey: KeyObject;
}

/** The keys in order of preference; `current` encrypts and hashes, every key decrypts and verifies. */
export interface Keyring {
  current: KeyringKey;
  all: readonly KeyringKey[];
  byId(id: string): KeyringKey | undefined;
}

function derive(raw: Buffer, purpose: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', raw, Buffer.alloc(0), `canvas-kaltura-services/${purpose}`, length));
}

/** Decodes one key written as 64 hex characters or base64 of 32 bytes. */
export function decodeKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const buf = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (buf.length === 32) return buf;
  }
  throw new Error('each SECRET_KEYS entry must be 32 bytes, written as 64 hex characters or base64');
}

/** Builds a keyring from the comma-separated `SECRET_KEYS` value. */
export function parseKeyring(secretKeys: string): Keyring {
  const parts = secretKeys.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length === 0) throw new Error('SECRET_KEYS holds no key');
  const keys = parts.map((part) => {
    const raw = decodeKey(part);
    return {
      id: createHash('sha256').update(derive(raw, 'key-id')).digest('hex').slice(0, 8),
      encryptionKey: derive(raw, 'secrets-at-rest'),
      tokenHashKey: createSecretKey(derive(raw, 'access-token-hash')),
    };
  });
  const byId = new Map(keys.map((k) => [k.id, k] as const));
  return { current: keys[0]!, all: keys, byId: (id) => byId.get(id) };
}
