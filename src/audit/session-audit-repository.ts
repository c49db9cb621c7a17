/** The audit log of minted Kaltura sessions: one row per session, never the whole KS. */
import type { CompiledQuery, Kysely, Selectable } from 'kysely';
import type { Database } from '../db/schema.js';
import { GroupCommit } from '../db/group-commit.js';
import type { PreparedStatements } from '../db/prepared-statements.js';

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

/**
 * The audit INSERT on PostgreSQL: one named statement for every batch size, the batch's rows as
 * one array per column, so PostgreSQL parses and plans it once per connection.
 */
const PG_INSERT: { name: string; text: string; fields: readonly (keyof NewSessionAuditEntry)[] } = (() => {
  const columns: [keyof NewSessionAuditEntry, string, string][] = [
    ['createdAt', 'created_at', 'text'],
    ['accountId', 'account_id', 'int4'],
    ['userId', 'user_id', 'int4'],
    ['realUserId', 'real_user_id', 'int4'],
    ['uid', 'uid', 'text'],
    ['mode', 'mode', 'text'],
    ['expiresAt', 'expires_at', 'text'],
    ['privileges', 'privileges', 'text'],
    ['ksTail', 'ks_tail', 'text'],
    ['clientIp', 'client_ip', 'text'],
    ['requestId', 'request_id', 'text'],
  ];
  return {
    name: 'kaltura_sessions_insert_v1',
    text: `insert into kaltura_sessions (${columns.map((c) => c[1]).join(', ')}) select * from unnest(${columns.map((c, i) => `$${i + 1}::${c[2]}[]`).join(', ')})`,
    fields: columns.map(([field]) => field),
  };
})();

/** Queries on kaltura_sessions. */
export class SessionAuditRepository {
  /** `prepared`: PostgreSQL's named statements (the audit INSERT uses them), null on SQLite. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly prepared: PreparedStatements | null = null,
  ) {}

  /**
   * The INSERTs by number of rows, each compiled once (SQLite): building one with Kysely on every
   * session cost a third of the POST. Batch sizes repeat (concurrency), so few are ever compiled.
   */
  private readonly insertQueries = new Map<number, { query: CompiledQuery; order: (keyof NewSessionAuditEntry)[] }>();

  /**
   * Concurrent calls share one INSERT (group commit; one statement is one transaction, and on
   * PostgreSQL one round trip): a commit per session was the largest cost of the session POST.
   */
  private readonly commits = new GroupCommit<NewSessionAuditEntry>((batch) => (this.prepared ? this.insertPostgres(batch) : this.insertCompiled(batch)), MAX_ROWS_PER_INSERT);

  /** Records one minted session; resolves once its row is committed. */
  insert(e: NewSessionAuditEntry): Promise<void> {
    return this.commits.add(e);
  }

  /** PostgreSQL: the batch as column arrays to the one named statement. */
  private async insertPostgres(batch: readonly NewSessionAuditEntry[]): Promise<void> {
    const values = PG_INSERT.fields.map((field) => batch.map((e) => e[field]));
    await this.prepared!.execute({ name: PG_INSERT.name, text: PG_INSERT.text, values });
  }

  /** SQLite: a multi-row INSERT compiled once per batch size. */
  private async insertCompiled(batch: readonly NewSessionAuditEntry[]): Promise<void> {
    const { query, order } = this.insertFor(batch.length);
    const parameters: unknown[] = [];
    for (const entry of batch) for (const k of order) parameters.push(entry[k]);
    await this.db.executeQuery({ ...query, parameters });
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
