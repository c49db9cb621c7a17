/**
 * The Prometheus metrics of one service instance, on a registry of its own (never prom-client's
 * global one, so several apps in one process do not clash): HTTP requests by route and status,
 * sessions minted per mode, Kaltura upstream latency and errors, breaker states, rate-limit
 * refusals, and the default process metrics.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CircuitState } from '../kaltura/circuit-breaker.js';
import { BREAKER_STATE_VALUE, type KalturaMetrics } from './kaltura-metrics.js';
import { HttpRequestStats } from './http-request-stats.js';

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const UPSTREAM_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

/** Every metric the service exports. */
export class ServiceMetrics implements KalturaMetrics {
  readonly registry = new Registry();
  /** HTTP answers by route, method and status: counts and durations (http_requests_total, http_request_duration_seconds) */
  readonly http = new HttpRequestStats(HTTP_BUCKETS);
  readonly sessionsMinted: Counter<'mode'>;
  readonly upstreamDuration: Histogram<'mode' | 'outcome'>;
  readonly upstreamErrors: Counter<'mode' | 'reason'>;
  readonly breakerState: Gauge<'endpoint'>;
  readonly rateLimited: Counter<'limit'>;
  readonly mediaKalturaFailures: Counter<'operation' | 'reason'>;
  private defaultsOn = false;

  constructor() {
    const registers = [this.registry];
    // plain counts per request, formatted only when scraped (see HttpRequestStats)
    this.registry.registerMetric(this.http.counter('http_requests_total', 'HTTP requests answered, by method, route pattern and status code') as never);
    this.registry.registerMetric(this.http.histogram('http_request_duration_seconds', 'Time from request to response, by method, route pattern and status code') as never);
    this.sessionsMinted = new Counter({
      name: 'kaltura_sessions_minted_total',
      help: 'Kaltura sessions (KS) handed out, by session mode',
      labelNames: ['mode'],
      registers,
    });
    this.upstreamDuration = new Histogram({
      name: 'kaltura_upstream_duration_seconds',
      help: 'Time to obtain a session from Kaltura (remote and app_token modes, retries included), by outcome',
      labelNames: ['mode', 'outcome'],
      buckets: UPSTREAM_BUCKETS,
      registers,
    });
    this.upstreamErrors = new Counter({
      name: 'kaltura_upstream_errors_total',
      help: 'Failed attempts to obtain a session from Kaltura, by mode and reason',
      labelNames: ['mode', 'reason'],
      registers,
    });
    this.breakerState = new Gauge({
      name: 'kaltura_circuit_breaker_state',
      help: 'Circuit breaker state per Kaltura endpoint: 0 closed, 1 half-open, 2 open',
      labelNames: ['endpoint'],
      registers,
    });
    this.mediaKalturaFailures = new Counter({
      name: 'media_kaltura_failures_total',
      help: 'Kaltura calls of the media layer that failed (media.get, flavorAsset.list, download sessions), by operation and reason',
      labelNames: ['operation', 'reason'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'rate_limit_refusals_total',
      help: 'Requests refused with 429, by limit',
      labelNames: ['limit'],
      registers,
    });
  }

  /** Adds the default process metrics (CPU, memory, event loop, GC) once; only a serving app needs them. */
  enableDefaultMetrics(): void {
    if (this.defaultsOn) return;
    this.defaultsOn = true;
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts one response. */
  observeHttp(method: string, route: string, statusCode: number, seconds: number): void {
    this.http.observe(route, method, statusCode, seconds);
  }

  /** Counts a failed Kaltura call of the media layer (`operation`: media_get, flavors, download_ks). */
  mediaKalturaFailed(operation: string, reason: string): void {
    this.mediaKalturaFailures.inc({ operation, reason });
  }

  /** Counts a session handed out in `mode`. */
  sessionMinted(mode: string): void {
    this.sessionsMinted.inc({ mode });
  }

  /** {@inheritDoc KalturaMetrics.observeUpstream} */
  observeUpstream(mode: string, seconds: number, outcome: string): void {
    this.upstreamDuration.observe({ mode, outcome: outcome === 'ok' ? 'ok' : 'error' }, seconds);
    if (outcome !== 'ok') this.upstreamErrors.inc({ mode, reason: outcome });
  }

  /** {@inheritDoc KalturaMetrics.breakerStateChanged} */
  breakerStateChanged = (endpoint: string, state: CircuitState): void => {
    this.breakerState.set({ endpoint }, BREAKER_STATE_VALUE[state]);
  };

  /** The exposition text and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
