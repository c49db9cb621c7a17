/**
 * SQLite's WAL checkpoints in a worker thread, off the event loop.
 *
 * A WAL checkpoint copies the committed pages into the database file and syncs it (two fsyncs
 * at `synchronous = NORMAL`). SQLite runs it by itself in the connection whose commit took the
 * WAL past `wal_autocheckpoint` pages (1,000 by default): on the event loop, every hundred or so
 * audit commits, 13–22 ms each on this project's machine. Every request in flight waited for it,
 * which was most of the session POST's p99 (docs/benchmarks.md).
 *
 * Here a worker thread with its own connection runs a PASSIVE checkpoint every 50 ms while
 * commits go on (every 200 ms when none do): it copies and syncs while the event loop goes on
 * committing (a PASSIVE checkpoint never blocks a writer, nor waits for one).
 *
 * A PASSIVE checkpoint copies the frames there were when it began. The WAL starts over only when
 * a commit begins with every frame copied, and under a steady load commits keep coming while a
 * checkpoint copies and syncs: the WAL grows. Checkpointing every 5 ms (as before) often caught
 * up, at the price of some 220 fsyncs a second under the bench's load, most of the worker's CPU.
 * So once the WAL holds `restartWalPages` frames, the worker asks for a *quiet moment*: the main
 * side holds the main connection (`hold`, Kysely's one connection: other queries wait for it, the
 * event loop does not), the worker copies the few frames the last checkpoint left, and the main
 * connection's next commit starts the WAL over. A quiet moment held the connection about 2 ms (at
 * most `maxQuietMs`), a few times a second under the bench's load; 35 fsyncs a second instead of
 * 220, and the worker's CPU per session POST went from 3.6 to 1.3 µs (docs/benchmarks.md, ninth
 * round). No other connection is ever blocked: nothing here takes SQLite's write lock (a RESTART
 * checkpoint did, and a main-connection transaction that had read was then refused at once,
 * without its busy handler). When another connection keeps the WAL from starting over (another
 * process writing, a backup reading an older snapshot), the worker asks for no quiet moment for a
 * second, and checkpoints every 5 ms meanwhile, as it did before (small checkpoints often catch up);
 * so does a worker started without a `hold`.
 *
 * The main connection's own automatic checkpoint stays on as the last bound, at `maxWalPages`.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

export interface CheckpointerOptions {
  /** how soon the worker checkpoints again while commits go on, with quiet moments (ms) */
  busyIntervalMs?: number;
  /** how soon it looks again when nothing was committed since its last look (ms) */
  idleIntervalMs?: number;
  /**
   * how soon it checkpoints again while commits go on and quiet moments cannot help: without a
   * `hold`, or while another connection keeps the WAL from starting over (ms)
   */
  fallbackIntervalMs?: number;
  /**
   * WAL length (frames) from which the worker, when commits kept a checkpoint from copying
   * everything, asks for a quiet moment to copy the rest, so that the WAL starts over; only with
   * a `hold` (see {@link SqliteCheckpointer.start})
   */
  restartWalPages?: number;
  /** the longest a quiet moment holds the main connection (ms) */
  maxQuietMs?: number;
  /** the main connection's `wal_autocheckpoint` while the worker runs: the WAL's bound, in pages */
  maxWalPages?: number;
  /** a checkpoint that failed (the worker goes on trying) */
  onError?: (message: string) => void;
}

/** The part of a better-sqlite3 Database this needs: the main connection's pragma. */
export interface PragmaConnection {
  pragma(source: string, options?: { simple?: boolean }): unknown;
}

export const DEFAULT_BUSY_INTERVAL_MS = 50;
export const DEFAULT_IDLE_INTERVAL_MS = 200;
export const DEFAULT_FALLBACK_INTERVAL_MS = 5;
export const DEFAULT_RESTART_WAL_PAGES = 2_000;
export const DEFAULT_MAX_QUIET_MS = 50;
/** how long the worker asks for no quiet moment after one that did not let the WAL start over (ms) */
const QUIET_BACKOFF_MS = 1_000;
export const DEFAULT_MAX_WAL_PAGES = 10_000;

/**
 * Runs `work` while nothing else uses the main connection: the caller's other queries wait for
 * it (asynchronously: the event loop goes on). Kysely's `connection().execute` does that.
 */
