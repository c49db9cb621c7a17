import { describe, expect, it } from 'vitest';
import { answerHeaders } from './answer-headers.js';

/** The list as name → values, in order. */
const pairs = (list: unknown[]): [unknown, unknown][] => Array.from({ length: list.length / 2 }, (_, i) => [list[2 * i], list[2 * i + 1]]);

describe('answerHeaders', () => {
  it('lists the base headers, then the JSON body’s type and length', () => {
    expect(pairs(answerHeaders('req-1', 42, null, 123))).toEqual([
      ['x-request-id', 'req-1'],
      ['x-content-type-options', 'nosniff'],
      ['cache-control', 'no-store'],
      ['x-canvas-user-id', '42'],
      ['content-type', 'application/json; charset=utf-8'],
      ['content-length', 123],
    ]);
  });

  it('adds an answer’s own headers before the body’s', () => {
    const list = pairs(answerHeaders('req-1', 42, { link: '<x>; rel="next"', 'retry-after': '1' }, 5));
    expect(list.slice(4)).toEqual([
      ['link', '<x>; rel="next"'],
      ['retry-after', '1'],
      ['content-type', 'application/json; charset=utf-8'],
      ['content-length', 5],
    ]);
  });

  it('takes an own header that repeats a base one in its place, once, as an object would', () => {
    // the request id may be any token, even a header's name: only names are matched
    const list = pairs(answerHeaders('cache-control', 7, { 'cache-control': 'private', 'content-type': 'text/plain', 'content-length': '9' }, 5));
    expect(list).toEqual([
      ['x-request-id', 'cache-control'],
      ['x-content-type-options', 'nosniff'],
      ['cache-control', 'private'],
      ['x-canvas-user-id', '7'],
      ['content-type', 'application/json; charset=utf-8'],
      ['content-length', 5],
    ]);
  });
});
