/** Users, their logins (Canvas "pseudonyms") in root accounts, and account admins. */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso, toFlag } from '../db/time.js';

export interface User {
  id: number;
  uuid: string;
  name: string;
  createdAt: string;
}

export interface Login {
  id: number;
  userId: number;
  accountId: number;
  uniqueId: string;
  sisUserId: string | null;
  workflowState: 'active' | 'suspended' | 'deleted';
}

export interface AdminRole {
  accountId: number;
  userId: number;
  role: string;
  becomeUser: boolean;
  siteAdmin: boolean;
}

export interface CreateUserInput {
  accountId: number;
  name: string;
  login: string;
  sisUserId?: string | null;
  admin?: boolean | { role?: string; becomeUser?: boolean; siteAdmin?: boolean };
}

/** Thrown when a login or SIS id is already taken in the account. */
export class DuplicateLoginError extends Error {}

function toUser(r: { id: number; uuid: string; name: string; created_at: string }): User {
  return { id: r.id, uuid: r.uuid, name: r.name, createdAt: r.created_at };
}

function toLogin(r: Selectable<Database['pseudonyms']>): Login {
  return {
    id: r.id,
    userId: r.user_id,
    accountId: r.account_id,
    uniqueId: r.unique_id,
    sisUserId: r.sis_user_id,
    workflowState: r.workflow_state as Login['workflowState'],
  };
}

/** Queries on users, pseudonyms and account_admins. */
export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates a user with one active login in `accountId` (and an admin role when asked). */
  async create(input: CreateUserInput): Promise<{ user: User; login: Login; admin: AdminRole | null }> {
    return this.db.transaction().execute(async (trx) => {
      const now = nowIso();
      const normalized = input.login.toLowerCase();
      const taken = await trx
        .selectFrom('pseudonyms')
        .select('id')
        .where('account_id', '=', input.accountId)
        .where('unique_id_normalized', '=', normalized)
        .executeTakeFirst();
      if (taken) throw new DuplicateLoginError(`the login "${input.login}" is already taken in this account`);
      if (input.sisUserId) {
        const sisTaken = await trx
          .selectFrom('pseudonyms')
          .select('id')
          .where('account_id', '=', input.accountId)
          .where('sis_user_id', '=', input.sisUserId)
          .executeTakeFirst();
        if (sisTaken) throw new DuplicateLoginError(`the SIS id "${input.sisUserId}" is already taken in this account`);
      }
      const user = await trx
        .insertInto('users')
        .values({ uuid: randomUUID(), name: input.name, created_at: now, updated_at: now })
        .returning(['id', 'uuid', 'name', 'created_at'])
        .executeTakeFirstOrThrow();
      const login = await trx
        .insertInto('pseudonyms')
        .values({
          user_id: user.id,
          account_id: input.accountId,
          unique_id: input.login,
          unique_id_normalized: normalized,
          sis_user_id: input.sisUserId ?? null,
          workflow_state: 'active',
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      let admin: AdminRole | null = null;
      if (input.admin) {
        const opts = input.admin === true ? {} : input.admin;
        admin = {
          accountId: input.accountId,
          userId: user.id,
          role: opts.role ?? 'AccountAdmin',
          becomeUser: opts.becomeUser ?? true,
          siteAdmin: opts.siteAdmin ?? false,
        };
        await trx
          .insertInto('account_admins')
          .values({
            account_id: admin.accountId,
            user_id: admin.userId,
            role: admin.role,
            become_user: toFlag(admin.becomeUser),
            site_admin: toFlag(admin.siteAdmin),
            created_at: now,
          })
          .execute();
      }
      return { user: toUser(user), login: toLogin(login), admin };
    });
  }

  async findById(id: number): Promise<User | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toUser(r) : undefined;
  }

  /** The user's logins in one account, or in every account. */
  async loginsOf(userId: number, accountId?: number): Promise<Login[]> {
    let q = this.db.selectFrom('pseudonyms').selectAll().where('user_id', '=', userId);
    if (accountId !== undefined) q = q.where('account_id', '=', accountId);
    return (await q.orderBy('id').execute()).map(toLogin);
  }

  /** The non-deleted logins that these users hold in one account (for listings). */
  async loginsInAccount(userIds: readonly number[], accountId: number): Promise<Login[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('pseudonyms')
      .selectAll()
      .where('user_id', 'in', [...userIds])
      .where('account_id', '=', accountId)
      .where('workflow_state', '<>', 'deleted')
      .orderBy('id')
      .execute();
    return rows.map(toLogin);
  }

  /** True when the user has an active login in the account. */
  async hasActiveLogin(userId: number, accountId: number): Promise<boolean> {
    const r = await this.db
      .selectFrom('pseudonyms')
      .select('id')
      .where('user_id', '=', userId)
      .where('account_id', '=', accountId)
      .where('workflow_state', '=', 'active')
      .executeTakeFirst();
    return r !== undefined;
  }

  /** Finds the user a login's SIS id names in the account. */
  async findBySisUserId(accountId: number, sisUserId: string): Promise<User | undefined> {
    const r = await this.db
      .selectFrom('pseudonyms')
      .innerJoin('users', 'users.id', 'pseudonyms.user_id')
      .selectAll('users')
      .where('pseudonyms.account_id', '=', accountId)
      .where('pseudonyms.sis_user_id', '=', sisUserId)
      .where('pseudonyms.workflow_state', '<>', 'deleted')
      .executeTakeFirst();
    return r ? toUser(r) : undefined;
  }

  async setLoginState(loginId: number, state: Login['workflowState']): Promise<void> {
    await this.db.updateTable('pseudonyms').set({ workflow_state: state, updated_at: nowIso() }).where('id', '=', loginId).execute();
  }

  /** The user's admin role in the account, if any. */
  async adminRole(userId: number, accountId: number): Promise<AdminRole | undefined> {
    const r = await this.db
      .selectFrom('account_admins')
      .selectAll()
      .where('user_id', '=', userId)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return r ? { accountId: r.account_id, userId: r.user_id, role: r.role, becomeUser: r.become_user === 1, siteAdmin: r.site_admin === 1 } : undefined;
  }

  /** True when the user is a site admin (in any account). */
  async isSiteAdmin(userId: number): Promise<boolean> {
    const r = await this.db.selectFrom('account_admins').select('id').where('user_id', '=', userId).where('site_admin', '=', 1).executeTakeFirst();
    return r !== undefined;
  }

  async grantAdmin(role: AdminRole): Promise<void> {
    await this.db.deleteFrom('account_admins').where('user_id', '=', role.userId).where('account_id', '=', role.accountId).execute();
    await this.db
      .insertInto('account_admins')
      .values({
        account_id: role.accountId,
        user_id: role.userId,
        role: role.role,
        become_user: toFlag(role.becomeUser),
        site_admin: toFlag(role.siteAdmin),
        created_at: nowIso(),
      })
      .execute();
  }

  /** Users with a login in the account, newest last; with a page window. */
  async listInAccount(accountId: number, limit: number, offset: number): Promise<User[]> {
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', 'in', (eb) => eb.selectFrom('pseudonyms').select('user_id').where('account_id', '=', accountId).where('workflow_state', '<>', 'deleted'))
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toUser);
  }

  async countInAccount(accountId: number): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('id', 'in', (eb) => eb.selectFrom('pseudonyms').select('user_id').where('account_id', '=', accountId).where('workflow_state', '<>', 'deleted'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
