import { describe, expect, it } from 'vitest';
import { LocalInvalidationBus } from '../cache/invalidation-bus.js';
import { MediaListingCache } from './media-listing-cache.js';

const answer = (body: string) => ({ body, link: '<http://h/x?page=1&per_page=10>; rel="current"' });

describe('MediaListingCache', () => {
  it("keeps an answer per root account and key; a `media` change of the account drops that account's answers only", () => {
    const bus = new LocalInvalidationBus();
    const cache = new MediaListingCache(bus, 60_000);
    cache.set(1, 'k', cache.stamp(), answer('[1]'));
    cache.set(2, 'k2', cache.stamp(), answer('[2]'));
    expect(cache.get(1, 'k')?.body).toBe('[1]');
    // the same key asked in another root account is not its answer
    expect(cache.get(2, 'k')).toBeUndefined();
    bus.publish('media', '1');
    expect(cache.get(1, 'k')).toBeUndefined();
    expect(cache.get(2, 'k2')?.body).toBe('[2]');
  });

  it('refuses an answer read before a change that landed while it was computed', () => {
    const bus = new LocalInvalidationBus();
    const cache = new MediaListingCache(bus, 60_000);
    const stamp = cache.stamp();
    bus.publish('media', '1');
    cache.set(1, 'k', stamp, answer('[stale]'));
    expect(cache.get(1, 'k')).toBeUndefined();
    // read after the change: kept
    cache.set(1, 'k', cache.stamp(), answer('[fresh]'));
    expect(cache.get(1, 'k')?.body).toBe('[fresh]');
  });

  it('a user or account change drops answers as well; other topics do not', () => {
    const bus = new LocalInvalidationBus();
    const cache = new MediaListingCache(bus, 60_000);
    cache.set(1, 'a', cache.stamp(), answer('[a]'));
    bus.publish('token', '1');
    bus.publish('settings', '1');
    expect(cache.get(1, 'a')?.body).toBe('[a]');
    bus.publish('user', '7');
    expect(cache.get(1, 'a')).toBeUndefined();
    cache.set(1, 'a', cache.stamp(), answer('[a]'));
    cache.set(2, 'b', cache.stamp(), answer('[b]'));
    bus.publish('account', '2');
    expect(cache.get(1, 'a')?.body).toBe('[a]');
    expect(cache.get(2, 'b')).toBeUndefined();
  });

  it('answers expire, and their number and total size are bounded', () => {
    let now = 0;
    const cache = new MediaListingCache(new LocalInvalidationBus(), 1000, { maxEntries: 2, maxTotalChars: 200, clock: () => now });
    cache.set(1, 'a', cache.stamp(), answer('[a]'));
    now = 1000;
    expect(cache.get(1, 'a')).toBeUndefined();
    for (const k of ['a', 'b', 'c']) cache.set(1, k, cache.stamp(), answer(`[${k}]`));
    expect(cache.get(1, 'a')).toBeUndefined();
    expect(cache.get(1, 'c')?.body).toBe('[c]');
    // larger than the whole budget: not kept; a large one pushes the older ones out
    cache.set(1, 'huge', cache.stamp(), answer('x'.repeat(300)));
    expect(cache.get(1, 'huge')).toBeUndefined();
    cache.set(1, 'big', cache.stamp(), answer('x'.repeat(120)));
    expect(cache.get(1, 'big')).toBeDefined();
    expect(cache.get(1, 'b')).toBeUndefined();
    expect(cache.get(1, 'c')).toBeUndefined();
  });

  it('keeps nothing with a TTL of 0 (CACHE_TTL_MS=0)', () => {
    const cache = new MediaListingCache(new LocalInvalidationBus(), 0);
    cache.set(1, 'a', cache.stamp(), answer('[a]'));
    expect(cache.get(1, 'a')).toBeUndefined();
  });
});
