import { describe, expect, it } from 'vitest';
import { nestParams, NestedParamsError, splitKey } from './nested-params.js';

describe('nestParams (Rails-style bracket keys)', () => {
  it('nests objects and lists the way Rails reads a form', () => {
    expect(
      nestParams({
        'user[name]': 'Ann Lee',
        'pseudonym[unique_id]': 'ann',
        'token[scopes][]': ['url:GET|/a', 'url:GET|/b'],
        'one[]': 'only',
        access_token: 'tok',
      }),
    ).toEqual({
      user: { name: 'Ann Lee' },
      pseudonym: { unique_id: 'ann' },
      token: { scopes: ['url:GET|/a', 'url:GET|/b'] },
      one: ['only'],
      access_token: 'tok',
    });
  });

  it('keeps the last value of a repeated bracket key and leaves plain keys and malformed keys whole', () => {
    expect(nestParams({ 'a[b]': ['1', '2'], 'x[y': 'v', plain: ['p', 'q'] })).toEqual({ a: { b: '2' }, 'x[y': 'v', plain: ['p', 'q'] });
    expect(splitKey('a[b][]')).toEqual(['a', 'b', '']);
    expect(splitKey('a]')).toEqual(['a]']);
  });

  it('refuses conflicts, reserved names, [] in the middle, and too deep or too many keys', () => {
    expect(() => nestParams({ a: '1', 'a[b]': '2' })).toThrow(NestedParamsError);
    expect(() => nestParams({ 'a[b]': '2', 'a[b][c]': '3' })).toThrow(/both as a value/);
    expect(() => nestParams({ 'a[__proto__][x]': '1' })).toThrow(/not allowed/);
    expect(() => nestParams({ 'constructor[prototype]': '1' })).toThrow(/not allowed/);
    expect(() => nestParams({ 'a[][b]': '1' })).toThrow(/before its end/);
    expect(() => nestParams({ 'a[b][c][d][e][f]': '1' })).toThrow(/nested too deeply/);
    expect(nestParams({ 'a[b][c][d][e]': '1' }, { maxDepth: 4 })).toEqual({ a: { b: { c: { d: { e: '1' } } } } });
    expect(() => nestParams({ 'a[]': Array.from({ length: 11 }, String) }, { maxEntries: 10 })).toThrow(/Too many/);
    expect(Object.prototype).not.toHaveProperty('x'); // nothing leaked onto the prototype
  });
});
