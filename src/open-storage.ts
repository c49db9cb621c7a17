/**
 * Opening what every process holds: the database (migrated), the keys, and, with REDIS_URL, the
 * Redis connection shared with the other instances. Loads neither the HTTP layer nor metrics, so
 * the CLI's database commands and the server open their state the same way.
 */
import type { Config } from './config.js';
import { connectDatabase, type Db } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { loadKeyring } from './crypto/load-keyring.js';
import type { Keyring } from './crypto/keyring.js';
import type { SharedRedis } from './redis/shared-redis.js';

/** The open database, keys and (optional) shared Redis. */
export interface OpenStorage {
  db: Db;
  keyring: Keyring;
  /** the shared Redis connection (REDIS_URL), when configured and asked for */
  redis?: SharedRedis;
  /** Closes Redis, then the database. */
  close(): Promise<void>;
}

export interface OpenStorageOptions {
  /** open the shared Redis when REDIS_URL is set (default true) */
  redis?: boolean;
  /** SQLite's WAL checkpoints in a worker thread (src/db/sqlite-checkpointer.ts): for the server */
  backgroundCheckpoints?: boolean;
}

/** Opens the database, migrates it, loads the keys; opens Redis when configured, unless `redis` is false. */
export async function openStorage(config: Config, warn: (m: string) => void, { redis: withRedis = true, backgroundCheckpoints = false }: OpenStorageOptions = {}): Promise<OpenStorage> {
  const keyring = loadKeyring(config, warn);
  const db = await connectDatabase(config.databaseUrl, {
    poolSize: config.databasePoolSize,
    ...(backgroundCheckpoints ? { backgroundCheckpoints: { onError: (m: string) => warn(`background WAL checkpoint failed: ${m}`) } } : {}),
  });
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  // REDIS_URL: invalidations, widget sessions and rate limits shared with the other instances.
  // (ioredis is loaded only when it is used)
  const redis = config.redisUrl && withRedis ? (await import('./redis/shared-redis.js')).openSharedRedis(config.redisUrl, config.redisPrefix, (_level, m) => warn(m)) : undefined;
  return {
    db,
    keyring,
    ...(redis ? { redis } : {}),
    close: async () => {
      await redis?.close();
      await db.close();
    },
  };
}
