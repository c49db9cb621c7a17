/**
 * A row per Kaltura call made to get a session (remote and app_token modes), for the admin
 * overview: account, mode, endpoint, outcome and latency. Rows are buffered and written in one
 * transaction per batch after the response is on its way, so recording never delays a session;
 * a failed write is reported, not thrown (the session was already handed out).
 */
import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** Outcomes of a Kaltura call, as the contract's error codes name the failures. */
export const KALTURA_CALL_OUTCOMES = ['success', 'kaltura_session_failed', 'kaltura_timeout', 'kaltura_unavailable'] as const;
export type KalturaCallOutcome = (typeof KALTURA_CALL_OUTCOMES)[number] | 'internal';

/** One call as recorded. */
export interface KalturaCall {
  createdAt: string;
  accountId: number;
  mode: string;
  endpoint: string;
  outcome: KalturaCallOutcome;
  latencyMs: number;
}

/** Where calls are reported (the instrumented issuers write here). */
export interface KalturaCallRecorder {
  record(call: KalturaCall): void;
}

const BATCH = 500;

/** Buffers calls and writes them in batches to kaltura_calls. */
export class KalturaCallLog implements KalturaCallRecorder {
  private queue: KalturaCall[] = [];
  private flushing: Promise<void> | null = null;
  private insert: CompiledQuery | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Queues one call; it is written on the next turn of the event loop. */
  record(call: KalturaCall): void {
    this.queue.push(call);
    if (!this.flushing) this.flushing = new Promise((resolve) => setImmediate(() => void this.flush().then(resolve)));
  }

  /** Resolves once every call recorded so far is written (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, BATCH);
      try {
        this.insert ??= this.db
          .insertInto('kaltura_calls')
          .values({ created_at: '', account_id: 0, mode: '', endpoint: '', outcome: '', latency_ms: 0 })
          .compile();
        const query = this.insert;
        const params = (c: KalturaCall) => [c.createdAt, c.accountId, c.mode, c.endpoint, c.outcome, c.latencyMs];
        if (batch.length === 1) await this.db.executeQuery({ ...query, parameters: params(batch[0]!) });
        else
          await this.db.transaction().execute(async (trx) => {
            for (const call of batch) await trx.executeQuery({ ...query, parameters: params(call) });
          });
      } catch (err) {
        this.onError(err);
      }
    }
    this.flushing = null;
  }
}
