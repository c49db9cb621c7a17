/**
 * What an instance shares through Redis (REDIS_URL): one command client (rate-limit counters,
 * widget sessions, publishing invalidations), one subscriber, the invalidation bus over them,
 * and a readiness check that reports `degraded` (not down) while Redis is away.
 */
import type { Redis } from 'ioredis';
import { closeRedisClient, createRedisClient, type RedisLog } from './redis-client.js';
import { RedisInvalidationBus } from './redis-invalidation-bus.js';
import { RedisWidgetSessionCache } from './redis-widget-session-cache.js';

/** The readiness of the Redis connection. */
export interface RedisCheck {
  status: 'ok' | 'degraded';
  detail: string;
}

/** The Redis side of one process. */
export interface SharedRedis {
  client: Redis;
  /** key prefix (REDIS_PREFIX); every key and the channel start with it */
  prefix: string;
  bus: RedisInvalidationBus;
  widgetSessions: RedisWidgetSessionCache;
  /** ok when connected; degraded (still serving, per-instance fallbacks) otherwise */
  check(): RedisCheck;
  close(): Promise<void>;
}

/** Connects (in the background) to `url`; never throws for an unreachable Redis. */
export function openSharedRedis(url: string, prefix: string, log: RedisLog): SharedRedis {
  const client = createRedisClient(url, { name: 'canvas-kaltura', log });
  const subscriber = createRedisClient(url, { name: 'canvas-kaltura-sub', log, subscriber: true });
  const bus = new RedisInvalidationBus({ publisher: client, subscriber, channel: `${prefix}invalidate`, log });
  return {
    client,
    prefix,
    bus,
    widgetSessions: new RedisWidgetSessionCache(client, prefix),
    check: () =>
      client.status === 'ready' && subscriber.status === 'ready'
        ? { status: 'ok', detail: 'connected' }
        : {
            status: 'degraded',
            detail: 'Redis is unreachable: rate limits are per instance and caches expire by their TTL until it returns',
          },
    close: async () => {
      await bus.close();
      await Promise.all([closeRedisClient(client), closeRedisClient(subscriber)]);
    },
  };
}
