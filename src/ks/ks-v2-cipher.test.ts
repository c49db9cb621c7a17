/**
 * The KS v2 encryptor keeps one CBC cipher per key across KSs; each KS must still be exactly
 * AES-128-CBC with a zero IV of its own plaintext, whatever came before it.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptKsV2, encodeKsV2, ksV2AesKey } from './ks-v2.js';

/** The KS as a fresh cipher makes it (the reference). */
function reference(secret: string, partnerId: string, random: Buffer, fields: string): string {
  const body = Buffer.concat([random, Buffer.from(fields, 'latin1')]);
  const plain = Buffer.concat([createHash('sha1').update(body).digest(), body]);
  const padded = Buffer.alloc(Math.ceil(plain.length / 16) * 16);
  plain.copy(padded);
  const cipher = createCipheriv('aes-128-cbc', ksV2AesKey(secret), Buffer.alloc(16)).setAutoPadding(false);
  const out = Buffer.concat([Buffer.from(`v2|${partnerId}|`, 'latin1'), cipher.update(padded), cipher.final()]);
  return out.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

describe('KS v2 encryption with a kept cipher', () => {
  it('gives the bytes of a fresh cipher for many KSs in a row, of every length, under two keys in turn', () => {
    const secrets = ['first-admin-secret', 'second-admin-secret'];
    for (let i = 0; i < 200; i++) {
      const secret = secrets[i % 2]!;
      const random = randomBytes(16);
      const fields = `_e=${2_000_000_000 + i}&_t=0&_u=${'u'.repeat(i % 37)}&sview=${'x'.repeat(i % 50)}`;
      const ks = encodeKsV2(secret, '100', random, fields);
      expect(ks, `KS ${i}`).toBe(reference(secret, '100', random, fields));
      const decoded = Buffer.from(ks.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      const content = decryptKsV2(decoded.subarray('v2|100|'.length), [secret]);
      expect(content?.fieldsBinary).toBe(fields);
    }
  });
});
