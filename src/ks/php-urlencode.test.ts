import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { httpBuildQuery, phpUrldecodeBinary, phpUrlencode } from './php-urlencode.js';
import { Buffer } from 'node:buffer';

describe('phpUrlencode', () => {
  it('keeps A-Z a-z 0-9 - _ . and encodes everything else like PHP', () => {
    expect(phpUrlencode('Az09-_.')).toBe('Az09-_.');
    expect(phpUrlencode('john doe')).toBe('john+doe');
    expect(phpUrlencode("*~:/!'()")).toBe('%2A%7E%3A%2F%21%27%28%29');
    expect(phpUrlencode(';|&=%+,')).toBe('%3B%7C%26%3D%25%2B%2C');
    expect(phpUrlencode('josé.ñúñez@example.com')).toBe('jos%C3%A9.%C3%B1%C3%BA%C3%B1ez%40example.com');
    expect(phpUrlencode('用户')).toBe('%E7%94%A8%E6%88%B7');
    expect(phpUrlencode('\0')).toBe('%00');
  });

  it('does not throw on a lone surrogate (encoded as U+FFFD)', () => {
    expect(phpUrlencode('a\uD800 b')).toBe('a%EF%BF%BD+b');
  });

  it('round-trips through urldecode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const encoded = phpUrlencode(s);
        expect(encoded).toMatch(/^[A-Za-z0-9._+%-]*$/);
        expect(Buffer.from(phpUrldecodeBinary(encoded), 'latin1').toString('utf8')).toBe(s);
      }),
    );
  });

  it('urldecode leaves a bad escape alone', () => {
    expect(phpUrldecodeBinary('a+b%2a%zz%4')).toBe('a b*%zz%4');
  });

  it('http_build_query skips null values', () => {
    expect(httpBuildQuery([['list', '*'], ['_u', 'john doe'], ['_m', null]])).toBe('list=%2A&_u=john+doe');
  });
});
