/**
 * A SessionIssuer wrapper that counts sessions minted per mode and, for the modes that call
 * Kaltura, times each call and counts its failures by reason, logging a failure on the
 * request's log line (with its reqId, without any secret or KS).
 */
import type { IssuedSession, SessionIssuer, SessionRequest } from '../kaltura/issuers/session-issuer.js';
import { KalturaError } from '../kaltura/kaltura-errors.js';
import type { SessionMode } from '../settings/kaltura-settings.js';
import type { ServiceMetrics } from './service-metrics.js';

/** Modes that mint locally, without an upstream call. */
const LOCAL_MODES: ReadonlySet<string> = new Set(['local']);

/** Reports what `inner` does to `metrics`; behaves exactly like `inner`. */
export class InstrumentedSessionIssuer implements SessionIssuer {
  readonly mode: SessionMode;

  constructor(
    private readonly inner: SessionIssuer,
    private readonly metrics: ServiceMetrics,
  ) {
    this.mode = inner.mode;
  }

  /** Issues through the wrapped issuer, recording the outcome. */
  async issue(request: SessionRequest): Promise<IssuedSession> {
    const upstream = !LOCAL_MODES.has(this.mode);
    const started = process.hrtime.bigint();
    try {
      const session = await this.inner.issue(request);
      if (upstream) this.metrics.observeUpstream(this.mode, elapsedSeconds(started), 'ok');
      this.metrics.sessionMinted(this.mode);
      return session;
    } catch (err) {
      if (upstream) {
        const reason = err instanceof KalturaError ? err.reason : 'internal';
        this.metrics.observeUpstream(this.mode, elapsedSeconds(started), reason);
        request.log?.warn(
          { kaltura: { mode: this.mode, reason, kalturaCode: err instanceof KalturaError ? err.kalturaCode : null, status: (err as { statusCode?: number }).statusCode } },
          'kaltura session failed',
        );
      }
      throw err;
    }
  }
}

function elapsedSeconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
