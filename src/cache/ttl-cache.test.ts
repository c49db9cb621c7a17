import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache.js';

describe('TtlCache', () => {
  it('expires entries after the TTL and drops the oldest beyond the size cap', () => {
    let now = 0;
    const cache = new TtlCache<string, number>(100, 2, () => now);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 2, 3]);
    now = 100;
    expect(cache.get('b')).toBeUndefined();
  });

  it('with a weight limit, keeps the sum of the weights within it (oldest first out) and refuses a value heavier than all of it', () => {
    const cache = new TtlCache<string, string>(60_000, 100, Date.now, { max: 10, weigh: (v) => v.length });
    cache.set('a', 'xxxx');
    cache.set('b', 'xxxx');
    expect(cache.totalWeight).toBe(8);
    cache.set('c', 'xxxx');
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 'xxxx', 'xxxx']);
    expect(cache.totalWeight).toBe(8);
    cache.set('b', 'xx');
    expect(cache.totalWeight).toBe(6);
    cache.set('d', 'x'.repeat(11));
    expect(cache.get('d')).toBeUndefined();
    cache.delete('c');
    cache.deleteWhere((v) => v === 'xx');
    expect([cache.size, cache.totalWeight]).toEqual([0, 0]);
  });
});
