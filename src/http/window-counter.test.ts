import { describe, expect, it } from 'vitest';
import { WindowCounter } from './window-counter.js';

describe('WindowCounter', () => {
  it('counts hits per key within a window, and starts again once the window has passed', () => {
    const c = new WindowCounter(1000);
    expect(c.hit('a', 0)).toEqual({ count: 1, ttlMs: 1000 });
    expect(c.hit('a', 400)).toEqual({ count: 2, ttlMs: 600 });
    expect(c.hit('b', 500)).toEqual({ count: 1, ttlMs: 1000 });
    expect(c.hit('a', 999)).toEqual({ count: 3, ttlMs: 1 });
    expect(c.hit('a', 1000)).toEqual({ count: 1, ttlMs: 1000 });
    expect(c.hit('b', 1200)).toEqual({ count: 2, ttlMs: 300 });
  });

  it('holds at most maxKeys keys: ended windows go first, else the oldest', () => {
    const c = new WindowCounter(1000, 2);
    c.hit('a', 0);
    c.hit('b', 600);
    c.hit('c', 1100); // a's window ended: a goes
    expect(c.size).toBe(2);
    expect(c.hit('b', 1200).count).toBe(2);
    c.hit('d', 1300); // none ended: the oldest (b) goes
    expect(c.size).toBe(2);
    expect(c.hit('c', 1400).count).toBe(2);
    expect(c.hit('b', 1400).count).toBe(1);
  });
});
