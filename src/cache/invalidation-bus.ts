/**
 * Tells every cache (in this process, and in other instances when a shared transport is
 * plugged in) that stored data changed. Topics name what changed; the key says which one.
 */

/** `media`: a media object or its tracks changed; the key is the root account's id. */
export type InvalidationTopic = 'token' | 'developer-key' | 'settings' | 'account' | 'user' | 'media';

export type InvalidationListener = (topic: InvalidationTopic, key: string) => void;

/** Publish/subscribe for cache invalidation. */
export interface InvalidationBus {
  publish(topic: InvalidationTopic, key: string): void;
  subscribe(listener: InvalidationListener): void;
  close(): Promise<void>;
}

/** The in-process bus: listeners run synchronously on publish. */
export class LocalInvalidationBus implements InvalidationBus {
  protected readonly listeners: InvalidationListener[] = [];

  publish(topic: InvalidationTopic, key: string): void {
    this.deliver(topic, key);
  }

  subscribe(listener: InvalidationListener): void {
    this.listeners.push(listener);
  }

  /** Runs every listener; one failing listener does not stop the others. */
  protected deliver(topic: InvalidationTopic, key: string): void {
    for (const l of this.listeners) {
      try {
        l(topic, key);
      } catch {
        /* a cache that fails to drop an entry still expires it by TTL */
      }
    }
  }

  async close(): Promise<void> {}
}
