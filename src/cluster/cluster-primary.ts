/**
 * `canvas-kaltura serve --workers N`: the primary process migrates and seeds once, forks N
 * workers that share the listening port (node:cluster), replaces crashed workers with backoff,
 * drains every worker on SIGTERM/SIGINT and restarts them one at a time on SIGHUP.
 * The primary itself serves no requests and holds no database connection while it runs.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config.js';
import { openContext } from '../bootstrap.js';
import { announceFirstStart, consoleUrlFor } from '../http/server-runner.js';
import { seedIfEmpty } from '../bootstrap.js';
import { STABLE_AFTER_MS, restartDelay } from './restart-backoff.js';
import { DRAIN_MESSAGE } from './worker-drain.js';

export interface ClusterOptions {
  workers: number;
  /** how long workers may take to drain before they are killed (ms) */
  graceMs?: number;
  out(text: string): void;
  log(text: string): void;
}

/**
 * Makes the workers accept connections themselves from the shared listening socket
 * (`SCHED_NONE`) unless the operator chose a policy with NODE_CLUSTER_SCHED_POLICY.
 *
 * Why: under Node's default round-robin on Linux the primary accepts every connection and passes
 * it to a worker over IPC. A connection passed to a worker that exits before reading it is never
 * given back: the primary keeps the socket and the client waits forever (seen on Node 24 in the
 * SIGHUP test, CLOSE-WAIT on the primary). With shared accept a draining worker just closes its
 * copy of the socket and the connections queued in the kernel go to the workers still listening;
 * the primary holds none. The cost: the kernel spreads connections less evenly (docs/deployment.md).
 */
function useSharedAcceptUnlessSet(): void {
  if (!process.env.NODE_CLUSTER_SCHED_POLICY) cluster.schedulingPolicy = cluster.SCHED_NONE;
}

/**
 * The workers' Node flags: the primary's own, and `--single-threaded-gc` unless the primary was
 * started with a choice about it (`--no-single-threaded-gc`, `--single-threaded`). V8's parallel
 * and concurrent collector threads cost a worker more CPU than they save when its cores are busy
 * serving, as they are with a worker per core: up to 3 µs per request (docs/benchmarks.md, tenth
 * round). `npm start` passes the same flag; Node does not take it from NODE_OPTIONS, so it is set here.
 */
export function workerExecArgv(primary: readonly string[]): string[] {
  const chosen = primary.some((a) => /^--(no-)?single[-_]threaded([-_]gc)?$/.test(a));
  return chosen ? [...primary] : [...primary, '--single-threaded-gc'];
}

/** Runs the primary until a stop signal has drained every worker; resolves with the exit code. */
export async function runClusterPrimary(config: Config, options: ClusterOptions): Promise<number> {
  const log = (m: string) => options.log(`canvas-kaltura primary ${process.pid}: ${m}\n`);
  // Migrate and seed once, here, before any worker opens the database.
  const ctx = await openContext({ ...config, redisUrl: undefined }, (m) => options.log(`warning: ${m}\n`));
  try {
    const first = await seedIfEmpty(ctx);
    if (first) announceFirstStart(first, options.out, config.port === 0 ? null : consoleUrlFor(config.host, config.port));
  } finally {
    await ctx.close();
  }

  useSharedAcceptUnlessSet();
  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv) });
  const graceMs = options.graceMs ?? 15_000;
  const env = { PORT: String(config.port), HOST: config.host, CANVAS_KALTURA_WORKER: '1' };
  const startedAt = new Map<Worker, number>();
  const retiring = new Set<Worker>();
  let crashes = 0;
  let stopping = false;
  let rolling = false;

  const fork = (): Worker => {
    const worker = cluster.fork(env);
    startedAt.set(worker, Date.now());
    worker.once('listening', (address) => log(`worker ${worker.process.pid} listening on port ${address.port}`));
    worker.once('exit', (code, signal) => {
      const lived = Date.now() - (startedAt.get(worker) ?? Date.now());
      startedAt.delete(worker);
      if (retiring.delete(worker) || stopping) return;
      crashes = lived >= STABLE_AFTER_MS ? 1 : crashes + 1;
      const delay = restartDelay(crashes);
      log(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); replacing it in ${delay} ms`);
      setTimeout(() => {
        if (!stopping) fork();
      }, delay);
    });
    return worker;
  };

  const retire = (worker: Worker): Promise<void> =>
    new Promise((resolve) => {
      if (worker.isDead()) return resolve();
      retiring.add(worker);
      const timer = setTimeout(() => worker.process.kill('SIGKILL'), graceMs);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      // drain first (Connection: close), then the worker stops itself as on SIGTERM
      if (worker.isConnected()) worker.send(DRAIN_MESSAGE);
      else worker.process.kill('SIGTERM');
    });

  const rollingRestart = async () => {
    if (rolling || stopping) return;
    rolling = true;
    log('SIGHUP: restarting workers one at a time');
    try {
      for (const old of [...startedAt.keys()]) {
        if (stopping) break;
        const replacement = fork();
        const up = await new Promise<boolean>((resolve) => {
          replacement.once('listening', () => resolve(true));
          replacement.once('exit', () => resolve(false));
        });
        if (!up) {
          log('a replacement worker failed to start; keeping the remaining old workers');
          break;
        }
        await retire(old);
      }
    } finally {
      rolling = false;
    }
    log('rolling restart finished');
  };

  return new Promise<number>((resolve) => {
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: draining ${startedAt.size} worker(s)`);
      await Promise.all([...startedAt.keys()].map(retire));
      log('all workers stopped');
      resolve(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGHUP', () => void rollingRestart());
    for (let i = 0; i < options.workers; i++) fork();
    log(`started ${options.workers} worker(s)`);
  });
}
