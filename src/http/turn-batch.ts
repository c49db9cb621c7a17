/**
 * Work deferred to the end of the event loop's turn and done there together: the jobs added
 * while the turn reads and parses its requests run one after another in the check phase
 * (`setImmediate`), once the turn's input is all in.
 *
 * Why: the fast lane (src/http/fast-lane.ts) used to answer each request inside the callback that
 * parsed it, so reading, parsing, authenticating and writing alternated request by request. Done
 * in two runs instead (every request of the turn parsed, then every answer written), each run
 * most likely keeps its own code and data hot in the CPU's caches (the system calls stayed the
 * same): on a host where the service's GET cost 50 µs of CPU, it cost 30 (docs/benchmarks.md,
 * nineteenth round). An answer waits at most for the rest of its turn's input to be parsed.
 */
export class TurnBatch {
  private jobs: (() => void)[] = [];

  /** `failed` gets what a job throws (and must not throw itself); the other jobs still run. */
  constructor(private readonly failed: (err: unknown) => void) {}

  /** Runs `job` at the end of this turn, after the jobs added before it. */
  add(job: () => void): void {
    if (this.jobs.push(job) === 1) setImmediate(this.runAll);
  }

  /** The turn's jobs, in the order they came; jobs they add go to the next turn's batch. */
  private readonly runAll = (): void => {
    const jobs = this.jobs;
    this.jobs = [];
    for (const job of jobs) {
      try {
        job();
      } catch (err) {
        this.failed(err);
      }
    }
  };
}
