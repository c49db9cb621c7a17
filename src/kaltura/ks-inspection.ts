/**
 * What the console's KS inspector shows about a pasted KS: its fields, how long it has left, and
 * whether it verifies against the account's administrator secret (all of a v1 KS is readable
 * without a secret; a v2 KS is encrypted, so without the right secret only its version and
 * partner can be read). The KS itself is never part of the answer, only its last characters. Pure.
 */
import { decodeKsUnverified, ksTail, parseKs, type KsError } from '../ks/index.js';

/** How the signature check went. */
export type KsSignature =
  | 'verified' // signed (v1) or encrypted (v2) with the account's administrator secret
  | 'mismatch' // the account's partner, but not its secret
  | 'other_partner' // the KS names another partner than the account's
  | 'no_secret' // the account has no administrator secret to check with
  | 'not_a_ks'; // not a KS at all

/** The inspector's answer. */
export interface KsInspection {
  ks_tail: string;
  version: 1 | 2 | null;
  partner_id: string | null;
  /** the account's partner id, to compare with */
  account_partner_id: string | null;
  user_id: string | null;
  type: number | null;
  type_name: string | null;
  /** unix seconds */
  valid_until: number | null;
  expires_at: string | null;
  /** seconds until expiry (negative: expired that long ago) */
  seconds_left: number | null;
  expired: boolean | null;
  privileges: string | null;
  /** privileges as Kaltura's server parses them: name and values */
  privilege_list: { name: string; values: string[] }[] | null;
  signature: KsSignature;
  /** true only when the signature verified and Kaltura would accept it now */
  valid: boolean;
  /** Kaltura's name of why it would be refused (INVALID_STR, EXPIRED, …), null when valid */
  error: KsError | null;
  /** one sentence for people */
  message: string;
}

const TYPE_NAMES: Readonly<Record<number, string>> = { 0: 'USER', 2: 'ADMIN' };

/** Inspects `ks` for an account whose partner is `partnerId` and administrator secret `adminSecret`. */
export function inspectKs(ks: string, account: { partnerId: string | null; adminSecret: string | null }, now: number): KsInspection {
  const tail = ksTail(ks);
  const readable = decodeKsUnverified(ks);
  const base = {
    ks_tail: tail,
    account_partner_id: account.partnerId,
  };
  if (readable.version === null) {
    return {
      ...base,
      ...empty(),
      signature: 'not_a_ks',
      valid: false,
      error: 'INVALID_STR',
      message: 'This is not a Kaltura session: it cannot be decoded.',
    };
  }
  let signature: KsSignature;
  if (account.partnerId === null || readable.partnerId !== account.partnerId) signature = 'other_partner';
  else if (!account.adminSecret) signature = 'no_secret';
  else signature = 'mismatch';

  const parsed =
    signature === 'mismatch'
      ? parseKs(ks, { adminSecretsFor: (p) => (p === account.partnerId ? [account.adminSecret!] : null), now })
      : null;
  const verified = parsed !== null && parsed.version !== null;
  if (verified) signature = 'verified';
  const fields = verified
    ? { validUntil: parsed.validUntil, type: parsed.type, userId: parsed.userId, privileges: parsed.privileges }
    : { validUntil: readable.validUntil, type: readable.type, userId: readable.userId, privileges: readable.privileges };
  const secondsLeft = fields.validUntil === null ? null : fields.validUntil - now;
  const list = verified
    ? [...(parsed.parsedPrivileges ?? new Map<string, string[]>())].map(([name, values]) => ({ name, values }))
    : fields.privileges === null
      ? null
      : fields.privileges
          .split(',')
          .filter((p) => p !== '')
          .map((p) => {
            const i = p.indexOf(':');
            return i < 0 ? { name: p, values: [] } : { name: p.slice(0, i), values: p.slice(i + 1).split('/') };
          });
  const error: KsError | null = verified ? parsed.error : secondsLeft !== null && secondsLeft <= 0 ? 'EXPIRED' : 'INVALID_STR';
  return {
    ...base,
    version: readable.version,
    partner_id: readable.partnerId,
    user_id: fields.userId,
    type: fields.type,
    type_name: fields.type === null ? null : (TYPE_NAMES[fields.type] ?? `type ${fields.type}`),
    valid_until: fields.validUntil,
    expires_at: fields.validUntil === null ? null : new Date(fields.validUntil * 1000).toISOString(),
    seconds_left: secondsLeft,
    expired: secondsLeft === null ? null : secondsLeft <= 0,
    privileges: fields.privileges,
    privilege_list: list,
    signature,
    valid: verified && parsed.valid,
    error: verified && parsed.valid ? null : error,
    message: messageFor(signature, readable.version, verified && parsed.valid, verified ? parsed.error : null, readable.partnerId, account.partnerId),
  };
}

function empty() {
  return {
    version: null,
    partner_id: null,
    user_id: null,
    type: null,
    type_name: null,
    valid_until: null,
    expires_at: null,
    seconds_left: null,
    expired: null,
    privileges: null,
    privilege_list: null,
  };
}

function messageFor(signature: KsSignature, version: 1 | 2, valid: boolean, error: KsError | null, partner: string | null, accountPartner: string | null): string {
  const v2Hidden = version === 2 ? ' A v2 KS is encrypted: only its version and partner can be read without the secret.' : '';
  switch (signature) {
    case 'verified':
      return valid
        ? "Verified with the account's administrator secret; Kaltura would accept it now."
        : `Verified with the account's administrator secret, but Kaltura would refuse it now (${error}).`;
    case 'mismatch':
      return `Partner ${partner} is the account's, but the KS does not verify with the account's administrator secret.${v2Hidden}`;
    case 'no_secret':
      return `The account has no administrator secret (secret_key) to verify with.${v2Hidden}`;
    default:
      return `The KS is for partner ${partner}, not the account's partner ${accountPartner ?? '(none set)'}: it cannot be verified here.${v2Hidden}`;
  }
}
