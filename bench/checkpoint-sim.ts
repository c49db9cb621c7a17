/**
 * The audit log's commit pattern under load, in one process, with the checkpoint worker
 * (src/db/sqlite-checkpointer.ts): a 30-row INSERT into `kaltura_sessions` (the migrated schema,
 * its indexes and hourly-count trigger) about every millisecond. Prints the CPU per row of the
 * committing thread and of the others (the worker), the WAL file's largest size and the commit
 * latency (p99, max; a commit waits out a quiet moment). Used to choose the worker's intervals
 * and its quiet moments' threshold (docs/benchmarks.md, sixth and ninth rounds). A restart
 * threshold of 0 holds no quiet moment (the worker as it was before the ninth round).
 * Usage: node --import tsx bench/checkpoint-sim.ts [busy ms] [seconds] [restart WAL pages]
 */
import { readdirSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { auditInsertSql, openMigratedSqlite } from './migrated-sqlite.js';
import { SqliteCheckpointer } from '../src/db/sqlite-checkpointer.js';
import { statCpuMs } from './child-process.js';

const busyIntervalMs = Number(process.argv[2] ?? 5);
const seconds = Number(process.argv[3] ?? 8);
const restartWalPages = Number(process.argv[4] ?? 0);
const ROWS = 30;

/** CPU ms of this process's main thread and of its other threads. */
function threadCpu(): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    const ms = statCpuMs(`/proc/self/task/${tid}/stat`);
    if (tid === String(process.pid)) main += ms;
    else others += ms;
  }
  return { main, others };
}

const { db, file, remove } = await openMigratedSqlite('cks-ckpt-sim-');
// the quiet moments' hold: the loop below waits for it before its next commit, as Kysely's queries do
let held: Promise<void> | undefined;
const hold = async (work: () => Promise<void>): Promise<void> => {
  let release!: () => void;
  held = new Promise((r) => (release = r));
  try {
    await work();
  } finally {
    held = undefined;
    release();
  }
};
const checkpointer = SqliteCheckpointer.start(file, db, { busyIntervalMs, fallbackIntervalMs: busyIntervalMs, restartWalPages }, restartWalPages > 0 ? hold : undefined);
const insert = db.prepare(auditInsertSql(ROWS));
// the batches' parameters made beforehand: only SQLite's work is timed
const batches = Array.from({ length: 200 }, (_, b) => {
  const values: unknown[] = [];
  for (let r = 0; r < ROWS; r++) {
    const now = new Date(Date.now() + b).toISOString();
    values.push(now, 1, 1 + (r % 10), null, `user-${r % 10}`, 'local', now, 'edit:*', randomBytes(6).toString('base64'), '127.0.0.1', randomBytes(16).toString('hex'));
  }
  return values;
});

const before = threadCpu();
const latencies: number[] = [];
let largestWal = 0;
const end = Date.now() + seconds * 1000;
while (Date.now() < end) {
  const started = performance.now();
  if (held !== undefined) await held;
  insert.run(batches[latencies.length % batches.length]!);
  latencies.push(performance.now() - started);
  if (latencies.length % 50 === 0) largestWal = Math.max(largestWal, statSync(`${file}-wal`).size);
  await new Promise((r) => setTimeout(r, 1));
}
const after = threadCpu();
await checkpointer.stop();
remove();

latencies.sort((a, b) => a - b);
const rows = latencies.length * ROWS;
process.stdout.write(
  `busy ${busyIntervalMs} ms, restart ${restartWalPages}: ${latencies.length} commits, ` +
    `committing thread ${(((after.main - before.main) * 1000) / rows).toFixed(2)} µs/row, other threads ${(((after.others - before.others) * 1000) / rows).toFixed(2)} µs/row, ` +
    `WAL at most ${(largestWal / 1e6).toFixed(1)} MB, commit p99 ${latencies[Math.floor(latencies.length * 0.99)]!.toFixed(2)} ms, max ${latencies[latencies.length - 1]!.toFixed(1)} ms\n`,
);
