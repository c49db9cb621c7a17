import { describe, expect, it } from 'vitest';
import { valueToBoolean } from './value-to-boolean.js';

describe('valueToBoolean (Canvas value_to_boolean)', () => {
  it.each([
    [true, true], [false, false],
    ['yes', true], ['Y', true], ['TRUE', true], ['t', true], ['On', true], ['1', true],
    ['no', false], ['N', false], ['False', false], ['f', false], ['OFF', false], ['0', false],
    ['2', true], ['-3', true], ['12abc', true], ['abc', false], ['', false], [' true', false], ['true ', false], ['00', false],
    [1, true], [0, false], [2.7, true], [0.4, false], [Number.NaN, false],
    [undefined, false], [null, false], [[], false], [['1'], false], [{}, false], [{ a: 1 }, false],
  ])('%j → %s', (input, expected) => {
    expect(valueToBoolean(input)).toBe(expected);
  });
});
