/**
 * Opens an ioredis connection that never stops the service: it connects in the background,
 * reconnects with a bounded backoff forever, reports its state changes through `log` (once per
 * change, not once per retry) and fails commands quickly while Redis is away.
 */
import { Redis } from 'ioredis';

/** How a Redis client reports trouble; never given a password or a key's value. */
export type RedisLog = (level: 'info' | 'warn', message: string) => void;

export interface RedisClientOptions {
  /** connection name shown by CLIENT LIST */
  name: string;
  log: RedisLog;
  /** a subscriber keeps its SUBSCRIBE queued until connected; a command client fails fast */
  subscriber?: boolean;
  /** upper bound of the reconnect delay, ms (default 2000) */
  maxBackoffMs?: number;
}

/** The delay before reconnect attempt `attempt` (1-based): doubling from 50 ms, capped. */
export function reconnectDelay(attempt: number, maxBackoffMs = 2000): number {
  return Math.min(maxBackoffMs, 50 * 2 ** Math.min(attempt - 1, 16));
}

/** Removes the password from a Redis URL so it can be logged. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(unparseable URL)';
  }
}

/** Creates a client for `url` and starts connecting without waiting. */
export function createRedisClient(url: string, options: RedisClientOptions): Redis {
  const client = new Redis(url, {
    connectionName: options.name,
    lazyConnect: true,
    // A command waits for at most one reconnect attempt, then fails; callers fall back.
    maxRetriesPerRequest: options.subscriber ? null : 1,
    // Commands fail at once while disconnected (callers fall back); a SUBSCRIBE waits.
    enableOfflineQueue: options.subscriber === true,
    autoResubscribe: true,
    connectTimeout: 2000,
    ...(options.subscriber ? {} : { commandTimeout: 1000 }),
    retryStrategy: (attempt) => reconnectDelay(attempt, options.maxBackoffMs),
  });
  const where = redactRedisUrl(url);
  let healthy: boolean | undefined;
  client.on('ready', () => {
    // The first connection is not news; coming back after an outage is.
    if (healthy === false) options.log('info', `redis ${options.name}: reconnected to ${where}; sharing resumes`);
    healthy = true;
  });
  client.on('error', (err: Error & { code?: string }) => {
    if (healthy !== false) options.log('warn', `redis ${options.name}: unavailable (${err.code ?? err.message}); retrying in the background`);
    healthy = false;
  });
  client.on('end', () => {
    healthy = undefined;
  });
  client.connect().catch(() => {
    /* reported by the error event; the retry strategy keeps trying */
  });
  return client;
}

/** Closes a client: politely when connected, at once otherwise. */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await Promise.race([client.quit().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
  if ((client.status as string) !== 'end') client.disconnect();
}
