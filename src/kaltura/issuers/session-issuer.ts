/** The one interface every way of getting a Kaltura session implements. */
import type { EffectiveSettings, SessionMode, SessionPolicy } from '../../settings/kaltura-settings.js';
import type { LineLogger } from '../../logging/line-logger.js';

/** What the service asks for: a USER (type 0) session for one uid. */
export interface SessionRequest {
  settings: EffectiveSettings;
  policy: SessionPolicy;
  partnerId: string;
  userId: string;
  expirySeconds: number;
  privileges: string;
  /** unix seconds */
  now: number;
  /** the root account the session is for (recorded with each Kaltura call; absent for checks) */
  accountId?: number;
  /** the request's logger (lines carry its reqId) */
  log?: LineLogger;
}

/** A session as handed out: the KS and what it allows. */
export interface IssuedSession {
  ks: string;
  /** absolute expiry, unix seconds */
  expiresAt: number;
  privileges: string;
}

/** Mints or obtains a KS. Throws an ApiError from kaltura-errors on failure. */
export interface SessionIssuer {
  readonly mode: SessionMode;
  issue(request: SessionRequest): Promise<IssuedSession>;
  /**
   * {@link issue} without a promise, for issuers that need no I/O (`local`): the same session,
   * or the same error thrown. Absent where a session needs a call to Kaltura.
   */
  issueNow?(request: SessionRequest): IssuedSession;
}
