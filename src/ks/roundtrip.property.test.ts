/**
 * Property tests: parseKs(generateKs(x)) gives back x for both versions (modulo the documented
 * changes: PHP name mangling and trimming in v2, the `;` shift in v1), and changing any byte of
 * the decoded KS makes it invalid.
 */
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Lenient, encodeBase64 } from './base64.js';
import { buildPrivileges, generateKs, KsOptionError, parseKs } from './index.js';
import { encodeKsV1 } from './ks-v1.js';

const SECRET = 'property-admin-secret';
const SPECIALS = [';', '|', '&', '=', '%', '+', ':', ',', '~', '*', '/', ' ', '.', '[', ']', '\0', 'é', '用', '😀'];
const text = (extra: fc.Arbitrary<string>) =>
  fc.array(fc.oneof(fc.constantFrom(...SPECIALS), extra), { maxLength: 12 }).map((parts) => parts.join(''));
const userId = fc.option(text(fc.string({ unit: 'binary', maxLength: 4 })), { nil: null });
const privilegeName = fc
  .stringMatching(/^[a-z0-9][a-z0-9. _-]{0,10}[a-z0-9]$/)
  .filter((n) => n !== '0' && !['_e', '_t', '_u', '_m', '_d'].includes(n.replace(/[ .]/g, '_')));
const privilegeValue = text(fc.string({ unit: 'binary', maxLength: 3 })).map((v) => v.replace(/,/g, ''));
const privilegeList = fc.uniqueArray(fc.record({ name: privilegeName, value: privilegeValue }), {
  maxLength: 5,
  selector: (p) => p.name.replace(/[ .]/g, '_'),
});
const input = fc.record({
  partnerId: fc.integer({ min: -2, max: 2_147_483_647 }),
  userId,
  type: fc.constantFrom(0 as const, 2 as const),
  expirySeconds: fc.integer({ min: 1, max: 10 * 365 * 86400 }),
  now: fc.integer({ min: 1_000_000_000, max: 2_000_000_000 }),
  privileges: privilegeList,
});

const lookupFor = (partnerId: number) => (pid: string) => (pid === String(partnerId) ? [SECRET] : null);

describe('round trip', () => {
  it('v2: parseKs(generateKs(x)) returns x (names read back with PHP mangling, values right-trimmed)', () => {
    fc.assert(
      fc.property(input, (x) => {
        const privileges = buildPrivileges(x.privileges.map((p) => [p.name, p.value] as const));
        const ks = generateKs({ ...x, secret: SECRET, privileges });
        const parsed = parseKs(ks, { adminSecretsFor: lookupFor(x.partnerId), now: x.now });
        const expectedPrivileges = buildPrivileges(
          x.privileges
            .map((p) => [p.name.replace(/[ .]/g, '_'), p.value.replace(/[ \t\n\r\0\x0B]+$/, '')] as const),
        );
        expect(parsed).toMatchObject({
          valid: true,
          error: null,
          version: 2,
          partnerId: String(x.partnerId),
          validUntil: x.now + x.expirySeconds,
          type: x.type,
          userId: x.userId,
          privileges: expectedPrivileges === 'all:*' ? '*' : expectedPrivileges,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('v1: parseKs(generateKs(x)) returns x; generateKs refuses a ";" in the user id or privileges, which would shift the later fields as the server reads them', () => {
    fc.assert(
      fc.property(input, fc.integer({ min: 0, max: 32000 }), (x, rand) => {
        const privileges = buildPrivileges(x.privileges.map((p) => [p.name, p.value] as const));
        const options = { ...x, version: 1 as const, secret: SECRET, privileges, rand };
        const injected = `${x.userId ?? ''}${privileges}`.includes(';');
        if (injected) expect(() => generateKs(options)).toThrow(KsOptionError);
        // what the refused KS would have said: signed by hand, read back with the fields shifted
        const info = `${x.partnerId};${x.partnerId};${x.now + x.expirySeconds};${x.type};${rand};${x.userId ?? ''};${privileges}`;
        const ks = injected ? encodeKsV1(SECRET, info) : generateKs(options);
        const parsed = parseKs(ks, { adminSecretsFor: lookupFor(x.partnerId), now: x.now });
        const tail = `${x.userId ?? ''};${privileges}`.split(';');
        expect(parsed).toMatchObject({
          valid: true,
          version: 1,
          partnerId: String(x.partnerId),
          validUntil: x.now + x.expirySeconds,
          type: x.type,
          rand: String(rand),
          userId: tail[0],
          privileges: tail[1],
          masterPartnerId: tail[2] ?? null,
          additionalData: tail[3] ?? null,
        });
        if (!injected) {
          expect(parsed.userId).toBe(x.userId ?? '');
          expect(parsed.privileges).toBe(privileges);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('tampering', () => {
  it('changing any byte of the decoded KS (signature, fields, ciphertext, prefix) makes it invalid', () => {
    fc.assert(
      fc.property(input, fc.constantFrom(1 as const, 2 as const), fc.nat(), fc.integer({ min: 1, max: 255 }), (x, version, at, flip) => {
        const built = buildPrivileges(x.privileges.map((p) => [p.name, p.value] as const));
        // v1 refuses ";" in these fields (see above)
        const privileges = version === 1 ? built.replace(/;/g, '') : built;
        const userId = version === 1 && x.userId !== null ? x.userId.replace(/;/g, '') : x.userId;
        const ks = generateKs({ ...x, userId, version, secret: SECRET, privileges });
        const bytes = Buffer.from(decodeBase64Lenient(ks)!);
        const i = at % bytes.length;
        bytes[i] = bytes[i]! ^ flip;
        const options = { adminSecretsFor: lookupFor(x.partnerId), now: x.now };
        expect(parseKs(encodeBase64(bytes), options)).toMatchObject({ valid: false, error: 'INVALID_STR' });
      }),
      { numRuns: 1000 },
    );
  });

  it.each([1, 2] as const)('v%i: every single position, exhaustively, for one KS', (version) => {
    const ks = generateKs({ version, partnerId: 1234, secret: SECRET, userId: 'victim', privileges: 'sview:0_abc', now: 1e9 });
    const bytes = decodeBase64Lenient(ks)!;
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i] = copy[i]! ^ 0x01;
      expect(parseKs(encodeBase64(copy), { adminSecretsFor: lookupFor(1234), now: 1e9 }).valid).toBe(false);
    }
  });
});
