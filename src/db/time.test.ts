import { describe, expect, it } from 'vitest';
import { isoMemo } from './time.js';

describe('isoMemo', () => {
  it('is toISOString, for repeated and changing times', () => {
    const iso = isoMemo();
    for (const ms of [0, 0, 1_733_212_345_678, 1_733_212_345_678, 1_733_212_345_679, 5, 1_733_212_345_678]) expect(iso(ms)).toBe(new Date(ms).toISOString());
  });
});
