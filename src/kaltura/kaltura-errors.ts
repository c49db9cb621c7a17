/**
 * The failures of getting a Kaltura session, as the contract's failure table answers them
 * (Canvas answers 500 for all of these). Messages never carry a secret or a whole KS.
 */
import { ApiError } from '../canvas/api-error.js';

/**
 * Why a Kaltura call failed, for the settings check and the circuit breaker (never shown as is):
 * - `not_configured`: the settings lack what the mode needs (no network call was made)
 * - `kaltura_error`: Kaltura answered a well-formed API error (its code is in `kalturaCode`)
 * - `bad_answer`: an answer that is not a Kaltura API response (HTML, truncated, not a KS…)
 * - `too_large`: an answer over the read cap (1 MiB)
 * - `http_status`: an HTTP status other than 200 (5xx after retries, 3xx, 4xx)
 * - `connection`: no connection, or it broke (after retries)
 * - `timeout`: no complete answer within the timeout
 * - `unavailable`: the circuit breaker is open
 */
export type KalturaFailureReason =
  | 'not_configured'
  | 'kaltura_error'
  | 'bad_answer'
  | 'too_large'
  | 'http_status'
  | 'connection'
  | 'timeout'
  | 'unavailable';

/** An ApiError that also says why Kaltura failed (see {@link KalturaFailureReason}). */
export class KalturaError extends ApiError {
  constructor(
    base: ApiError,
    readonly reason: KalturaFailureReason,
    readonly kalturaCode: string | null = null,
  ) {
    super(base.statusCode, base.body, base.headers);
    this.name = 'KalturaError';
  }
}

/** 503: Kaltura is absent, disabled or incomplete for this account. */
export function kalturaNotConfigured(message = 'Kaltura is not configured for this account.'): KalturaError {
  return new KalturaError(ApiError.of(503, message, 'kaltura_not_configured'), 'not_configured');
}

/** 502: Kaltura answered with an error (its code and message are passed on) or with garbage. */
export function kalturaSessionFailed(message: string, kalturaCode?: string, reason?: KalturaFailureReason): KalturaError {
  return new KalturaError(
    ApiError.of(502, message, 'kaltura_session_failed', kalturaCode ? { kaltura_code: kalturaCode } : {}),
    reason ?? (kalturaCode ? 'kaltura_error' : 'bad_answer'),
    kalturaCode ?? null,
  );
}

/** 504: Kaltura did not answer in time. */
export function kalturaTimeout(timeoutMs: number): KalturaError {
  return new KalturaError(ApiError.of(504, `Kaltura did not answer within ${timeoutMs} ms.`, 'kaltura_timeout'), 'timeout');
}

/** 503 + Retry-After: Kaltura is marked unavailable after repeated failures. */
export function kalturaUnavailable(retryAfterSeconds: number): KalturaError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new KalturaError(
    ApiError.of(
      503,
      `Kaltura is unavailable after repeated failures; try again in ${seconds} seconds.`,
      'kaltura_unavailable',
      {},
      { 'retry-after': String(seconds) },
    ),
    'unavailable',
  );
}

const KS_LIKE = /[A-Za-z0-9+/_-]{40,}={0,2}/g;
const MAX_MESSAGE = 500;

/**
 * Makes text from Kaltura safe to pass on: every `sensitive` value (secrets, tokens, token
 * hashes, KSs we sent) becomes `[redacted]`, anything shaped like a KS is cut to its last 6
 * characters, control
 * characters are dropped and the length is capped.
 */
export function sanitizeKalturaText(text: string, sensitive: readonly string[] = []): string {
  let out = String(text);
  for (const value of sensitive) {
    if (value) out = out.split(value).join('[redacted]');
  }
  out = out.replace(KS_LIKE, (m) => `…${m.slice(-6)}`);
  out = out.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE)}…` : out;
}
