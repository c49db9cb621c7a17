/** One time budget for everything a session request does against Kaltura (retries included). */

/** A point in time after which a Kaltura call is abandoned, with the signal that aborts it. */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly endsAt: number;

  constructor(
    readonly timeoutMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.endsAt = clock() + timeoutMs;
    this.signal = AbortSignal.timeout(Math.max(1, timeoutMs));
  }

  /** Milliseconds left (0 once expired). */
  remainingMs(): number {
    return this.signal.aborted ? 0 : Math.max(0, this.endsAt - this.clock());
  }

  get expired(): boolean {
    return this.remainingMs() <= 0;
  }
}

/** Thrown when a deadline passes while waiting. */
export class DeadlineExceeded extends Error {
  constructor() {
    super('deadline exceeded');
    this.name = 'DeadlineExceeded';
  }
}

/** Waits for `promise`, or rejects with DeadlineExceeded when `signal` aborts first. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(new DeadlineExceeded());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new DeadlineExceeded());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Sleeps `ms`, ending early (resolving) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
