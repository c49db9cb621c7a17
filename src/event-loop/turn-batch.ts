/**
 * Work deferred to the end of the event loop's turn and done there together: the jobs added
 * while the turn reads and parses its requests run one after another in the check phase
 * (`setImmediate`), once the turn's input is all in. Jobs added by that work, by a job or by the
 * promise callbacks it starts, run in the same check phase, once those callbacks have settled.
 *
 * Why: the fast lane (src/http/fast-lane.ts) used to answer each request inside the callback that
 * parsed it, so reading, parsing, authenticating and writing alternated request by request. Done
 * in two runs instead (every request of the turn parsed, then every answer written), each run
 * most likely keeps its own code and data hot in the CPU's caches (the system calls stayed the
 * same): on a host where the service's GET cost 50 µs of CPU, it cost 30 (docs/benchmarks.md,
 * nineteenth round). An answer waits at most for the rest of its turn's input to be parsed.
 *
 * And the work the turn's jobs start comes in the same turn: the session POSTs the lane starts
 * in one round queue their audit rows, and the group commit that writes them (src/db/group-commit.ts)
 * is the next round's job, so their answers go out before the event loop polls again rather than a
 * whole turn later (docs/benchmarks.md, twentieth round).
 */

/** Rounds one check phase runs at most; jobs added after the last wait for the next turn. */
const MAX_ROUNDS = 4;

export class TurnBatch {
  private jobs: (() => void)[] = [];
  /** a check phase will run the queued jobs, or is running them: jobs added now go with them */
  private pending = false;
  private rounds = 0;

  /** `failed` gets what a job throws (and must not throw itself); the other jobs still run. */
  constructor(private readonly failed: (err: unknown) => void) {}

  /** Runs `job` at the end of this turn, after the jobs added before it. */
  add(job: () => void): void {
    this.jobs.push(job);
    if (!this.pending) this.schedule();
  }

  private schedule(): void {
    this.pending = true;
    setImmediate(this.runTurn);
  }

  private readonly runTurn = (): void => {
    this.rounds = 0;
    this.runRound();
  };

  /** The jobs queued so far, in the order they came; then, once their promise callbacks have run, the next round. */
  private runRound(): void {
    this.rounds++;
    const jobs = this.jobs;
    this.jobs = [];
    for (const job of jobs) {
      try {
        job();
      } catch (err) {
        this.failed(err);
      }
    }
    // A microtask queued now runs after the callbacks the jobs have queued so far, and a tick it
    // queues runs once the microtask queue is empty: after every callback they led to.
    queueMicrotask(this.afterCallbacks);
  }

  private readonly afterCallbacks = (): void => process.nextTick(this.nextRound);

  private readonly nextRound = (): void => {
    if (this.jobs.length === 0) this.pending = false;
    else if (this.rounds >= MAX_ROUNDS) this.schedule(); // never keep the event loop from its I/O
    else this.runRound();
  };
}

/**
 * The thread's batch, shared by the fast lane and the audit's group commit so that the second
 * runs in the turn of the first. Its jobs answer for their own errors (the lane's answer, the
 * group commit's write); one that throws all the same is a bug, rethrown as an uncaught exception
 * (as it would be from `setImmediate`) once the other jobs of its round have run.
 */
export const turnEnd = new TurnBatch((err) =>
  process.nextTick(() => {
    throw err;
  }),
);