export type HoldConnection = (work: () => Promise<void>) => Promise<void>;

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
// The WAL's salt, from the wal-index header in the -shm file (sqlite.org/walformat.html): it
// changes whenever the WAL starts over. -1 when it cannot be read.
const fs = require('node:fs');
let shm = -1;
try {
  shm = fs.openSync(workerData.file + '-shm', 'r');
} catch {}
const saltBytes = Buffer.alloc(4);
function walSalt() {
  try {
    return shm < 0 || fs.readSync(shm, saltBytes, 0, 4, 32) !== 4 ? -1 : saltBytes.readUInt32LE(0);
  } catch {
    return -1;
  }
}
// the WAL's salt and length when the last quiet moment ended (checked at the next tick)
let afterQuiet;
// no quiet moment is asked for before this time
let noQuietUntil = 0;
function checkpoint() {
  try {
    const [state] = db.pragma('wal_checkpoint(PASSIVE)');
    failed = false;
    return state;
  } catch (err) {
    // reported once until a checkpoint succeeds again
    if (!failed) parentPort.postMessage({ error: message(err) });
    failed = true;
    return undefined;
  }
}
function tick() {
  const state = checkpoint();
  let delay = workerData.idleMs;
  if (state !== undefined) {
    if (afterQuiet !== undefined) {
      // Commits came since the last quiet moment, but the WAL did not start over: another
      // connection (another process's, a backup's) writes, or reads an older snapshot. Quiet
      // moments cannot help then.
      if (afterQuiet.salt !== -1 && walSalt() === afterQuiet.salt && state.log > afterQuiet.log) noQuietUntil = Date.now() + workerData.quietBackoffMs;
      afterQuiet = undefined;
    }
    // The WAL changed since the last look: commits are going on, so look again soon; sooner when
    // quiet moments cannot help (as before they existed: small checkpoints often catch up).
    const quietHelps = workerData.quiet && Date.now() >= noQuietUntil;
    if (state.log !== lastLog) delay = quietHelps ? workerData.busyMs : workerData.fallbackMs;
    lastLog = state.log;
    // This checkpoint copied every frame there was when it began; a long WAL means commits kept
    // coming meanwhile, so it never starts over. The rest is copied in a quiet moment.
    if (quietHelps && state.log >= workerData.restartPages) {
      parentPort.postMessage({ quiet: true });
      return; // the next tick comes after the quiet moment
    }
  }
  timer = setTimeout(tick, delay);
}
timer = setTimeout(tick, workerData.idleMs);
parentPort.on('message', (m) => {
  if (m === 'quiet') {
    // No commit of the main connection can come now: this copies every frame, and the main
    // connection's next commit starts the WAL over (unless another connection is in the way).
    const state = checkpoint();
    afterQuiet = state === undefined ? undefined : { salt: walSalt(), log: state.log };
    parentPort.postMessage({ quietDone: true });
    timer = setTimeout(tick, workerData.busyMs);
    return;
  }
  if (m !== 'stop') return;
  clearTimeout(timer);
  if (shm >= 0) fs.closeSync(shm);
  db.close();
  // ends this thread only
  process.exit(0);
});
`;

/** The running worker; {@link stop} before the main connection closes. */
export class SqliteCheckpointer {
  private stopping: Promise<void> | undefined;
  private readonly exited: Promise<void>;
  /** ends the quiet moment in progress (releases the main connection), if one is */
  private endQuiet: (() => void) | undefined;
  /** quiet moments held so far (for tests and diagnostics) */
  quietMoments = 0;

  private constructor(
    private readonly worker: Worker,
    private readonly main: PragmaConnection,
    private readonly previousAutocheckpoint: number,
    private readonly hold: HoldConnection | undefined,
    private readonly options: CheckpointerOptions,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    void this.exited.then(() => this.endQuiet?.());
    worker.on('message', (m: { error?: string; quiet?: true; quietDone?: true }) => {
      if (m.error !== undefined) options.onError?.(m.error);
      if (m.quiet) this.quiet();
      if (m.quietDone) this.endQuiet?.();
    });
    worker.on('error', (err) => options.onError?.(err.message));
  }

  /**
   * Starts checkpointing `file` (a WAL database `main` has open) in a worker thread. With `hold`,
   * the worker may ask for quiet moments, so that the WAL starts over under a steady load.
   */
  static start(file: string, main: PragmaConnection, options: CheckpointerOptions = {}, hold?: HoldConnection): SqliteCheckpointer {
    const previous = Number(main.pragma('wal_autocheckpoint', { simple: true }));
    main.pragma(`wal_autocheckpoint = ${Math.trunc(options.maxWalPages ?? DEFAULT_MAX_WAL_PAGES)}`);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file,
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        busyMs: options.busyIntervalMs ?? DEFAULT_BUSY_INTERVAL_MS,
        fallbackMs: options.fallbackIntervalMs ?? DEFAULT_FALLBACK_INTERVAL_MS,
        idleMs: options.idleIntervalMs ?? DEFAULT_IDLE_INTERVAL_MS,
        quiet: hold !== undefined,
        restartPages: options.restartWalPages ?? DEFAULT_RESTART_WAL_PAGES,
        quietBackoffMs: QUIET_BACKOFF_MS,
      },
    });
    // the worker never keeps the process alive
    worker.unref();
    return new SqliteCheckpointer(worker, main, previous, hold, options);
  }

  /**
   * A quiet moment: the main connection held while the worker copies the frames its last
   * checkpoint could not (commits came meanwhile), at most `maxQuietMs`. Queries wait meanwhile;
   * the event loop does not.
   */
  private quiet(): void {
    if (this.hold === undefined || this.stopping !== undefined) return;
    this.quietMoments++;
    this.hold(
      () =>
        new Promise<void>((resolve) => {
          if (this.stopping !== undefined) return resolve();
          const timer = setTimeout(() => this.endQuiet?.(), this.options.maxQuietMs ?? DEFAULT_MAX_QUIET_MS);
          timer.unref();
          this.endQuiet = () => {
            clearTimeout(timer);
            this.endQuiet = undefined;
            resolve();
          };
          this.worker.postMessage('quiet');
        }),
    ).catch((err: unknown) => this.options.onError?.(`quiet moment: ${String((err as Error)?.message ?? err)}`));
  }

  /** Stops the worker (its connection closed) and gives SQLite its own checkpoints back. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // held until it has exited: a process with nothing else left to do would otherwise end
      // here, its top-level await unsettled, before the worker closed its connection
      this.worker.ref();
      this.endQuiet?.();
      // the worker closes its connection and exits; one that has exited already (it failed to start) ignores this
      this.worker.postMessage('stop');
      await this.exited;
      this.main.pragma(`wal_autocheckpoint = ${this.previousAutocheckpoint}`);
    })();
    return this.stopping;
  }
}
