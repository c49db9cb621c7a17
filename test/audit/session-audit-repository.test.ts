/**
 * The audit log's group-committed INSERT on both databases: every row is committed (visible to
 * another connection) when its caller's promise resolves, concurrent calls share one statement,
 * a failing batch rejects each of its callers and writes none of its rows, and on PostgreSQL the
 * INSERT is one named statement, prepared once per connection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectDatabase, type Db } from '../../src/db/connect.js';
import { sql } from '../../src/db/kysely.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { SessionAuditRepository, type NewSessionAuditEntry } from '../../src/audit/session-audit-repository.js';
import { freshDatabase, testDatabases } from '../helper.js';

describe.each(await testDatabases())('session audit INSERT on %s', (database) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** A migrated database, and a second connection to it (another pool on PostgreSQL). */
  async function open(poolSize?: number): Promise<{ db: Db; other: Db; repo: SessionAuditRepository }> {
    const fresh = freshDatabase(database);
    cleanups.push(fresh.drop);
    const db = await connectDatabase(fresh.url, poolSize ? { poolSize } : {});
    cleanups.push(() => db.close());
    await migrateToLatest(db);
    const other = await connectDatabase(fresh.url);
    cleanups.push(() => other.close());
    return { db, other, repo: new SessionAuditRepository(db.kysely, db.prepared) };
  }

  const entry = (n: number, over: Partial<NewSessionAuditEntry> = {}): NewSessionAuditEntry => ({
    createdAt: `2026-12-03T08:${String(n % 60).padStart(2, '0')}:00.000Z`,
    accountId: 1 + (n % 2),
    userId: 10 + n,
    realUserId: n % 3 === 0 ? 7 : null,
    uid: `${10 + n}_${1 + (n % 2)}`,
    mode: n % 4 === 0 ? 'remote' : 'local',
    expiresAt: '2026-12-03T14:00:00.000Z',
    privileges: n % 5 === 0 ? 'sview:*,"quoted",back\\slash' : '',
    ksTail: `tail${n}`,
    clientIp: n % 2 ? `10.0.0.${n}` : null,
    requestId: `req-${n}`,
    ...over,
  });

  async function rowsSeenBy(db: Db) {
    return db.kysely.selectFrom('kaltura_sessions').selectAll().orderBy('id').execute();
  }

  it('commits each row before its promise resolves, with every field as given', async () => {
    const { repo, other } = await open();
    const entries = Array.from({ length: 60 }, (_, n) => entry(n));
    const seenAtResolve: number[] = [];
    await Promise.all(
      entries.map((e, n) =>
        repo.insert(e).then(async () => {
          const r = await other.kysely.selectFrom('kaltura_sessions').select('request_id').where('request_id', '=', e.requestId).execute();
          seenAtResolve[n] = r.length;
        }),
      ),
    );
    expect(seenAtResolve).toEqual(entries.map(() => 1));
    const rows = await rowsSeenBy(other);
    expect(rows.map((r) => ({
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
    }))).toEqual(entries);
    // and the hourly counts kept by the triggers
    expect(await repo.count({ accountId: 1 })).toBe(30);
    expect(await repo.count({ mode: 'remote' })).toBe(15);
  });

  it('writes the calls of one turn and those made during a write in few statements', async () => {
    const { repo, other } = await open();
    // one turn: one batch; then calls arriving while a write runs join the next
    const first = Array.from({ length: 40 }, (_, n) => repo.insert(entry(n)));
    await new Promise((r) => setImmediate(r));
    const later = Array.from({ length: 40 }, (_, n) => repo.insert(entry(40 + n)));
    await Promise.all([...first, ...later]);
    expect((await rowsSeenBy(other)).length).toBe(80);
    if (database === 'postgres') {
      // rows written by one statement share its transaction id
      const { rows } = await sql<{ n: string }>`select count(distinct xmin::text) as n from kaltura_sessions`.execute(other.kysely);
      expect(Number(rows[0]!.n)).toBe(2);
    }
  });

  it('rejects each caller of a failing batch, writes none of its rows, and writes the next batch', async () => {
    const { repo, other } = await open();
    const batch = [entry(1), entry(2), entry(3, { uid: null as unknown as string }), entry(4)].map((e) => repo.insert(e));
    const outcomes = await Promise.allSettled(batch);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(await rowsSeenBy(other)).toEqual([]);
    await repo.insert(entry(5));
    expect((await rowsSeenBy(other)).map((r) => r.request_id)).toEqual(['req-5']);
  });

  it.runIf(database === 'postgres')('prepares the INSERT once per connection on PostgreSQL (a named statement)', async () => {
    const { db, repo } = await open(1);
    await Promise.all([1, 2, 3].map((n) => repo.insert(entry(n))));
    await repo.insert(entry(4));
    await repo.insert(entry(5));
    // the pool's one connection: its prepared statements
    const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(db.kysely);
    const audit = rows.filter((r) => /insert into kaltura_sessions/i.test(r.statement));
    expect(audit.map((r) => r.name)).toEqual([expect.stringMatching(/^kaltura_sessions_insert/)]);
  });
});
