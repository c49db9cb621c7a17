/**
 * Which pages an audit commit writes to SQLite's WAL, by table and index:
 * `node --import tsx bench/audit-wal-frames.ts [users, default 10] [commits, default 50]`.
 * On a migrated database with automatic checkpoints off, it writes 100 INSERTs of
 * AUDIT_ROWS_PER_INSERT rows (the session POST's batch at 50 connections), empties the WAL, writes
 * `commits` more with later timestamps (as a running service does), then reads the WAL's frame
 * headers and names each frame's page by SQLite's `dbstat` table. Each frame costs the writer
 * two `pwrite`s (its header and the page), a checksum, and a page copy in the kernel.
 */
import { readFileSync } from 'node:fs';
import { AUDIT_ROWS_PER_INSERT, auditBatches, auditInsertSql, openMigratedSqlite } from './migrated-sqlite.js';

const users = Number(process.argv[2] ?? 10);
const commits = Number(process.argv[3] ?? 50);
if (!(users >= 1) || !(commits >= 1 && commits <= 200)) throw new Error('usage: audit-wal-frames.ts [users] [commits ≤ 200]');

const WAL_HEADER = 32;
const FRAME_HEADER = 24;

const m = await openMigratedSqlite('cks-audit-wal-');
try {
  m.db.pragma('wal_autocheckpoint = 0');
  const insert = m.db.prepare(auditInsertSql(AUDIT_ROWS_PER_INSERT));
  // 300 batches with increasing timestamps: the first 100 fill the tree, the rest are measured
  const batches = auditBatches(users);
  for (let i = 0; i < 100; i++) insert.run(batches[i]!);
  m.db.pragma('wal_checkpoint(TRUNCATE)');
  for (let i = 0; i < commits; i++) insert.run(batches[100 + i]!);

  const wal = readFileSync(`${m.file}-wal`);
  const pageSize = wal.readUInt32BE(8);
  const byPage = new Map<number, string>();
  for (const r of m.db.prepare('select name, pageno from dbstat').all() as { name: string; pageno: number }[]) byPage.set(r.pageno, r.name);
  const byName = new Map<string, number>();
  let frames = 0;
  let committed = 0;
  for (let at = WAL_HEADER; at + FRAME_HEADER + pageSize <= wal.length; at += FRAME_HEADER + pageSize) {
    const page = wal.readUInt32BE(at);
    // a commit's last frame records the database's size in pages; the others 0
    if (wal.readUInt32BE(at + 4) !== 0) committed++;
    const name = byPage.get(page) ?? `page ${page}`;
    byName.set(name, (byName.get(name) ?? 0) + 1);
    frames++;
  }
  process.stdout.write(`${users} users, ${committed} commits of ${AUDIT_ROWS_PER_INSERT} rows, page size ${pageSize}: ${(frames / committed).toFixed(1)} frames per commit, ${(frames / committed / AUDIT_ROWS_PER_INSERT).toFixed(2)} per row\n`);
  for (const [name, n] of [...byName].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${name}: ${(n / committed).toFixed(2)} per commit\n`);
} finally {
  m.remove();
}
