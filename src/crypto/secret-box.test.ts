import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseKeyring } from './keyring.js';
import { openSecret, sealSecret, sealedKeyId } from './secret-box.js';

const hex = () => randomBytes(32).toString('hex');

describe('secrets at rest (AES-256-GCM under SECRET_KEYS)', () => {
  it('round-trips, never contains the plaintext, and differs each time', () => {
    const ring = parseKeyring(hex());
    const a = sealSecret(ring, 'admin-secret', 'ctx');
    const b = sealSecret(ring, 'admin-secret', 'ctx');
    expect(a).not.toBe(b);
    expect(a).not.toContain('admin-secret');
    expect(openSecret(ring, a, 'ctx')).toBe('admin-secret');
  });

  it('is bound to its context and detects tampering', () => {
    const ring = parseKeyring(hex());
    const sealed = sealSecret(ring, 'x', 'kaltura_settings:1:secret_key');
    expect(() => openSecret(ring, sealed, 'kaltura_settings:2:secret_key')).toThrow();
    const parts = sealed.split(':');
    // one bit of the ciphertext flipped (a fixed replacement byte equals the real one once in 256 runs)
    const ct = Buffer.from(parts[5]!, 'base64url');
    ct.writeUInt8(ct.readUInt8(0) ^ 1, 0);
    parts[5] = ct.toString('base64url');
    expect(() => openSecret(ring, parts.join(':'), 'kaltura_settings:1:secret_key')).toThrow();
  });

  it('reads values written under an older key after rotation, and names the key it needs', () => {
    const oldKey = hex();
    const old = parseKeyring(oldKey);
    const sealed = sealSecret(old, 's', 'c');
    const rotated = parseKeyring(`${hex()}, ${oldKey}`);
    expect(openSecret(rotated, sealed, 'c')).toBe('s');
    expect(sealedKeyId(sealed)).toBe(old.current.id);
    expect(() => openSecret(parseKeyring(hex()), sealed, 'c')).toThrow(/unknown key/);
  });

  it('accepts hex or base64 keys and refuses anything else', () => {
    expect(() => parseKeyring(randomBytes(32).toString('base64'))).not.toThrow();
    expect(() => parseKeyring('short')).toThrow(/32 bytes/);
    expect(() => parseKeyring(' , ')).toThrow(/no key/);
  });
});
