/**
 * A circuit breaker per Kaltura endpoint: after `failureThreshold` consecutive upstream failures
 * calls fail fast (503 kaltura_unavailable + Retry-After) for `cooldownMs`; then one trial call
 * is let through and its outcome closes the circuit or opens it for another cool-down.
 *
 * Only real upstream failures count (timeouts, connection errors, 5xx, unparseable or oversized
 * answers). A well-formed Kaltura API error (START_SESSION_ERROR, APP_TOKEN_…) proves Kaltura is
 * up and answering, so it counts as a success: it means bad settings, not an outage.
 */
import { kalturaUnavailable } from './kaltura-errors.js';

export interface CircuitBreakerOptions {
  /** consecutive failures that open the circuit (default 5) */
  failureThreshold?: number;
  /** how long the circuit stays open before a trial call (default 30 000 ms) */
  cooldownMs?: number;
  /** clock in ms (default Date.now) */
  now?: () => number;
  /** told about every state change (for logs and metrics) */
  onStateChange?: (key: string, state: CircuitState) => void;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

/** Permission to make one call; hand it back with the outcome. */
export interface CircuitPermit {
  readonly trial: boolean;
}

/** The breaker of one endpoint. */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private current: CircuitState = 'closed';
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;

  constructor(
    readonly key: string,
    private readonly options: CircuitBreakerOptions = {},
  ) {
    this.threshold = Math.max(1, options.failureThreshold ?? 5);
    this.cooldownMs = Math.max(0, options.cooldownMs ?? 30_000);
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    return this.current;
  }

  /** A permit for one call, or throws 503 kaltura_unavailable while the circuit is open. */
  acquire(): CircuitPermit {
    if (this.current === 'closed') return { trial: false };
    const waited = this.now() - this.openedAt;
    if (this.current === 'open' && waited >= this.cooldownMs) {
      this.transition('half_open');
      return { trial: true };
    }
    // open and cooling down, or half-open with the trial call in flight
    const left = this.current === 'open' ? (this.cooldownMs - waited) / 1000 : 1;
    throw kalturaUnavailable(left);
  }

  /** Kaltura answered (a result or a well-formed API error). */
  succeeded(_permit: CircuitPermit): void {
    this.failures = 0;
    if (this.current !== 'closed') this.transition('closed');
  }

  /** A real upstream failure. */
  failed(permit: CircuitPermit): void {
    if (permit.trial || this.current === 'half_open') {
      this.open();
      return;
    }
    this.failures++;
    if (this.current === 'closed' && this.failures >= this.threshold) this.open();
  }

  /** The call ended without telling anything about Kaltura (e.g. our own bug): free the trial slot. */
  released(permit: CircuitPermit): void {
    if (permit.trial && this.current === 'half_open') {
      this.current = 'open';
      this.openedAt = this.now() - this.cooldownMs; // the next call may try again at once
    }
  }

  private open(): void {
    this.openedAt = this.now();
    this.failures = 0;
    this.transition('open');
  }

  private transition(state: CircuitState): void {
    this.current = state;
    this.options.onStateChange?.(this.key, state);
  }
}

/** Breakers by endpoint key (`<protocol>://<domain><endpoint>`), created on first use. */
export class CircuitBreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(private readonly options: CircuitBreakerOptions = {}) {}

  get(key: string): CircuitBreaker {
    let b = this.breakers.get(key);
    if (!b) {
      b = new CircuitBreaker(key, this.options);
      this.breakers.set(key, b);
    }
    return b;
  }

  /** The state of every breaker that exists (for diagnostics). */
  states(): Record<string, CircuitState> {
    return Object.fromEntries([...this.breakers].map(([k, b]) => [k, b.state]));
  }
}
