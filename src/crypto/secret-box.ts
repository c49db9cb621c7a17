/**
 * Secrets at rest: AES-256-GCM under the keyring's current key, written as
 * `enc:v1:<key id>:<iv>:<tag>:<ciphertext>` (base64url parts) so any key of the ring can read it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring.js';

const PREFIX = 'enc:v1:';

/** Encrypts `plaintext` under the current key; `context` binds it to where it is stored. */
export function sealSecret(keyring: Keyring, plaintext: string, context: string): string {
  const key = keyring.current;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.encryptionKey, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${PREFIX}${key.id}:${iv.toString('base64url')}:${tag.toString('base64url')}:${ct.toString('base64url')}`;
}

/** Decrypts a value written by {@link sealSecret}; throws when no key of the ring can. */
export function openSecret(keyring: Keyring, sealed: string, context: string): string {
  if (!sealed.startsWith(PREFIX)) throw new Error('not an encrypted value');
  const [keyId, ivText, tagText, ctText] = sealed.slice(PREFIX.length).split(':');
  const key = keyId ? keyring.byId(keyId) : undefined;
  if (!key || ivText === undefined || tagText === undefined || ctText === undefined) {
    throw new Error(`encrypted with an unknown key (${keyId ?? '?'}): is it missing from SECRET_KEYS?`);
  }
  const decipher = createDecipheriv('aes-256-gcm', key.encryptionKey, Buffer.from(ivText, 'base64url'));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(Buffer.from(tagText, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ctText, 'base64url')), decipher.final()]).toString('utf8');
}

/** The id of the key a sealed value was written with (to find values that need re-encrypting). */
export function sealedKeyId(sealed: string): string | undefined {
  return sealed.startsWith(PREFIX) ? sealed.slice(PREFIX.length).split(':')[0] : undefined;
}
