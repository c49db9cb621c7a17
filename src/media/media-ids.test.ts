import { describe, expect, it } from 'vitest';
import { cutTitle, guaranteedTitle, isEntryId, parseContextCode } from './media-ids.js';
import { canonicalLocale } from './caption-languages.js';
import { TrackUrlSigner } from './track-url-signer.js';
import { parseKeyring } from '../crypto/keyring.js';

describe('media ids and titles', () => {
  it('recognizes Kaltura entry ids', () => {
    for (const ok of ['0_abcd1234', '1_ABCD1234', '9_00000000']) expect(isEntryId(ok)).toBe(true);
    for (const bad of ['0_abc', '0_abcd12345', '_abcd1234', '10_abcd1234', '0-abcd1234', '0_abcd123!', 5, null]) expect(isEntryId(bad)).toBe(false);
  });

  it('parses context codes', () => {
    expect(parseContextCode('user_3')).toEqual({ type: 'user', id: '3' });
    expect(parseContextCode('course_12')).toEqual({ type: 'course', id: '12' });
    expect(parseContextCode('course_section_4')).toEqual({ type: 'course_section', id: '4' });
    expect(parseContextCode('user_self')).toEqual({ type: 'user', id: 'self' });
    for (const bad of ['course', 'course_', 'Course_1', 'course_1a', '_1', 'course_1 ', 'course_self']) expect(parseContextCode(bad)).toBeNull();
  });

  it('cuts titles at 255 characters without splitting a character, and guarantees one', () => {
    expect(cutTitle('😀'.repeat(300))).toBe('😀'.repeat(255));
    expect(cutTitle('short')).toBe('short');
    expect(guaranteedTitle('Mine', 'Kaltura')).toBe('Mine');
    expect(guaranteedTitle(' ', 'Kaltura')).toBe('Kaltura');
    expect(guaranteedTitle(null, null)).toBe('Untitled');
  });

  it('knows Canvas\'s caption languages', () => {
    expect(canonicalLocale('en')).toBe('en');
    expect(canonicalLocale('zh_hant')).toBe('zh-Hant');
    expect(canonicalLocale('EN-gb')).toBe('en-GB');
    expect(canonicalLocale('xx')).toBeNull();
    expect(canonicalLocale('en-US')).toBeNull();
  });
});

describe('TrackUrlSigner', () => {
  const keyring = parseKeyring('a'.repeat(64));
  const signer = new TrackUrlSigner(keyring);
  it('verifies its own links until they expire, for exactly that account, entry and track', () => {
    const { verifier, expires } = signer.sign(1, '0_abcd1234', 7, 2000);
    expect(signer.verify(1, '0_abcd1234', 7, verifier, expires, 1999)).toBe(true);
    expect(signer.verify(1, '0_abcd1234', 7, verifier, expires, 2001)).toBe(false);
    expect(signer.verify(2, '0_abcd1234', 7, verifier, expires, 1999)).toBe(false);
    expect(signer.verify(1, '0_abcd1235', 7, verifier, expires, 1999)).toBe(false);
    expect(signer.verify(1, '0_abcd1234', 8, verifier, expires, 1999)).toBe(false);
    expect(signer.verify(1, '0_abcd1234', 7, verifier, '3000', 1999)).toBe(false);
    expect(signer.verify(1, '0_abcd1234', 7, undefined, expires, 1999)).toBe(false);
  });
  it('keeps links signed under a retired key valid after rotation', () => {
    const old = signer.sign(1, '0_abcd1234', 7, 2000);
    const rotated = new TrackUrlSigner(parseKeyring(`${'b'.repeat(64)},${'a'.repeat(64)}`));
    expect(rotated.verify(1, '0_abcd1234', 7, old.verifier, old.expires, 1000)).toBe(true);
    expect(new TrackUrlSigner(parseKeyring('b'.repeat(64))).verify(1, '0_abcd1234', 7, old.verifier, old.expires, 1000)).toBe(false);
  });
});
