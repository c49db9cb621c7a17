/** Access tokens as stored: a keyed hash, never the token itself. */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso } from '../db/time.js';

export interface AccessTokenRecord {
  id: number;
  userId: number;
  realUserId: number | null;
  developerKeyId: number | null;
  cryptedToken: string;
  tokenKeyId: string;
  hint: string;
  purpose: string | null;
  scopes: string[];
  workflowState: 'active' | 'deleted';
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

function toRecord(r: Selectable<Database['access_tokens']>): AccessTokenRecord {
  return {
    id: r.id,
    userId: r.user_id,
    realUserId: r.real_user_id,
    developerKeyId: r.developer_key_id,
    cryptedToken: r.crypted_token,
    tokenKeyId: r.token_key_id,
    hint: r.token_hint,
    purpose: r.purpose,
    scopes: JSON.parse(r.scopes) as string[],
    workflowState: r.workflow_state as AccessTokenRecord['workflowState'],
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface NewAccessToken {
  userId: number;
  realUserId?: number | null;
  developerKeyId?: number | null;
  cryptedToken: string;
  tokenKeyId: string;
  hint: string;
  purpose?: string | null;
  scopes: string[];
  expiresAt?: string | null;
}

/** Queries on access_tokens. */
export class AccessTokenRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(t: NewAccessToken): Promise<AccessTokenRecord> {
    const now = nowIso();
    const r = await this.db
      .insertInto('access_tokens')
      .values({
        user_id: t.userId,
        real_user_id: t.realUserId ?? null,
        developer_key_id: t.developerKeyId ?? null,
        crypted_token: t.cryptedToken,
        token_key_id: t.tokenKeyId,
        token_hint: t.hint,
        purpose: t.purpose ?? null,
        scopes: JSON.stringify(t.scopes),
        workflow_state: 'active',
        expires_at: t.expiresAt ?? null,
        last_used_at: null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecord(r);
  }

  /** The token row with one of these hashes (one per key of the ring). */
  async findByHashes(hashes: readonly string[]): Promise<AccessTokenRecord | undefined> {
    const r = await this.db.selectFrom('access_tokens').selectAll().where('crypted_token', 'in', hashes).executeTakeFirst();
    return r ? toRecord(r) : undefined;
  }

  async findById(id: number): Promise<AccessTokenRecord | undefined> {
    const r = await this.db.selectFrom('access_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toRecord(r) : undefined;
  }

  async listForUser(userId: number, limit: number, offset: number): Promise<AccessTokenRecord[]> {
    const rows = await this.db
      .selectFrom('access_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .where('workflow_state', '<>', 'deleted')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toRecord);
  }

  async countForUser(userId: number): Promise<number> {
    const r = await this.db
      .selectFrom('access_tokens')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('user_id', '=', userId)
      .where('workflow_state', '<>', 'deleted')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Marks a token deleted (Canvas keeps the row so its use reports "Revoked"). */
  async revoke(id: number): Promise<boolean> {
    const res = await this.db
      .updateTable('access_tokens')
      .set({ workflow_state: 'deleted', updated_at: nowIso() })
      .where('id', '=', id)
      .where('workflow_state', '<>', 'deleted')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** Revokes every token of a developer key (used when the key loses scopes or is deleted). */
  async revokeForDeveloperKey(developerKeyId: number): Promise<number> {
    const res = await this.db
      .updateTable('access_tokens')
      .set({ workflow_state: 'deleted', updated_at: nowIso() })
      .where('developer_key_id', '=', developerKeyId)
      .where('workflow_state', '<>', 'deleted')
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /** Re-writes a token's hash under the current key (rotation on use). */
  async rehash(id: number, cryptedToken: string, tokenKeyId: string): Promise<void> {
    await this.db.updateTable('access_tokens').set({ crypted_token: cryptedToken, token_key_id: tokenKeyId }).where('id', '=', id).execute();
  }

  async touch(id: number, at: string): Promise<void> {
    await this.db.updateTable('access_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
