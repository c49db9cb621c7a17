/**
 * A SessionIssuer wrapper that counts sessions minted per mode and, for the modes that call
 * Kaltura, times each call and counts its failures by reason, logging a failure on the
 * request's log line (with its reqId, without any secret or KS). Each Kaltura call is also
 * handed to a recorder (the admin overview's kaltura_calls), which writes it after the response.
 */
import type { IssuedSession, SessionIssuer, SessionRequest } from '../kaltura/issuers/session-issuer.js';
import { KalturaError } from '../kaltura/kaltura-errors.js';
import type { SessionMode } from '../settings/kaltura-settings.js';
import type { ServiceMetrics } from './service-metrics.js';
import type { KalturaCallOutcome, KalturaCallRecorder } from '../overview/kaltura-call-log.js';
import { endpointOf } from '../kaltura/kaltura-api-client.js';
import { nowIso } from '../db/time.js';

/** Modes that mint locally, without an upstream call. */
const LOCAL_MODES: ReadonlySet<string> = new Set(['local']);

/** Reports what `inner` does to `metrics`; behaves exactly like `inner`. */
export class InstrumentedSessionIssuer implements SessionIssuer {
  readonly mode: SessionMode;
  /** {@link SessionIssuer.issueNow}: where the wrapped issuer has it (it calls no Kaltura, so there is no call to time) */
  readonly issueNow?: (request: SessionRequest) => IssuedSession;
  /** whether a session takes a call to Kaltura */
  private readonly upstream: boolean;

  constructor(
    private readonly inner: SessionIssuer,
    private readonly metrics: ServiceMetrics,
    private readonly calls: KalturaCallRecorder | null = null,
  ) {
    this.mode = inner.mode;
    this.upstream = !LOCAL_MODES.has(this.mode);
    if (!this.upstream && inner.issueNow) {
      const issueNow = inner.issueNow.bind(inner);
      this.issueNow = (request) => {
        const session = issueNow(request);
        this.metrics.sessionMinted(this.mode);
        return session;
      };
    }
  }

  /** Issues through the wrapped issuer, recording the outcome. */
  async issue(request: SessionRequest): Promise<IssuedSession> {
    const upstream = this.upstream;
    const started = upstream ? process.hrtime.bigint() : 0n;
    try {
      const session = await this.inner.issue(request);
      if (upstream) {
        const seconds = elapsedSeconds(started);
        this.metrics.observeUpstream(this.mode, seconds, 'ok');
        this.recordCall(request, 'success', seconds);
      }
      this.metrics.sessionMinted(this.mode);
      return session;
    } catch (err) {
      if (upstream) {
        const reason = err instanceof KalturaError ? err.reason : 'internal';
        const seconds = elapsedSeconds(started);
        this.metrics.observeUpstream(this.mode, seconds, reason);
        // not_configured: no call was made
        if (reason !== 'not_configured') this.recordCall(request, outcomeOf(err), seconds);
        request.log?.warn(
          { kaltura: { mode: this.mode, reason, kalturaCode: err instanceof KalturaError ? err.kalturaCode : null, status: (err as { statusCode?: number }).statusCode } },
          'kaltura session failed',
        );
      }
      throw err;
    }
  }

  /** Hands one call of an account's session request to the recorder. */
  private recordCall(request: SessionRequest, outcome: KalturaCallOutcome, seconds: number): void {
    if (!this.calls || request.accountId === undefined) return;
    let endpoint: string;
    try {
      endpoint = endpointOf(request.settings.plain, request.policy).baseUrl;
    } catch {
      endpoint = '(not configured)';
    }
    this.calls.record({ createdAt: nowIso(), accountId: request.accountId, mode: this.mode, endpoint, outcome, latencyMs: Math.round(seconds * 1e6) / 1e3 });
  }
}

/** The contract's error code of a failed call, or `internal` for anything else (a bug). */
function outcomeOf(err: unknown): KalturaCallOutcome {
  if (!(err instanceof KalturaError)) return 'internal';
  const first = (err.body.errors as { error_code?: unknown }[] | undefined)?.[0];
  const code = first?.error_code;
  return code === 'kaltura_session_failed' || code === 'kaltura_timeout' || code === 'kaltura_unavailable' ? code : 'internal';
}

function elapsedSeconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
