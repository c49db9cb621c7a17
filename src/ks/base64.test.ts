import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Lenient, encodeBase64, encodeBase64UrlPadded } from './base64.js';

describe('base64', () => {
  it('encodes standard and URL-safe with = kept', () => {
    expect(encodeBase64(Buffer.from([0xfb, 0xff]))).toBe('+/8=');
    expect(encodeBase64UrlPadded(Buffer.from([0xfb, 0xff]))).toBe('-_8=');
    expect(encodeBase64UrlPadded(Buffer.from([0xfb]))).toBe('-w==');
    expect(encodeBase64UrlPadded(Buffer.from([1, 2, 3]))).toBe('AQID');
  });

  it('decodes both alphabets, with or without padding', () => {
    expect(decodeBase64Lenient('+/8=')).toEqual(Buffer.from([0xfb, 0xff]));
    expect(decodeBase64Lenient('-_8')).toEqual(Buffer.from([0xfb, 0xff]));
    expect(decodeBase64Lenient('-w')).toEqual(Buffer.from([0xfb]));
    expect(decodeBase64Lenient('')).toEqual(Buffer.alloc(0));
  });

  it('follows PHP strict rules', () => {
    expect(decodeBase64Lenient('AQ ID\n\r\t')).toEqual(Buffer.from([1, 2, 3])); // whitespace skipped
    expect(decodeBase64Lenient('A')).toBeNull(); // one char in the last group
    expect(decodeBase64Lenient('AQ=')).toBeNull(); // wrong padding length
    expect(decodeBase64Lenient('AQ===')).toBeNull();
    expect(decodeBase64Lenient('AQ==AQ==')).toBeNull(); // data after padding
    expect(decodeBase64Lenient('AQID=')).toBeNull();
    expect(decodeBase64Lenient('AQ*D')).toBeNull(); // outside the alphabet
    expect(decodeBase64Lenient('AQIé')).toBeNull();
    expect(decodeBase64Lenient('AQI\0')).toBeNull();
  });

  it('round-trips any bytes in both forms', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(decodeBase64Lenient(encodeBase64(bytes))).toEqual(Buffer.from(bytes));
        expect(decodeBase64Lenient(encodeBase64UrlPadded(bytes))).toEqual(Buffer.from(bytes));
        expect(encodeBase64UrlPadded(bytes)).toBe(Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_'));
      }),
    );
  });

  it('never throws on any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => void decodeBase64Lenient(s)));
  });
});
