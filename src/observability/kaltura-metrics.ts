/**
 * The narrow interface through which Kaltura connectivity code reports what Prometheus should
 * see: each upstream exchange (time and outcome) and each circuit breaker state change.
 */
import type { CircuitState } from '../kaltura/circuit-breaker.js';

/** Outcome of an upstream exchange: `ok`, or the failure reason (KalturaFailureReason). */
export type UpstreamOutcome = 'ok' | string;

/** What Kaltura code may report; every method is cheap and never throws. */
export interface KalturaMetrics {
  /** One attempt to obtain a session from Kaltura (retries included), in seconds. */
  observeUpstream(mode: string, seconds: number, outcome: UpstreamOutcome): void;
  /** A breaker changed state; `endpoint` is its key (`<protocol>://<domain><path>`). */
  breakerStateChanged(endpoint: string, state: CircuitState): void;
}

/** Gauge values of the breaker states. */
export const BREAKER_STATE_VALUE: Readonly<Record<CircuitState, number>> = { closed: 0, half_open: 1, open: 2 };
