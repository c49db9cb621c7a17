import { describe, expect, it } from 'vitest';
import { sortableName } from './sortable-name.js';

describe('sortableName', () => {
  it('puts the surname first, keeps suffixes with the given names, leaves one word and commas alone', () => {
    expect(sortableName('Ann Lee')).toBe('Lee, Ann');
    expect(sortableName('  Mary  Ann   Smith ')).toBe('Smith, Mary Ann');
    expect(sortableName('John Doe Jr.')).toBe('Doe, John Jr.');
    expect(sortableName('Cher')).toBe('Cher');
    expect(sortableName('Lee, Ann')).toBe('Lee, Ann');
  });
});
