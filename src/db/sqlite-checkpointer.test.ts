import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { connectDatabase } from './connect.js';
import { Kysely, SqliteDialect, sql } from './kysely.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function walDatabase(): { file: string; db: SQLite.Database } {
  const dir = mkdtempSync(join(tmpdir(), 'cks-ckpt-'));
  dirs.push(dir);
  const file = join(dir, 'db.sqlite');
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table t (id integer primary key, v text not null)');
  // everything so far in the database file, the WAL empty
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { file, db };
}

/** [frames in the WAL, frames of them copied into the database file], without copying any. */
function walState(file: string): { log: number; checkpointed: number } {
  const probe = new SQLite(file, { fileMustExist: true });
  try {
    // a checkpoint that may not run (another connection holds the checkpoint lock) still reports
    const [row] = probe.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    return { log: row!.log, checkpointed: row!.checkpointed };
  } finally {
    probe.close();
  }
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The WAL's length in frames: `mxFrame` of the wal-index header, at byte 16 of the `-shm` file in
 * native byte order (sqlite.org/walformat.html), read without taking any lock.
 */
function walFrames(file: string): number {
  try {
    return readFileSync(`${file}-shm`).readUInt32LE(16);
  } catch {
    return 0;
  }
}

const ROW = 'z'.repeat(400);

/**
 * Commits 30-row INSERTs through `kysely` about every millisecond (the audit log's commits under
 * the bench's load come every 1–2 ms), with a read-then-write transaction every tenth, until
 * `done()`; returns how many commits it made and the longest WAL it saw.
 */
async function steadyCommits(kysely: Kysely<any>, file: string, done: (commits: number) => boolean): Promise<{ commits: number; largestWal: number }> {
  let commits = 0;
  let largestWal = 0;
  while (!done(commits)) {
    if (commits % 10 === 9) {
      await kysely.transaction().execute(async (tx) => {
        const row = await sql<{ n: number }>`select count(*) as n from t`.execute(tx);
        await sql`insert into t (v) values (${`count ${row.rows[0]!.n}`})`.execute(tx);
      });
    } else {
      await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 30) insert into t (v) select ${ROW} from n`.execute(kysely);
    }
    commits++;
    largestWal = Math.max(largestWal, walFrames(file));
    await new Promise((r) => setTimeout(r, 1));
  }
  return { commits, largestWal };
}

describe('SqliteCheckpointer', () => {
  it('copies the WAL into the database file from its own thread, so the WAL starts over, and gives SQLite its checkpoints back on stop', async () => {
    const { file, db } = walDatabase();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    const checkpointer = SqliteCheckpointer.start(file, db, { busyIntervalMs: 5, idleIntervalMs: 10, maxWalPages: 5000 });
    // the main connection's own checkpoint is only the bound now
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(5000);
    const emptySize = statSync(file).size;
    const insert = db.prepare('insert into t (v) values (?)');
    // 300 commits: some 300 WAL frames, fewer than SQLite's own 1,000-frame checkpoint would need
    for (let i = 0; i < 300; i++) insert.run('x'.repeat(200));
    // nothing on the event loop copies them: only the worker can
    await until('the worker to copy the rows into the database file', () => statSync(file).size > emptySize + 300 * 200);
    // every frame copied: the next commit writes the WAL from its start
    await until('every frame to be checkpointed', () => {
      const s = walState(file);
      return s.log > 0 && s.checkpointed === s.log;
    });
    insert.run('after');
    expect(walState(file).log).toBeLessThanOrEqual(2);

    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 301 });
    db.close();
  });

  it('reports a worker that cannot open the database, and stops all the same', async () => {
    const { file, db } = walDatabase();
    const errors: string[] = [];
    const checkpointer = SqliteCheckpointer.start(join(file, '..', 'missing.sqlite'), db, { busyIntervalMs: 5, idleIntervalMs: 10, onError: (m) => errors.push(m) });
    await until('the error', () => errors.length > 0);
    expect(errors[0]).toMatch(/directory does not exist|unable to open|not exist/i);
    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
  });

  it('runs behind connectDatabase when asked, and closes with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cks-ckpt-'));
    dirs.push(dir);
    const file = join(dir, 'db.sqlite');
    const errors: string[] = [];
    const db = await connectDatabase(file, { backgroundCheckpoints: { busyIntervalMs: 5, idleIntervalMs: 10, onError: (m) => errors.push(m) } });
    await sql`create table t (id integer primary key, v text not null)`.execute(db.kysely);
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db.kysely);
    const emptySize = statSync(file).size;
    for (let i = 0; i < 100; i++) await sql`insert into t (v) values (${'y'.repeat(500)})`.execute(db.kysely);
    await until('the worker to copy the rows into the database file', () => statSync(file).size > emptySize + 100 * 500);
    await db.close();
    expect(errors).toEqual([]);
    const check = new SQLite(file, { readonly: true });
    expect(check.prepare('select count(*) as n from t').get()).toEqual({ n: 100 });
    check.close();
  });

  it('holds the process until the worker has exited, when nothing else keeps it alive', () => {
    const { file, db } = walDatabase();
    db.close();
    // a process whose only work left is stop(): it ended with code 13 (an unsettled top-level
    // await) while the unreferenced worker was still closing its connection
    const script = `
      import SQLite from 'better-sqlite3';
      import { SqliteCheckpointer } from ${JSON.stringify(fileURLToPath(new URL('./sqlite-checkpointer.ts', import.meta.url)))};
      const db = new SQLite(${JSON.stringify(file)});
      const checkpointer = SqliteCheckpointer.start(${JSON.stringify(file)}, db, {});
      await checkpointer.stop();
      console.log('stopped, wal_autocheckpoint ' + db.pragma('wal_autocheckpoint', { simple: true }));`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('stopped, wal_autocheckpoint 1000\n');
    expect(run.status).toBe(0);
  });

  it('under a steady stream of commits, holds quiet moments so that the WAL starts over, where without them it grows to its bound; every query waits and none is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cks-ckpt-'));
    dirs.push(dir);
    const errors: string[] = [];
    const open = async (name: string, restartWalPages: number) => {
      const file = join(dir, name);
      const db = await connectDatabase(file, { backgroundCheckpoints: { busyIntervalMs: 50, idleIntervalMs: 20, restartWalPages, maxWalPages: 3000, onError: (m) => errors.push(m) } });
      await sql`create table t (id integer primary key, v text not null)`.execute(db.kysely);
      return { file, db };
    };
    // without quiet moments (a bound never reached): checkpoints every 50 ms never catch up, and the WAL grows
    const without = await open('without.sqlite', Number.MAX_SAFE_INTEGER);
    const started = Date.now();
    const grown = await steadyCommits(without.db.kysely, without.file, () => walFrames(without.file) >= 2000 || Date.now() - started > 10_000);
    await without.db.close();
    // with them, from 300 frames on: as many commits (1,000 at least), and the WAL stays short
    const withQuiet = await open('with.sqlite', 300);
    const kept = await steadyCommits(withQuiet.db.kysely, withQuiet.file, (n) => n >= Math.max(grown.commits, 1000));
    const rows = await sql<{ n: number }>`select count(*) as n from t`.execute(withQuiet.db.kysely);
    await withQuiet.db.close();
    expect(errors).toEqual([]);
    expect(grown.largestWal).toBeGreaterThanOrEqual(2000);
    expect(kept.largestWal).toBeLessThan(1500);
    // every commit is there: 30 rows, or one for each read-then-write transaction
    const transactions = Math.floor(kept.commits / 10);
    expect(rows.rows[0]!.n).toBe((kept.commits - transactions) * 30 + transactions);
  });

  it('asks for no quiet moment for a while when another connection keeps the WAL from starting over', async () => {
    const { file, db: sqlite } = walDatabase();
    const kysely = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
    let held = 0;
    const checkpointer = SqliteCheckpointer.start(file, sqlite, { busyIntervalMs: 20, restartWalPages: 100 }, async (work) => {
      await kysely.connection().execute(async () => {
        held++;
        await work();
      });
    });
    // a reader of another connection on an old snapshot: no checkpoint can copy past it
    const reader = new SQLite(file, { fileMustExist: true });
    reader.prepare('begin').run();
    reader.prepare('select count(*) from t').get();
    const started = Date.now();
    await steadyCommits(kysely, file, () => Date.now() - started > 1500);
    const quietMoments = checkpointer.quietMoments;
    reader.prepare('commit').run();
    reader.close();
    await checkpointer.stop();
    await kysely.destroy();
    // a tick every 20 ms would have asked some 70 times; one a second, and the first, at most 3
    expect(quietMoments).toBeGreaterThanOrEqual(1);
    expect(quietMoments).toBeLessThanOrEqual(3);
    expect(held).toBe(quietMoments);
  });
});
