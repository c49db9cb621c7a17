/** Kaltura's names and numeric codes for why a KS is not valid (`kSessionBase` constants). */

/** Why a KS is not valid, with Kaltura's names. */
export type KsError = 'INVALID_STR' | 'EXPIRED' | 'EXCEEDED_RESTRICTED_IP' | 'EXCEEDED_RESTRICTED_URI';

/**
 * Kaltura's numeric code of each {@link KsError} (as in `Error "-1,INVALID_STR"`).
 * @example `${KS_ERROR_CODES.EXPIRED},EXPIRED` // '-5,EXPIRED'
 */
export const KS_ERROR_CODES: Readonly<Record<KsError, number>> = Object.freeze({
  INVALID_STR: -1,
  EXPIRED: -5,
  EXCEEDED_RESTRICTED_IP: -9,
  EXCEEDED_RESTRICTED_URI: -11,
});
