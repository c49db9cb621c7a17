/**
 * TtlCache.load: concurrent misses of a key share one load (when a busy key expires, one
 * database query instead of one per request in flight), failures are shared and not kept, and
 * an invalidation during a load keeps its value out of the cache.
 */
import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache.js';

/** A loader that counts its calls and answers when told to. */
function heldLoader<V>() {
  const calls: { resolve: (v: V) => void; reject: (e: unknown) => void }[] = [];
  const load = () => new Promise<V>((resolve, reject) => calls.push({ resolve, reject }));
  return { calls, load };
}

describe('TtlCache.load', () => {
  it('runs one load for concurrent misses of a key and keeps its value', async () => {
    const cache = new TtlCache<string, number>(1000);
    const l = heldLoader<number>();
    const waiting = Array.from({ length: 20 }, () => cache.load('k', l.load));
    const other = cache.load('other', l.load);
    expect(l.calls.length).toBe(2);
    l.calls[0]!.resolve(7);
    l.calls[1]!.resolve(8);
    expect(await Promise.all(waiting)).toEqual(Array.from({ length: 20 }, () => 7));
    expect(await other).toBe(8);
    expect(cache.get('k')).toBe(7);
  });

  it('fails every caller of a failed load, keeps nothing, and loads again on the next miss', async () => {
    const cache = new TtlCache<string, number>(1000);
    const l = heldLoader<number>();
    const waiting = [cache.load('k', l.load), cache.load('k', l.load)];
    l.calls[0]!.reject(new Error('database down'));
    const outcomes = await Promise.allSettled(waiting);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : o.status))).toEqual(['database down', 'database down']);
    expect(cache.get('k')).toBeUndefined();
    const again = cache.load('k', l.load);
    expect(l.calls.length).toBe(2);
    l.calls[1]!.resolve(3);
    expect(await again).toBe(3);
  });

  it('does not keep what a load read before an invalidation, and starts a new load after it', async () => {
    for (const invalidate of [(c: TtlCache<string, number>) => c.delete('k'), (c: TtlCache<string, number>) => c.deleteWhere(() => true), (c: TtlCache<string, number>) => c.clear()]) {
      const cache = new TtlCache<string, number>(1000);
      const l = heldLoader<number>();
      const before = cache.load('k', l.load);
      invalidate(cache);
      const after = cache.load('k', l.load);
      expect(l.calls.length).toBe(2);
      l.calls[0]!.resolve(1);
      expect(await before).toBe(1);
      expect(cache.get('k')).toBeUndefined();
      l.calls[1]!.resolve(2);
      expect(await after).toBe(2);
      expect(cache.get('k')).toBe(2);
    }
  });

  it('loads on every call when the TTL is 0 (no cache)', async () => {
    const cache = new TtlCache<string, number>(0);
    const l = heldLoader<number>();
    const a = cache.load('k', l.load);
    const b = cache.load('k', l.load);
    expect(l.calls.length).toBe(2);
    l.calls[0]!.resolve(1);
    l.calls[1]!.resolve(2);
    expect([await a, await b]).toEqual([1, 2]);
  });
});


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
