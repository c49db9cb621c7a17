/**
 * Cached answers the auth layer needs on every request: who a user is, and whether they have
 * an active login in a root account.
 */
import { TtlCache } from '../cache/ttl-cache.js';
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import type { AdminRole, User, UserRepository } from './user-repository.js';

/** Read-mostly view of users for authentication. */
export class UserDirectory {
  private readonly users: TtlCache<number, User | null>;
  private readonly logins: TtlCache<string, boolean>;

  constructor(private readonly repo: UserRepository, bus: InvalidationBus, cacheTtlMs: number) {
    this.users = new TtlCache(cacheTtlMs);
    this.logins = new TtlCache(cacheTtlMs);
    bus.subscribe((topic, key) => {
      if (topic !== 'user') return;
      this.users.delete(Number(key));
      this.logins.deleteWhere((_v, k) => k.startsWith(`${key}:`));
    });
  }

  async user(id: number): Promise<User | null> {
    return this.users.load(id, async () => (await this.repo.findById(id)) ?? null);
  }

  /** The user from this instance's cache alone: undefined when not cached (use `user`). */
  cachedUser(id: number): User | null | undefined {
    return this.users.get(id);
  }

  /** `hasActiveLogin` from this instance's cache alone: undefined when not cached. */
  cachedHasActiveLogin(userId: number, accountId: number): boolean | undefined {
    return this.logins.get(`${userId}:${accountId}`);
  }

  /** True when the user has an active login (pseudonym) in the root account. */
  async hasActiveLogin(userId: number, accountId: number): Promise<boolean> {
    const key = `${userId}:${accountId}`;
    return this.logins.load(key, () => this.repo.hasActiveLogin(userId, accountId));
  }

  /** The user's admin role in the account (not cached: used on rare masquerade requests). */
  adminRole(userId: number, accountId: number): Promise<AdminRole | undefined> {
    return this.repo.adminRole(userId, accountId);
  }

  findBySisUserId(accountId: number, sisUserId: string): Promise<User | undefined> {
    return this.repo.findBySisUserId(accountId, sisUserId);
  }
}
