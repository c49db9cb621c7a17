/**
 * Calls one api_v3 action: POST `<protocol>://<domain><endpoint>/service/<s>/action/<a>` with every
 * parameter in the form body, retrying connection errors and 5xx (at most twice, jittered backoff,
 * within the caller's deadline), through the endpoint's circuit breaker, and maps every way it
 * can fail to the contract's errors (502 kaltura_session_failed, 504 kaltura_timeout,
 * 503 kaltura_unavailable).
 */
import type { SessionPolicy, PlainSettings } from '../settings/kaltura-settings.js';
import type { CircuitBreakerRegistry, CircuitPermit, CircuitBreaker } from './circuit-breaker.js';
import { Deadline, sleep } from './deadline.js';
import {
  KalturaError,
  kalturaNotConfigured,
  kalturaSessionFailed,
  kalturaTimeout,
  sanitizeKalturaText,
} from './kaltura-errors.js';
import { MAX_ANSWER_BYTES, TransportError, postForm } from './kaltura-http.js';
import { BadAnswer, parseApiAnswer, type ApiAnswer, type KalturaValue } from './kaltura-response.js';

/** Where a partner's Kaltura API lives. */
export interface KalturaEndpoint {
  /** `<protocol>://<domain><endpoint>` without a trailing slash; also the breaker key */
  baseUrl: string;
  /** the host (and port) only, for messages */
  host: string;
}

/** The endpoint the settings point at; 503 kaltura_not_configured without a domain. */
export function endpointOf(plain: PlainSettings, policy: Pick<SessionPolicy, 'protocol' | 'endpoint'>): KalturaEndpoint {
  const domain = typeof plain.domain === 'string' ? plain.domain.trim() : '';
  if (domain === '') throw kalturaNotConfigured('Kaltura\'s "domain" is not set for this account.');
  const path = policy.endpoint.replace(/\/+$/, '');
  return { baseUrl: `${policy.protocol}://${domain.toLowerCase()}${path}`, host: domain };
}

export interface KalturaApiClientOptions {
  /** breakers per endpoint; null: no breaker (the settings check) */
  breakers?: CircuitBreakerRegistry | null;
  /** retries after the first attempt, only for connection errors and 5xx (default 2) */
  maxRetries?: number;
  /** first backoff in ms, doubled each retry, with full jitter between half and all of it (default 100) */
  backoffMs?: number;
  /** cap on answers read (default 1 MiB) */
  maxAnswerBytes?: number;
  /** answer format asked for: 1 JSON (default) or 2 XML */
  format?: 1 | 2;
  /** random in [0, 1) for the jitter (default Math.random) */
  random?: () => number;
}

/** One api_v3 call. */
export interface ApiCall {
  endpoint: KalturaEndpoint;
  service: string;
  action: string;
  params: Record<string, string>;
  deadline: Deadline;
  /** values to scrub from anything Kaltura says before it is passed on */
  sensitive: readonly string[];
}

/** An upstream failure before it becomes an ApiError. */
class Attempt extends Error {
  constructor(
    readonly error: KalturaError,
    readonly retryable: boolean,
  ) {
    super(error.message);
  }
}

/** Makes api_v3 calls with retries, a breaker, a byte cap and a deadline. */
export class KalturaApiClient {
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly maxAnswerBytes: number;
  private readonly random: () => number;
  readonly format: 1 | 2;

  constructor(private readonly options: KalturaApiClientOptions = {}) {
    this.maxRetries = Math.max(0, options.maxRetries ?? 2);
    this.backoffMs = Math.max(0, options.backoffMs ?? 100);
    this.maxAnswerBytes = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
    this.random = options.random ?? Math.random;
    this.format = options.format ?? 1;
  }

  /**
   * Calls the action and returns Kaltura's answer: a result, or a well-formed Kaltura API error
   * (which the caller maps). Throws a KalturaError for everything else.
   */
  async call(call: ApiCall): Promise<ApiAnswer> {
    const breaker: CircuitBreaker | null = this.options.breakers ? this.options.breakers.get(call.endpoint.baseUrl) : null;
    const permit: CircuitPermit | null = breaker ? breaker.acquire() : null;
    let settled = false;
    try {
      const answer = await this.withRetries(call);
      if (breaker && permit) breaker.succeeded(permit);
      settled = true;
      return answer;
    } catch (err) {
      if (breaker && permit && err instanceof KalturaError) {
        breaker.failed(permit);
        settled = true;
      }
      throw err;
    } finally {
      if (breaker && permit && !settled) breaker.released(permit);
    }
  }

  private async withRetries(call: ApiCall): Promise<ApiAnswer> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(call);
      } catch (err) {
        if (!(err instanceof Attempt)) throw err;
        if (!err.retryable || attempt >= this.maxRetries) throw err.error;
        const full = this.backoffMs * 2 ** attempt;
        const wait = full / 2 + this.random() * (full / 2);
        // a retry needs time for the wait and for an answer; otherwise report this failure now
        if (call.deadline.remainingMs() < wait + 20) throw err.error;
        await sleep(wait, call.deadline.signal);
        if (call.deadline.expired) throw kalturaTimeout(call.deadline.timeoutMs);
      }
    }
  }

  private async once(call: ApiCall): Promise<ApiAnswer> {
    const url = `${call.endpoint.baseUrl}/service/${call.service}/action/${call.action}`;
    const params = { ...call.params, format: String(this.format) };
    let status: number;
    let body: string;
    try {
      ({ status, body } = await postForm(url, params, { signal: call.deadline.signal, maxBytes: this.maxAnswerBytes }));
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      if (err.kind === 'timeout') throw new Attempt(kalturaTimeout(call.deadline.timeoutMs), false);
      if (err.kind === 'too_large') {
        throw new Attempt(kalturaSessionFailed(`Kaltura's answer was larger than ${this.maxAnswerBytes} bytes.`, undefined, 'too_large'), false);
      }
      throw new Attempt(kalturaSessionFailed(`Could not connect to Kaltura at ${call.endpoint.host} (${err.detail}).`, undefined, 'connection'), true);
    }
    if (status !== 200) {
      const retryable = status >= 500 && status <= 599;
      throw new Attempt(kalturaSessionFailed(`Kaltura answered HTTP ${status}.`, undefined, 'http_status'), retryable);
    }
    try {
      return parseApiAnswer(body);
    } catch (err) {
      if (!(err instanceof BadAnswer)) throw err;
      throw new Attempt(kalturaSessionFailed(`Kaltura answered ${err.message}.`, undefined, 'bad_answer'), false);
    }
  }
}

/** The 502 for a Kaltura API error: its code, and its message with nothing sensitive in it. */
export function kalturaApiError(answer: { code: string; message: string }, sensitive: readonly string[]): KalturaError {
  const code = sanitizeKalturaText(answer.code, sensitive).slice(0, 100);
  const message = sanitizeKalturaText(answer.message, sensitive);
  return kalturaSessionFailed(`Kaltura answered ${code}${message ? `: ${message}` : ''}`, code, 'kaltura_error');
}

/** The 502 for a result of the wrong shape. */
export function unexpectedResult(what: string): KalturaError {
  return kalturaSessionFailed(`Kaltura answered ${what}.`, undefined, 'bad_answer');
}

export type { ApiAnswer, KalturaValue };
