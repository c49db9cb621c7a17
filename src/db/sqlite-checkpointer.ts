/**
 * SQLite's WAL checkpoints in a worker thread, off the event loop.
 *
 * A WAL checkpoint copies the committed pages into the database file and syncs it (two fsyncs
 * at `synchronous = NORMAL`). SQLite runs it by itself in the connection whose commit took the
 * WAL past `wal_autocheckpoint` pages (1,000 by default): on the event loop, every hundred or so
 * audit commits, 13–22 ms each on this project's machine. Every request in flight waited for it,
 * which was most of the session POST's p99 (docs/benchmarks.md).
 *
 * Here a worker thread with its own connection runs a PASSIVE checkpoint every few milliseconds
 * while commits go on (every 200 ms when none do): it copies and syncs while the event loop goes
 * on committing (a PASSIVE checkpoint never blocks a writer, nor waits for one). When it has
 * copied everything, the next commit starts the WAL from the beginning again. Frequent small
 * checkpoints cost less than rare large ones (in-process measurement, 30-row transactions back to
 * back: 320 µs of CPU per transaction at 5 ms against 450 µs at 100 ms, and 1.7× the commits).
 * Under a load with no pause at all it may not catch up; the main connection's own automatic
 * checkpoint stays on as the bound, at `maxWalPages`, and then finds most pages already copied.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

export interface CheckpointerOptions {
  /** how soon the worker checkpoints again while commits go on (ms) */
  busyIntervalMs?: number;
  /** how soon it looks again when nothing was committed since its last look (ms) */
  idleIntervalMs?: number;
  /** the main connection's `wal_autocheckpoint` while the worker runs: the WAL's bound, in pages */
  maxWalPages?: number;
  /** a checkpoint that failed (the worker goes on trying) */
  onError?: (message: string) => void;
}

/** The part of a better-sqlite3 Database this needs: the main connection's pragma. */
export interface PragmaConnection {
  pragma(source: string, options?: { simple?: boolean }): unknown;
}

export const DEFAULT_BUSY_INTERVAL_MS = 5;
export const DEFAULT_IDLE_INTERVAL_MS = 200;
export const DEFAULT_MAX_WAL_PAGES = 10_000;

/**
 * The worker: plain JavaScript (it runs as is under tsx, vitest and the compiled service),
 * loading the same better-sqlite3 the service uses.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const message = (err) => String((err && err.message) || err);
let db;
try {
  db = new Database(workerData.file, { fileMustExist: true });
} catch (err) {
  parentPort.postMessage({ error: message(err) });
  process.exit(1);
}
let failed = false;
let lastLog = -1;
let timer;
function tick() {
  let delay = workerData.idleMs;
  try {
    const [state] = db.pragma('wal_checkpoint(PASSIVE)');
    // the WAL changed since the last look: commits are going on, so look again soon
    if (state.log !== lastLog) delay = workerData.busyMs;
    lastLog = state.log;
    failed = false;
  } catch (err) {
    // reported once until a checkpoint succeeds again
    if (!failed) parentPort.postMessage({ error: message(err) });
    failed = true;
  }
  timer = setTimeout(tick, delay);
}
timer = setTimeout(tick, workerData.idleMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearTimeout(timer);
  db.close();
  // ends this thread only
  process.exit(0);
});
`;

/** The running worker; {@link stop} before the main connection closes. */
export class SqliteCheckpointer {
  private stopping: Promise<void> | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    private readonly main: PragmaConnection,
    private readonly previousAutocheckpoint: number,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  /** Starts checkpointing `file` (a WAL database `main` has open) in a worker thread. */
  static start(file: string, main: PragmaConnection, options: CheckpointerOptions = {}): SqliteCheckpointer {
    const previous = Number(main.pragma('wal_autocheckpoint', { simple: true }));
    main.pragma(`wal_autocheckpoint = ${Math.trunc(options.maxWalPages ?? DEFAULT_MAX_WAL_PAGES)}`);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3'), busyMs: options.busyIntervalMs ?? DEFAULT_BUSY_INTERVAL_MS, idleMs: options.idleIntervalMs ?? DEFAULT_IDLE_INTERVAL_MS },
    });
    // the worker never keeps the process alive
    worker.unref();
    worker.on('message', (m: { error?: string }) => {
      if (m.error !== undefined) options.onError?.(m.error);
    });
    worker.on('error', (err) => options.onError?.(err.message));
    return new SqliteCheckpointer(worker, main, previous);
  }

  /** Stops the worker (its connection closed) and gives SQLite its own checkpoints back. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // held until it has exited: a process with nothing else left to do would otherwise end
      // here, its top-level await unsettled, before the worker closed its connection
      this.worker.ref();
      // the worker closes its connection and exits; one that has exited already (it failed to start) ignores this
      this.worker.postMessage('stop');
      await this.exited;
      this.main.pragma(`wal_autocheckpoint = ${this.previousAutocheckpoint}`);
    })();
    return this.stopping;
  }
}
