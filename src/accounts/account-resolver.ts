/**
 * Picks the root account a request belongs to: the account whose domain equals the Host header
 * (port ignored), else the default account. Cached for the cache TTL.
 */
import { ApiError } from '../canvas/api-error.js';
import { TtlCache } from '../cache/ttl-cache.js';
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { normalizeDomain, type Account, type AccountRepository } from './account-repository.js';

/** Thrown when no root account exists at all (the database was never initialised): a 503, not a bug. */
export class NoAccountError extends ApiError {
  constructor(message: string) {
    super(503, { errors: [{ message, error_code: 'no_root_account' }] });
  }
}

/** The cache key (and lookup domain) of a Host header value; '' for none or an absurd one. */
function hostKey(host: string | undefined): string {
  return host && host.length <= 300 ? normalizeDomain(host) : '';
}

/** Host → root account. */
export class AccountResolver {
  private readonly byHost: TtlCache<string, Account>;
  private readonly byId: TtlCache<number, Account | null>;

  constructor(private readonly accounts: AccountRepository, bus: InvalidationBus, cacheTtlMs: number) {
    this.byHost = new TtlCache(cacheTtlMs, 10_000);
    this.byId = new TtlCache(cacheTtlMs, 10_000);
    bus.subscribe((topic) => {
      if (topic === 'account') {
        this.byHost.clear();
        this.byId.clear();
      }
    });
  }

  /** `forHost` from this instance's cache alone: undefined when not cached (use `forHost`). */
  cachedForHost(host: string | undefined): Account | undefined {
    return this.byHost.get(hostKey(host));
  }

  /** The root account for a Host header value (anything odd falls back to the default). */
  async forHost(host: string | undefined): Promise<Account> {
    const domain = hostKey(host);
    return this.byHost.load(domain, async () => {
      const account = (domain ? await this.accounts.findByDomain(domain) : undefined) ?? (await this.accounts.findDefault());
      if (!account) throw new NoAccountError('No root account exists yet: start the service once on this database (it creates the default account) or run `canvas-kaltura accounts create --name …`.');
      return account;
    });
  }

  /** A root account by id (cached). */
  async byAccountId(id: number): Promise<Account | null> {
    return this.byId.load(id, async () => (await this.accounts.findById(id)) ?? null);
  }
}
