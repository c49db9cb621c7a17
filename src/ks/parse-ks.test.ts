import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Lenient, encodeBase64 } from './base64.js';
import { generateKs, parseKs, type ParseKsOptions } from './index.js';
import { encodeKsV1 } from './ks-v1.js';
import { encodeKsV2 } from './ks-v2.js';

const NOW = 1_800_000_000;
const ADMIN = 'admin-secret-1234';
const SECOND = 'second-admin-secret-1234';
const USER_SECRET = 'user-secret-1234';
const OTHER = 'admin-secret-5678';
const secretsByPartner: Record<string, string[]> = { '1234': [ADMIN, SECOND], '5678': [OTHER] };
const opts = (extra: Partial<ParseKsOptions> = {}): ParseKsOptions => ({
  adminSecretsFor: (pid) => secretsByPartner[pid],
  now: NOW,
  ...extra,
});
const base = { partnerId: 1234, secret: ADMIN, userId: 'u1', now: NOW, expirySeconds: 3600 } as const;
const random = Buffer.alloc(16, 7);

describe('parseKs: secrets', () => {
  it.each([1, 2] as const)('v%i: tries every admin secret and reports which matched', (version) => {
    expect(parseKs(generateKs({ ...base, version }), opts()).matchedSecretIndex).toBe(0);
    const second = parseKs(generateKs({ ...base, version, secret: SECOND }), opts());
    expect(second.valid).toBe(true);
    expect(second.matchedSecretIndex).toBe(1);
  });

  it.each([1, 2] as const)('v%i: never accepts the user secret', (version) => {
    const ks = generateKs({ ...base, version, secret: USER_SECRET });
    expect(parseKs(ks, opts())).toMatchObject({ valid: false, error: 'INVALID_STR', partnerId: null });
  });

  it.each([1, 2] as const)('v%i: a KS naming another partner than the signer is invalid', (version) => {
    // Signed with partner 5678's secret but names 1234, and the reverse.
    expect(parseKs(generateKs({ ...base, version, secret: OTHER }), opts()).error).toBe('INVALID_STR');
    expect(parseKs(generateKs({ ...base, version, partnerId: 5678 }), opts()).error).toBe('INVALID_STR');
    const asked: string[] = [];
    parseKs(generateKs({ ...base, version, partnerId: 5678 }), { adminSecretsFor: (pid) => (asked.push(pid), null) });
    expect(asked).toEqual(['5678']);
  });

  it('ignores empty and non-string secrets and survives a throwing lookup', () => {
    const ks = encodeKsV1('', '1234;1234;1900000000;2;1;u;');
    expect(parseKs(ks, { adminSecretsFor: () => ['', 42 as unknown as string], now: NOW }).error).toBe('INVALID_STR');
    const throwing = parseKs(generateKs(base), {
      adminSecretsFor: () => {
        throw new Error('db down');
      },
    });
    expect(throwing).toMatchObject({ valid: false, error: 'INVALID_STR' });
  });
});

describe('parseKs: format', () => {
  it('accepts both Base64 alphabets and missing padding', () => {
    const padded = (version: 1 | 2) => {
      // '~' and '?' put Base64 digits 62 and 63 into a v1 KS; v2 has them in its ciphertext.
      for (let n = 1; n < 100; n++) {
        const ks = generateKs({ ...base, version, random: Buffer.alloc(16, 0xff), rand: 1, userId: '~?~'.repeat(n) });
        if (ks.endsWith('=') && /[-_+/]/.test(ks)) return ks;
      }
      throw new Error('no padded KS found');
    };
    for (const ks of [padded(1), padded(2)]) {
      expect(parseKs(ks, opts()).valid).toBe(true);
      expect(parseKs(ks.replace(/=+$/, ''), opts()).valid).toBe(true);
      expect(parseKs(ks.replace(/-/g, '+').replace(/_/g, '/'), opts()).valid).toBe(true);
      expect(parseKs(ks.replace(/\+/g, '-').replace(/\//g, '_'), opts()).valid).toBe(true);
    }
  });

  it('rejects a v2 ciphertext whose length is not a multiple of 16', () => {
    const decoded = decodeBase64Lenient(generateKs(base))!;
    for (const cut of [1, 15]) {
      expect(parseKs(encodeBase64(decoded.subarray(0, decoded.length - cut)), opts()).error).toBe('INVALID_STR');
    }
    // A full block less is still a multiple of 16, but the hash no longer matches.
    expect(parseKs(encodeBase64(decoded.subarray(0, decoded.length - 16)), opts()).error).toBe('INVALID_STR');
  });

  it('treats fewer than 3 v1 fields, a missing | and empty input as INVALID_STR', () => {
    for (const ks of ['', '0', 'MA==', encodeKsV1(ADMIN, '1234;1234'), encodeBase64(Buffer.from('no pipe at all'))]) {
      expect(parseKs(ks, opts())).toMatchObject({ valid: false, error: 'INVALID_STR', version: null });
    }
  });

  it('reads a 3-field v1 KS like the server (missing members are null)', () => {
    const parsed = parseKs(encodeKsV1(ADMIN, '1234;1234;1900000000'), opts());
    expect(parsed).toMatchObject({ valid: true, type: null, rand: null, userId: null, privileges: null, isAdmin: false });
  });

  it('never throws, whatever the string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 300 }).map((b) => encodeBase64(b)),
        fc.uint8Array({ maxLength: 300 }).map((b) => encodeBase64(Buffer.concat([Buffer.from('v2|1234|'), b]))),
        fc.string().map((s) => encodeBase64(Buffer.from(`x|1234;${s}`)))), (ks) => {
        const parsed = parseKs(ks, opts());
        expect(typeof parsed.valid).toBe('boolean');
        expect(parsed.valid).toBe(false);
      }),
      { numRuns: 500 },
    );
    expect(parseKs(undefined as unknown as string, opts()).error).toBe('INVALID_STR');
    expect(parseKs('djJ8MTIzNHw', null as unknown as ParseKsOptions).error).toBe('INVALID_STR');
    expect(parseKs('x'.repeat(1_000_000), opts()).error).toBe('INVALID_STR');
  });
});

