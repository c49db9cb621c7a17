/**
 * Cache invalidation across instances over Redis pub/sub: a publish reaches this process's
 * caches at once and every other instance's when Redis delivers it. Each bus has an instance id
 * so it ignores its own echo. While Redis is away, other instances' caches fall back to their TTL.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LocalInvalidationBus, type InvalidationTopic } from '../cache/invalidation-bus.js';
import type { RedisLog } from './redis-client.js';

const TOPICS: ReadonlySet<string> = new Set<InvalidationTopic>(['token', 'developer-key', 'settings', 'account', 'user', 'media']);

/** How long a publish waits for a first connection before giving up on Redis. */
const FIRST_CONNECT_WAIT_MS = 1000;

interface Message {
  i: string;
  t: InvalidationTopic;
  k: string;
}

/** Parses a message from the channel; null for anything that is not one of ours. */
export function parseInvalidation(raw: string): Message | null {
  try {
    const m = JSON.parse(raw) as Partial<Message>;
    if (typeof m?.i !== 'string' || typeof m.t !== 'string' || !TOPICS.has(m.t) || typeof m.k !== 'string') return null;
    return { i: m.i, t: m.t, k: m.k };
  } catch {
    return null;
  }
}

export interface RedisInvalidationBusOptions {
  /** the client used to PUBLISH (shared, not closed by the bus) */
  publisher: Redis;
  /** a client dedicated to SUBSCRIBE (closed with the bus by its owner) */
  subscriber: Redis;
  channel: string;
  log: RedisLog;
  instanceId?: string;
}

/** The InvalidationBus shared by every instance connected to the same Redis channel. */
export class RedisInvalidationBus extends LocalInvalidationBus {
  readonly instanceId: string;
  private readonly onMessage: (channel: string, raw: string) => void;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: RedisInvalidationBusOptions) {
    super();
    this.instanceId = options.instanceId ?? randomUUID();
    this.onMessage = (channel, raw) => {
      if (channel !== options.channel) return;
      const m = parseInvalidation(raw);
      if (m && m.i !== this.instanceId) this.deliver(m.t, m.k);
    };
    options.subscriber.on('message', this.onMessage);
    options.subscriber.subscribe(options.channel).catch((err: Error) => options.log('warn', `redis: cannot subscribe to invalidations: ${err.message}`));
  }

  override publish(topic: InvalidationTopic, key: string): void {
    this.deliver(topic, key);
    const message = JSON.stringify({ i: this.instanceId, t: topic, k: key } satisfies Message);
    const pending = this.sendWhenConnected(message).catch((err: Error) => {
      this.options.log('warn', `redis: could not publish a ${topic} invalidation (${err.message}); other instances see the change within the cache TTL`);
    });
    this.pending.add(pending);
    void pending.finally(() => this.pending.delete(pending));
  }

  /** Publishes; a client still making its first connection (a CLI command) gets a moment. */
  private async sendWhenConnected(message: string): Promise<void> {
    const { publisher } = this.options;
    if (publisher.status === 'wait' || publisher.status === 'connecting' || publisher.status === 'connect') {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          publisher.off('ready', done);
          resolve();
        };
        const timer = setTimeout(done, FIRST_CONNECT_WAIT_MS);
        publisher.once('ready', done);
      });
    }
    await publisher.publish(this.options.channel, message);
  }

  override async close(): Promise<void> {
    // publishes in flight (a CLI command's last change) go out before the clients close
    await Promise.allSettled([...this.pending]);
    this.options.subscriber.off('message', this.onMessage);
  }
}
