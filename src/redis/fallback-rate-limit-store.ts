/**
 * A store for @fastify/rate-limit whose counters live in Redis, shared by every instance, and
 * fall back to this process's own counters whenever Redis is not connected (or a command
 * fails): limits then hold per instance instead of not at all. Fixed windows, like the library's
 * own stores; `continueExceeding` and `exponentialBackoff` are not supported.
 */
import type { Redis } from 'ioredis';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

// INCR with the window set on the first hit; a key that lost its expiry gets it back.
const INCR_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`;
const READ_SCRIPT = `
local n = redis.call('GET', KEYS[1])
if not n then return {0, 0} end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = 0 end
return {tonumber(n), ttl}
`;

/** Fixed-window counters in this process (the fallback), bounded in size. */
export class LocalWindowCounters {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  constructor(
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one hit; returns the count in the current window and the ms left in it. */
  incr(key: string, windowMs: number): { current: number; ttl: number } {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || w.endsAt <= t) {
      if (!w && this.windows.size >= this.maxKeys) this.evict(t);
      w = { count: 0, endsAt: t + windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { current: w.count, ttl: w.endsAt - t };
  }

  /** The current window's count without counting. */
  read(key: string): { current: number; ttl: number } {
    const t = this.now();
    const w = this.windows.get(key);
    return !w || w.endsAt <= t ? { current: 0, ttl: 0 } : { current: w.count, ttl: w.endsAt - t };
  }

  private evict(t: number): void {
    for (const [k, w] of this.windows) if (w.endsAt <= t) this.windows.delete(k);
    if (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next();
      if (!oldest.done) this.windows.delete(oldest.value);
    }
  }
}

interface ScriptedRedis {
  status: string;
  cksRateIncr(key: string, windowMs: number): Promise<[number, number]>;
  cksRateRead(key: string): Promise<[number, number]>;
}

/** Builds the store class to hand @fastify/rate-limit as its `store` option. */
export function fallbackRateLimitStore(redis: Redis, nameSpace: string, local = new LocalWindowCounters()): FastifyRateLimitStoreCtor {
  redis.defineCommand('cksRateIncr', { numberOfKeys: 1, lua: INCR_SCRIPT });
  redis.defineCommand('cksRateRead', { numberOfKeys: 1, lua: READ_SCRIPT });
  const scripted = redis as unknown as ScriptedRedis;
  const run = (
    shared: () => Promise<[number, number]>,
    fallback: () => { current: number; ttl: number },
    cb: Callback,
  ): void => {
    if (scripted.status !== 'ready') return cb(null, fallback());
    shared().then(
      ([current, ttl]) => cb(null, { current, ttl }),
      () => cb(null, fallback()),
    );
  };
  class FallbackRateLimitStore implements FastifyRateLimitStore {
    incr(key: string, cb: Callback, timeWindow: number): void {
      run(() => scripted.cksRateIncr(nameSpace + key, timeWindow), () => local.incr(key, timeWindow), cb);
    }
    read(key: string, cb: Callback): void {
      run(() => scripted.cksRateRead(nameSpace + key), () => local.read(key), cb);
    }
    child(): FastifyRateLimitStore {
      return this;
    }
  }
  return FallbackRateLimitStore;
}