describe('parseKs: validity checks', () => {
  it.each([1, 2] as const)('v%i: valid_until <= now is EXPIRED', (version) => {
    const ks = generateKs({ ...base, version, expirySeconds: 10 });
    expect(parseKs(ks, opts({ now: NOW + 9 })).valid).toBe(true);
    expect(parseKs(ks, opts({ now: NOW + 10 }))).toMatchObject({ valid: false, error: 'EXPIRED', validUntil: NOW + 10, userId: 'u1' });
  });

  it.each([1, 2] as const)('v%i: iprestrict is checked only when remoteAddr is given', (version) => {
    const ks = generateKs({ ...base, version, privileges: 'iprestrict:10.0.0.1/10.0.0.2' });
    expect(parseKs(ks, opts()).valid).toBe(true);
    expect(parseKs(ks, opts({ remoteAddr: '10.0.0.2' })).valid).toBe(true);
    expect(parseKs(ks, opts({ remoteAddr: '10.0.0.3' })).error).toBe('EXCEEDED_RESTRICTED_IP');
  });

  it.each([1, 2] as const)('v%i: urirestrict exact or prefix with *, several separated by |', (version) => {
    const ks = generateKs({ ...base, version, privileges: 'urirestrict:/api_v3/service/media*|/exact' });
    expect(parseKs(ks, opts()).valid).toBe(true);
    expect(parseKs(ks, opts({ requestUri: '/api_v3/service/media/action/list' })).valid).toBe(true);
    expect(parseKs(ks, opts({ requestUri: '/exact' })).valid).toBe(true);
    expect(parseKs(ks, opts({ requestUri: '/exact/more' })).error).toBe('EXCEEDED_RESTRICTED_URI');
    expect(parseKs(ks, opts({ requestUri: '/api_v3/service/user' })).error).toBe('EXCEEDED_RESTRICTED_URI');
  });

  it('checks expiry before the IP and the IP before the URI', () => {
    const ks = generateKs({ ...base, privileges: 'iprestrict:1.1.1.1,urirestrict:/a', expirySeconds: -1 });
    expect(parseKs(ks, opts({ remoteAddr: '2.2.2.2', requestUri: '/b' })).error).toBe('EXPIRED');
    const live = generateKs({ ...base, privileges: 'iprestrict:1.1.1.1,urirestrict:/a' });
    expect(parseKs(live, opts({ remoteAddr: '2.2.2.2', requestUri: '/b' })).error).toBe('EXCEEDED_RESTRICTED_IP');
  });
});

describe('parseKs: odd but signed v2 fields, read as the PHP server reads them', () => {
  const signed = (fields: string) => encodeKsV2(ADMIN, '1234', random, fields);

  it('a missing _e is EXPIRED (null <= time())', () => {
    expect(parseKs(signed('_t=0&_u=x'), opts()).error).toBe('EXPIRED');
  });

  it('a non-numeric _e compares as a string, as PHP 8 does', () => {
    expect(parseKs(signed('_e=abc&_t=0'), opts())).toMatchObject({ valid: true, validUntil: null });
    expect(parseKs(signed('_e=1+&_t=0'), opts()).error).toBe('EXPIRED'); // "1 " is numeric in PHP 8
  });

  it('empty fields or "0" are INVALID_STR; array names are INVALID_STR', () => {
    expect(parseKs(signed(''), opts()).error).toBe('INVALID_STR');
    expect(parseKs(signed('0'), opts()).error).toBe('INVALID_STR');
    expect(parseKs(signed('_e=1900000000&a[]=1'), opts()).error).toBe('INVALID_STR');
  });

  it('mangles names, keeps first positions, shows all:* alone as *', () => {
    const parsed = parseKs(signed('my.priv=1&all=%2A&my_priv=2&_e=1900000000&_t=2&_u=a+b&_m=7&_d=x'), opts());
    expect(parsed).toMatchObject({ privileges: 'my_priv:2,all:*', userId: 'a b', type: 2, masterPartnerId: '7', additionalData: 'x', isAdmin: true });
    expect(parseKs(signed('all=%2A&_e=1900000000&_t=0'), opts())).toMatchObject({ privileges: '*', userId: null });
  });

  it('a widget session is a type 0 anonymous KS with widget:1', () => {
    const w = parseKs(generateKs({ ...base, userId: '0', privileges: 'view:*,widget:1' }), opts());
    expect(w.isWidgetSession).toBe(true);
    expect(parseKs(generateKs({ ...base, privileges: 'view:*,widget:1' }), opts()).isWidgetSession).toBe(false);
  });
});
