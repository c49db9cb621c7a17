/** Developer keys: who issues tokens, and whether those tokens must carry scopes. */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso, toFlag } from '../db/time.js';

export interface DeveloperKey {
  id: number;
  accountId: number;
  name: string;
  workflowState: 'active' | 'inactive' | 'deleted';
  requireScopes: boolean;
  scopes: string[];
  createdAt: string;
}

function toKey(r: Selectable<Database['developer_keys']>): DeveloperKey {
  return {
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    workflowState: r.workflow_state as DeveloperKey['workflowState'],
    requireScopes: r.require_scopes === 1,
    scopes: JSON.parse(r.scopes) as string[],
    createdAt: r.created_at,
  };
}

/** Queries on developer_keys. */
export class DeveloperKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(input: { accountId: number; name: string; requireScopes: boolean; scopes: string[] }): Promise<DeveloperKey> {
    const now = nowIso();
    const r = await this.db
      .insertInto('developer_keys')
      .values({
        account_id: input.accountId,
        name: input.name,
        workflow_state: 'active',
        require_scopes: toFlag(input.requireScopes),
        scopes: JSON.stringify(input.scopes),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toKey(r);
  }

  async findById(id: number): Promise<DeveloperKey | undefined> {
    const r = await this.db.selectFrom('developer_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toKey(r) : undefined;
  }

  async listInAccount(accountId: number, limit: number, offset: number): Promise<DeveloperKey[]> {
    const rows = await this.db
      .selectFrom('developer_keys')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('workflow_state', '<>', 'deleted')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toKey);
  }

  async countInAccount(accountId: number): Promise<number> {
    const r = await this.db
      .selectFrom('developer_keys')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('account_id', '=', accountId)
      .where('workflow_state', '<>', 'deleted')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async update(id: number, patch: { name?: string; requireScopes?: boolean; scopes?: string[]; workflowState?: DeveloperKey['workflowState'] }): Promise<void> {
    await this.db
      .updateTable('developer_keys')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.requireScopes !== undefined ? { require_scopes: toFlag(patch.requireScopes) } : {}),
        ...(patch.scopes !== undefined ? { scopes: JSON.stringify(patch.scopes) } : {}),
        ...(patch.workflowState !== undefined ? { workflow_state: patch.workflowState } : {}),
        updated_at: nowIso(),
      })
      .where('id', '=', id)
      .execute();
  }
}
