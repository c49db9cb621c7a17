import { describe, expect, it } from 'vitest';
import { reconnectDelay, redactRedisUrl } from './redis-client.js';
import { parseInvalidation } from './redis-invalidation-bus.js';
import { parseWidgetSession } from './redis-widget-session-cache.js';
import { LocalWindowCounters } from './fallback-rate-limit-store.js';

describe('redis helpers', () => {
  it('reconnects after 50 ms doubling, never waiting longer than the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => reconnectDelay(n))).toEqual([50, 100, 200, 400, 800, 1600]);
    expect(reconnectDelay(7)).toBe(2000);
    expect(reconnectDelay(10_000, 500)).toBe(500);
  });

  it('hides the password of a Redis URL', () => {
    expect(redactRedisUrl('redis://user:s3cret@redis.internal:6380/2')).toBe('redis://user:***@redis.internal:6380/2');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactRedisUrl('::nonsense')).not.toContain('nonsense');
  });

  it('accepts only well-formed invalidation messages with a known topic', () => {
    expect(parseInvalidation('{"i":"a","t":"token","k":"7"}')).toEqual({ i: 'a', t: 'token', k: '7' });
    for (const raw of ['', 'null', '[]', '{"i":"a","t":"tokens","k":"7"}', '{"i":"a","t":"token","k":7}', '{"t":"user","k":"1"}']) {
      expect(parseInvalidation(raw)).toBeNull();
    }
  });

  it('reads stored widget sessions and rejects malformed ones', () => {
    expect(parseWidgetSession('{"ks":"abc","useUntil":5}')).toEqual({ ks: 'abc', useUntil: 5 });
    expect(parseWidgetSession(null)).toBeUndefined();
    expect(parseWidgetSession('{"ks":1,"useUntil":5}')).toBeUndefined();
    expect(parseWidgetSession('{')).toBeUndefined();
  });

  it('counts per key in fixed windows while Redis is away', () => {
    let now = 1000;
    const c = new LocalWindowCounters(2, () => now);
    expect(c.incr('a', 100)).toEqual({ current: 1, ttl: 100 });
    now += 40;
    expect(c.incr('a', 100)).toEqual({ current: 2, ttl: 60 });
    expect(c.read('a')).toEqual({ current: 2, ttl: 60 });
    expect(c.read('b')).toEqual({ current: 0, ttl: 0 });
    now += 60;
    expect(c.incr('a', 100)).toEqual({ current: 1, ttl: 100 });
    // bounded: a third key evicts the oldest
    c.incr('b', 100);
    c.incr('c', 100);
    expect(c.read('a').current + c.read('b').current + c.read('c').current).toBe(2);
  });
});
