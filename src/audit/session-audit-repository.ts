/** The audit log of minted Kaltura sessions: one row per session, never the whole KS. */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/schema.js';

export interface SessionAuditEntry {
  id: number;
  createdAt: string;
  accountId: number;
  userId: number;
  realUserId: number | null;
  uid: string;
  mode: string;
  expiresAt: string;
  privileges: string;
  ksTail: string;
  clientIp: string | null;
  requestId: string | null;
}

export type NewSessionAuditEntry = Omit<SessionAuditEntry, 'id'>;

export interface AuditFilter {
  accountId?: number;
  userId?: number;
  since?: string;
  until?: string;
  mode?: string;
}

function toEntry(r: Selectable<Database['kaltura_sessions']>): SessionAuditEntry {
  return {
    id: r.id,
    createdAt: r.created_at,
    accountId: r.account_id,
    userId: r.user_id,
    realUserId: r.real_user_id,
    uid: r.uid,
    mode: r.mode,
    expiresAt: r.expires_at,
    privileges: r.privileges,
    ksTail: r.ks_tail,
    clientIp: r.client_ip,
    requestId: r.request_id,
  };
}

/** Queries on kaltura_sessions. */
export class SessionAuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(e: NewSessionAuditEntry): Promise<void> {
    await this.db
      .insertInto('kaltura_sessions')
      .values({
        created_at: e.createdAt,
        account_id: e.accountId,
        user_id: e.userId,
        real_user_id: e.realUserId,
        uid: e.uid,
        mode: e.mode,
        expires_at: e.expiresAt,
        privileges: e.privileges,
        ks_tail: e.ksTail,
        client_ip: e.clientIp,
        request_id: e.requestId,
      })
      .execute();
  }

  private filtered(f: AuditFilter) {
    let q = this.db.selectFrom('kaltura_sessions');
    if (f.accountId !== undefined) q = q.where('account_id', '=', f.accountId);
    if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
    if (f.since !== undefined) q = q.where('created_at', '>=', f.since);
    if (f.until !== undefined) q = q.where('created_at', '<', f.until);
    if (f.mode !== undefined) q = q.where('mode', '=', f.mode);
    return q;
  }

  /** Newest first. */
  async list(f: AuditFilter, limit: number, offset: number): Promise<SessionAuditEntry[]> {
    const rows = await this.filtered(f).selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
    return rows.map(toEntry);
  }

  async count(f: AuditFilter): Promise<number> {
    const r = await this.filtered(f).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
