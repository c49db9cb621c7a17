import { describe, expect, it } from 'vitest';
import { ExpiringKeySet } from './expiring-key-set.js';

describe('ExpiringKeySet', () => {
  it('holds a key for ttl after its last add, then forgets it', () => {
    const set = new ExpiringKeySet(1000, 10);
    expect(set.has('a', 0)).toBe(false);
    set.add('a', 0);
    expect(set.has('a', 999)).toBe(true);
    set.add('a', 500); // renewed
    expect(set.has('a', 1400)).toBe(true);
    expect(set.has('a', 1500)).toBe(false);
    expect(set.size).toBe(0);
  });

  it('stays within its bound: expired keys are swept first, then the least recently added goes', () => {
    const set = new ExpiringKeySet(1000, 3);
    set.add('a', 0);
    set.add('b', 100);
    set.add('c', 200);
    set.add('a', 300); // renewed: now the newest
    set.add('d', 400); // full: b (oldest) goes
    expect(set.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].filter((k) => set.has(k, 400))).toEqual(['a', 'c', 'd']);
    set.add('e', 1250); // c expired at 1200 and is swept, nothing live is pushed out
    expect(['a', 'c', 'd', 'e'].filter((k) => set.has(k, 1250))).toEqual(['a', 'd', 'e']);
  });
});
