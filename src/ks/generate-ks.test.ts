import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { decodeBase64Lenient } from './base64.js';
import { generateKs, ksTail, KsOptionError, parseKs, type GenerateKsOptions } from './index.js';
import { decryptKsV2, ksV2AesKey, splitKsV2 } from './ks-v2.js';

const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const lookup = { adminSecretsFor: (pid: string) => (pid === '1234' ? [SECRET] : null) };

function v2Plain(ks: string) {
  const parts = splitKsV2(decodeBase64Lenient(ks)!)!;
  return { ciphertext: parts.ciphertext, content: decryptKsV2(parts.ciphertext, [SECRET])! };
}

describe('generateKs', () => {
  it('defaults to v2, type 0, 86400 seconds from now', () => {
    const before = Math.floor(Date.now() / 1000);
    const ks = generateKs({ partnerId: 1234, secret: SECRET, userId: 'u' });
    expect(ks.startsWith('djJ8')).toBe(true);
    const parsed = parseKs(ks, lookup);
    expect(parsed).toMatchObject({ valid: true, version: 2, type: 0, userId: 'u', privileges: '', partnerId: '1234' });
    expect(parsed.validUntil! - 86400).toBeGreaterThanOrEqual(before);
    expect(parsed.validUntil! - 86400).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('draws a fresh CSPRNG random for every v2 KS and a random rand for v1', () => {
    const options: GenerateKsOptions = { partnerId: 1234, secret: SECRET, now: 1_800_000_000 };
    const randoms = new Set<string>();
    for (let i = 0; i < 600; i++) randoms.add(parseKs(generateKs(options), lookup).rand!);
    expect(randoms.size).toBe(600);
    const rands = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const rand = parseKs(generateKs({ ...options, version: 1 }), lookup).rand!;
      expect(Number(rand)).toBeGreaterThanOrEqual(0);
      expect(Number(rand)).toBeLessThanOrEqual(32000);
      rands.add(rand);
    }
    expect(rands.size).toBeGreaterThan(40);
  });

  it('pads with zeros only when needed (no PKCS#7 block)', () => {
    // 20 + 16 + fields; "_e=1800000000&_t=0&_u=" is 22 chars, so a 6-char user id fills 64 bytes exactly.
    const exact = v2Plain(generateKs({ partnerId: 1234, secret: SECRET, now: 1_800_000_000, expirySeconds: 0, userId: 'abcdef' }));
    expect(exact.ciphertext.length).toBe(64);
    expect(exact.content.fieldsBinary).toBe('_e=1800000000&_t=0&_u=abcdef');
    const short = v2Plain(generateKs({ partnerId: 1234, secret: SECRET, now: 1_800_000_000, expirySeconds: 0, userId: 'abcde' }));
    expect(short.ciphertext.length).toBe(64);
    const long = v2Plain(generateKs({ partnerId: 1234, secret: SECRET, now: 1_800_000_000, expirySeconds: 0, userId: 'abcdefg' }));
    expect(long.ciphertext.length).toBe(80);
  });

  it('uses the given random bytes and writes _m/_d when given', () => {
    const random = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const ks = generateKs({ partnerId: 1234, secret: SECRET, random, userId: null, masterPartnerId: 99, additionalData: 'd', now: 1 });
    const { content } = v2Plain(ks);
    expect(content.random.toString('hex')).toBe(random.toString('hex'));
    expect(content.fieldsBinary).toBe('_e=86401&_t=0&_m=99&_d=d');
  });

  it('derives the AES key from SHA-1 of the secret', () => {
    expect(ksV2AesKey(SECRET).toString('hex')).toBe('0f8789da4b7c09f352c338a2c7a2ce09');
  });

  it('rejects bad options with a clear KsOptionError', () => {
    const ok: GenerateKsOptions = { partnerId: 1234, secret: SECRET };
    const bad: Array<[Partial<GenerateKsOptions> | Record<string, unknown>, RegExp]> = [
      [{ partnerId: 'abc' }, /partnerId/],
      [{ partnerId: 1.5 }, /partnerId/],
      [{ partnerId: '12|34' }, /partnerId/],
      [{ secret: '' }, /secret/],
      [{ secret: 'a,b' }, /secret/],
      [{ type: 1 }, /type/],
      [{ version: 3 }, /version/],
      [{ expirySeconds: Number.NaN }, /expirySeconds/],
      [{ expirySeconds: 1.5 }, /expirySeconds/],
      [{ now: Number.MAX_SAFE_INTEGER, expirySeconds: 10 }, /range/],
      [{ random: Buffer.alloc(15) }, /random/],
      [{ userId: 42 }, /userId/],
      [{ privileges: 'a[b]:1' }, /array/],
      [{ privileges: '_e:1' }, /reserved/],
      [{ privileges: '.e:1' }, /reserved/],
      [{ privileges: ':x' }, /empty/],
      [{ version: 1, rand: 'a;b' }, /rand/],
    ];
    for (const [override, message] of bad) {
      expect(() => generateKs({ ...ok, ...override } as GenerateKsOptions)).toThrow(KsOptionError);
      expect(() => generateKs({ ...ok, ...override } as GenerateKsOptions)).toThrow(message);
    }
    expect(() => generateKs(null as unknown as GenerateKsOptions)).toThrow(KsOptionError);
  });
});

describe('generateKs: ";" in KS v1 fields (field injection)', () => {
  const base: GenerateKsOptions = { version: 1, partnerId: 1234, secret: SECRET, now: 1_800_000_000 };

  it('refuses ";" in a v1 user id, privileges, master partner id or additional data', () => {
    const injections: Array<[Partial<GenerateKsOptions>, RegExp]> = [
      [{ userId: 'alice;*' }, /userId cannot contain ";"/],
      [{ userId: '7_1;sview:*' }, /userId cannot contain ";"/],
      [{ privileges: 'sview:*;-2' }, /privileges cannot contain ";"/],
      [{ masterPartnerId: '1;2' }, /masterPartnerId cannot contain ";"/],
      [{ additionalData: 'a;b' }, /additionalData cannot contain ";"/],
    ];
    for (const [override, message] of injections) {
      expect(() => generateKs({ ...base, ...override })).toThrow(KsOptionError);
      expect(() => generateKs({ ...base, ...override })).toThrow(message);
    }
  });

  it('still writes v1 user ids and privileges without ";" as given', () => {
    const parsed = parseKs(generateKs({ ...base, userId: 'alice@example.com', privileges: 'sview:*,list:*' }), lookup);
    expect(parsed).toMatchObject({ valid: true, version: 1, userId: 'alice@example.com', privileges: 'sview:*,list:*' });
  });

  it('v2 url-encodes its fields: a ";" in the user id stays in the user id', () => {
    const parsed = parseKs(generateKs({ ...base, version: 2, userId: 'alice;*', privileges: 'sview:0_abc' }), lookup);
    expect(parsed).toMatchObject({ valid: true, version: 2, userId: 'alice;*', privileges: 'sview:0_abc' });
    const noPrivileges = parseKs(generateKs({ ...base, version: 2, userId: '7_1;sview:*' }), lookup);
    expect(noPrivileges).toMatchObject({ valid: true, userId: '7_1;sview:*', privileges: '' });
  });
});

describe('ksTail', () => {
  it('returns the last 6 characters', () => {
    expect(ksTail('djJ8MTIzNHzABCDEF')).toBe('ABCDEF');
    expect(ksTail('abc')).toBe('abc');
  });
});
