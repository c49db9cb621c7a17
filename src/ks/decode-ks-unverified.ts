/** What a KS reveals without any secret: all of a v1 (it is only signed), the prefix of a v2. */
import { decodeBase64Lenient } from './base64.js';
import { splitKsV1 } from './ks-v1.js';
import { splitKsV2 } from './ks-v2.js';
import { phpNumericValue } from './php-compare.js';

/** The readable part of a KS. Nothing in it is verified: never trust it for access decisions. */
export interface UnverifiedKs {
  /** 1 or 2, or null when the string is not a KS at all. */
  version: 1 | 2 | null;
  partnerId: string | null;
  /** The fields below are null for v2 (they are encrypted). */
  validUntil: number | null;
  type: number | null;
  userId: string | null;
  privileges: string | null;
  rand: string | null;
  /** v1: the signature as sent. */
  hash: string | null;
  partnerPattern: string | null;
  masterPartnerId: string | null;
  additionalData: string | null;
}

/**
 * Decodes what can be read without a secret; never throws, verifies nothing.
 * @example decodeKsUnverified('djJ8MTIzNHw…') // { version: 2, partnerId: '1234', validUntil: null, … }
 */
export function decodeKsUnverified(ks: string): UnverifiedKs {
  const out: UnverifiedKs = {
    version: null,
    partnerId: null,
    validUntil: null,
    type: null,
    userId: null,
    privileges: null,
    rand: null,
    hash: null,
    partnerPattern: null,
    masterPartnerId: null,
    additionalData: null,
  };
  if (typeof ks !== 'string') return out;
  const decoded = decodeBase64Lenient(ks);
  if (decoded === null || decoded.length === 0) return out;
  if (decoded.length >= 3 && decoded.toString('latin1', 0, 3) === 'v2|') {
    const parts = splitKsV2(decoded);
    if (parts === null) return out;
    out.version = 2;
    out.partnerId = parts.partnerId;
    return out;
  }
  const parts = splitKsV1(decoded);
  if (parts === null) return out;
  const f = parts.fields;
  out.version = 1;
  out.partnerId = f[0]!;
  out.partnerPattern = f[1]!;
  out.validUntil = phpNumericValue(f[2]!);
  out.type = phpNumericValue(f[3] ?? null);
  out.rand = f[4] ?? null;
  out.userId = f[5] ?? null;
  out.privileges = f[6] ?? null;
  out.masterPartnerId = f[7] ?? null;
  out.additionalData = f[8] ?? null;
  out.hash = parts.signature.toString('utf8');
  return out;
}
