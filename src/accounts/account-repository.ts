/** Root accounts and the domains that select them. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso, toFlag } from '../db/time.js';

/** A root account as the services see it. */
export interface Account {
  id: number;
  uuid: string;
  name: string;
  isDefault: boolean;
  domains: string[];
}

/** Lower-cases a Host value and drops its port: the form domains are stored and matched in. */
export function normalizeDomain(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(0, end + 1) : h;
  }
  const colon = h.indexOf(':');
  if (colon >= 0 && h.indexOf(':', colon + 1) < 0) h = h.slice(0, colon);
  return h.replace(/\.$/, '');
}

/** Queries on accounts and account_domains. */
export class AccountRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(input: { name: string; domains?: string[]; isDefault?: boolean }): Promise<Account> {
    return this.db.transaction().execute(async (trx) => {
      const now = nowIso();
      const hasAny = await trx.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
      const makeDefault = input.isDefault === true || !hasAny;
      if (makeDefault) await trx.updateTable('accounts').set({ is_default: 0, updated_at: now }).execute();
      const row = await trx
        .insertInto('accounts')
        .values({ uuid: randomUUID(), name: input.name, is_default: toFlag(makeDefault), created_at: now, updated_at: now })
        .returning(['id', 'uuid', 'name', 'is_default'])
        .executeTakeFirstOrThrow();
      const domains = [...new Set((input.domains ?? []).map(normalizeDomain))];
      for (const domain of domains) {
        await trx.insertInto('account_domains').values({ account_id: row.id, domain }).execute();
      }
      return { id: row.id, uuid: row.uuid, name: row.name, isDefault: row.is_default === 1, domains };
    });
  }

  async findById(id: number): Promise<Account | undefined> {
    const row = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.withDomains(row) : undefined;
  }

  async findDefault(): Promise<Account | undefined> {
    const row = await this.db.selectFrom('accounts').selectAll().orderBy('is_default', 'desc').orderBy('id').limit(1).executeTakeFirst();
    return row ? this.withDomains(row) : undefined;
  }

  /** The account whose domain is exactly `domain` (normalized), if any. */
  async findByDomain(domain: string): Promise<Account | undefined> {
    const row = await this.db
      .selectFrom('account_domains')
      .innerJoin('accounts', 'accounts.id', 'account_domains.account_id')
      .selectAll('accounts')
      .where('account_domains.domain', '=', normalizeDomain(domain))
      .executeTakeFirst();
    return row ? this.withDomains(row) : undefined;
  }

  async list(): Promise<Account[]> {
    const rows = await this.db.selectFrom('accounts').selectAll().orderBy('id').execute();
    return Promise.all(rows.map((r) => this.withDomains(r)));
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('accounts').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private async withDomains(row: { id: number; uuid: string; name: string; is_default: number }): Promise<Account> {
    const domains = await this.db.selectFrom('account_domains').select('domain').where('account_id', '=', row.id).orderBy('id').execute();
    return { id: row.id, uuid: row.uuid, name: row.name, isDefault: row.is_default === 1, domains: domains.map((d) => d.domain) };
  }
}
