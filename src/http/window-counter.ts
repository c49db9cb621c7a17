/**
 * Fixed-window request counters in this process's memory: the session limits' store when there
 * is no Redis. A hit is a map read and an increment, with no promise; @fastify/rate-limit's
 * limiter built a key, awaited its store and created result objects for every session request.
 * Every key's count starts again when the window it began in has passed; at most `maxKeys` keys
 * are held (the oldest goes first, which costs it its count, as the LRU store it replaces did).
 * Pure logic; the caller passes the time.
 */
export class WindowCounter {
  // key → [count, window end (ms)]; insertion order is first-hit order within a window
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts one hit of `key`; returns the count in its window and the ms until the window ends. */
  hit(key: string, now: number): { count: number; ttlMs: number } {
    let w = this.windows.get(key);
    if (w === undefined || w.resetAt <= now) {
      if (w !== undefined) this.windows.delete(key);
      else if (this.windows.size >= this.maxKeys) this.evict(now);
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { count: w.count, ttlMs: w.resetAt - now };
  }

  /** The count of `key` in its current window, counting nothing. */
  count(key: string, now: number): number {
    const w = this.windows.get(key);
    return w === undefined || w.resetAt <= now ? 0 : w.count;
  }

  /** How many keys are held. */
  get size(): number {
    return this.windows.size;
  }

  /** Drops ended windows from the oldest on, and the oldest live one if none had ended. */
  private evict(now: number): void {
    let dropped = false;
    for (const [key, w] of this.windows) {
      if (w.resetAt > now) break;
      this.windows.delete(key);
      dropped = true;
    }
    if (!dropped) {
      const oldest = this.windows.keys().next();
      if (!oldest.done) this.windows.delete(oldest.value);
    }
  }
}
