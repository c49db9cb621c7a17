/**
 * The failures of getting a Kaltura session, as the contract's failure table answers them
 * (Canvas answers 500 for all of these). Messages never carry a secret or a whole KS.
 */
import { ApiError } from '../canvas/api-error.js';

/** 503: Kaltura is absent, disabled or incomplete for this account. */
export function kalturaNotConfigured(message = 'Kaltura is not configured for this account.'): ApiError {
  return ApiError.of(503, message, 'kaltura_not_configured');
}

/** 502: Kaltura answered with an error (its code and message are passed on) or with garbage. */
export function kalturaSessionFailed(message: string, kalturaCode?: string): ApiError {
  return ApiError.of(502, message, 'kaltura_session_failed', kalturaCode ? { kaltura_code: kalturaCode } : {});
}

/** 504: Kaltura did not answer in time. */
export function kalturaTimeout(timeoutMs: number): ApiError {
  return ApiError.of(504, `Kaltura did not answer within ${timeoutMs} ms.`, 'kaltura_timeout');
}

/** 503 + Retry-After: Kaltura is marked unavailable after repeated failures. */
export function kalturaUnavailable(retryAfterSeconds: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return ApiError.of(
    503,
    `Kaltura is unavailable after repeated failures; try again in ${seconds} seconds.`,
    'kaltura_unavailable',
    {},
    { 'retry-after': String(seconds) },
  );
}
