/** The audit log of minted Kaltura sessions: one row per session, never the whole KS. */
import type { CompiledQuery, Kysely, Selectable } from 'kysely';
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

/** Rows per INSERT: 11 parameters a row stays far below SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_ROWS_PER_INSERT = 500;

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

  /**
   * The INSERTs by number of rows, each compiled once: building one with Kysely on every session
   * cost a third of the POST. Batch sizes repeat (concurrency), so few are ever compiled.
   */
  private readonly insertQueries = new Map<number, { query: CompiledQuery; order: (keyof NewSessionAuditEntry)[] }>();

  /** Entries waiting for the next group commit, and whether one is running. */
  private queue: { entry: NewSessionAuditEntry; done: (err?: unknown) => void }[] = [];
  private flushing = false;

  /**
   * Records one minted session; resolves once its row is committed. Concurrent calls share one
   * multi-row INSERT (group commit; one statement is one transaction, and on PostgreSQL one round
   * trip): a commit per session was the largest cost of the session POST.
   */
  insert(e: NewSessionAuditEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry: e, done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Writes every queued entry in one statement, then again while more arrived meanwhile. */
  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_ROWS_PER_INSERT);
      try {
        const { query, order } = this.insertFor(batch.length);
        const parameters: unknown[] = [];
        for (const { entry } of batch) for (const k of order) parameters.push(entry[k]);
        await this.db.executeQuery({ ...query, parameters });
        for (const item of batch) item.done();
      } catch (err) {
        for (const item of batch) item.done(err);
      }
    }
    this.flushing = false;
  }

  private insertFor(rows: number): { query: CompiledQuery; order: (keyof NewSessionAuditEntry)[] } {
    let q = this.insertQueries.get(rows);
    if (q === undefined) {
      q = this.compileInsert(rows);
      // sizes 1..MAX_ROWS_PER_INSERT at most; keep the map small all the same
      if (this.insertQueries.size >= 64) this.insertQueries.clear();
      this.insertQueries.set(rows, q);
    }
    return q;
  }

  /**
   * Compiles a `rows`-row INSERT with marker values and records which entry field each of a
   * row's parameters takes (every row's parameters come in the same order, row after row).
   */
  private compileInsert(rows: number): { query: CompiledQuery; order: (keyof NewSessionAuditEntry)[] } {
    const columns: Record<keyof NewSessionAuditEntry, keyof Database['kaltura_sessions']> = {
      createdAt: 'created_at',
      accountId: 'account_id',
      userId: 'user_id',
      realUserId: 'real_user_id',
      uid: 'uid',
      mode: 'mode',
      expiresAt: 'expires_at',
      privileges: 'privileges',
      ksTail: 'ks_tail',
      clientIp: 'client_ip',
      requestId: 'request_id',
    };
    const fields = Object.keys(columns) as (keyof NewSessionAuditEntry)[];
    const marker = (k: string) => `\u0000param:${k}`;
    const row = Object.fromEntries(fields.map((k) => [columns[k], marker(k)]));
    const query = this.db
      .insertInto('kaltura_sessions')
      .values(Array.from({ length: rows }, () => row) as never)
      .compile();
    const all = query.parameters.map((p) => {
      const field = fields.find((k) => marker(k) === p);
      if (!field) throw new Error('audit insert: unexpected parameter in the compiled query');
      return field;
    });
    const order = all.slice(0, fields.length);
    if (all.length !== order.length * rows || all.some((f, i) => f !== order[i % order.length])) throw new Error('audit insert: parameters out of row order');
    return { query, order };
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

  /**
   * How many entries match. Filtered by account and mode only, it sums the hourly counts a
   * trigger keeps (kaltura_session_hours, migration 0003) instead of counting up to millions of
   * rows; other filters count the rows.
   */
  async count(f: AuditFilter): Promise<number> {
    if (f.userId === undefined && f.since === undefined && f.until === undefined) {
      let q = this.db.selectFrom('kaltura_session_hours');
      if (f.accountId !== undefined) q = q.where('account_id', '=', f.accountId);
      if (f.mode !== undefined) q = q.where('mode', '=', f.mode);
      const r = await q.select((eb) => eb.fn.sum<string | number | null>('sessions').as('n')).executeTakeFirstOrThrow();
      return Number(r.n ?? 0);
    }
    const r = await this.filtered(f).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
