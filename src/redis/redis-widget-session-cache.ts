/**
 * App-token widget sessions kept in Redis, so every instance reuses one widget session per
 * app token instead of each starting its own. A copy stays in this process: while Redis is away
 * the instance keeps using (and refreshing) its own.
 */
import type { Redis } from 'ioredis';
import { InMemoryWidgetSessionCache, type WidgetSession, type WidgetSessionCache } from '../kaltura/widget-session-cache.js';

/** Reads a stored widget session; undefined for anything malformed. */
export function parseWidgetSession(raw: string | null): WidgetSession | undefined {
  if (raw === null) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<WidgetSession>;
    return typeof v?.ks === 'string' && typeof v.useUntil === 'number' ? { ks: v.ks, useUntil: v.useUntil } : undefined;
  } catch {
    return undefined;
  }
}

/** A WidgetSessionCache in Redis under `prefix`, with an in-process fallback. */
export class RedisWidgetSessionCache implements WidgetSessionCache {
  private readonly local = new InMemoryWidgetSessionCache();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(key: string): string {
    return `${this.prefix}widget-session:${key}`;
  }

  async get(key: string): Promise<WidgetSession | undefined> {
    if (this.redis.status === 'ready') {
      try {
        const raw = await this.redis.get(this.key(key));
        return parseWidgetSession(raw);
      } catch {
        /* fall through to this process's copy */
      }
    }
    return this.local.get(key);
  }

  async set(key: string, value: WidgetSession, ttlMs: number): Promise<void> {
    await this.local.set(key, value, ttlMs);
    if (ttlMs <= 0 || this.redis.status !== 'ready') return;
    try {
      await this.redis.set(this.key(key), JSON.stringify(value), 'PX', Math.ceil(ttlMs));
    } catch {
      /* kept locally; other instances start their own */
    }
  }

  async delete(key: string): Promise<void> {
    await this.local.delete(key);
    if (this.redis.status !== 'ready') return;
    try {
      await this.redis.del(this.key(key));
    } catch {
      /* expires by its TTL */
    }
  }
}
