/** The double's only contact with the project's KS toolkit (src/ks). */
import { appTokenHash, generateKs, parseKs } from '../../src/ks/index.js';
import type { AppTokenHashType, SessionType } from './state.js';

/** A parsed KS, normalised for the double. */
export interface KsCheck {
  /** false when the KS could not be parsed or its signature matched no admin secret */
  parsed: boolean;
  valid: boolean;
  error: string | null;
  version: number;
  partnerId: string;
  validUntil: number;
  type: number;
  userId: string | null;
  privileges: string;
  rand: string;
  hash: string;
}

export function checkKs(
  ks: string,
  options: {
    adminSecretsFor: (partnerId: string) => readonly string[] | undefined | null;
    now: number;
    remoteAddr?: string;
    requestUri?: string;
  },
): KsCheck {
  const r = parseKs(ks, options);
  const parsed = r.error !== 'INVALID_STR';
  return {
    parsed,
    valid: r.valid,
    error: r.error,
    version: Number(r.version ?? 0),
    partnerId: r.partnerId == null ? '' : String(r.partnerId),
    validUntil: Number(r.validUntil ?? 0),
    type: Number(r.type ?? 0),
    userId: r.userId == null ? null : String(r.userId),
    privileges: r.privileges == null ? '' : String(r.privileges),
    rand: r.rand == null ? '' : String(r.rand),
    hash: r.hash == null ? '' : String(r.hash),
  };
}

export function mintKs(options: {
  version: 1 | 2;
  partnerId: string;
  secret: string;
  userId: string | null;
  type: SessionType;
  expirySeconds: number;
  privileges: string;
  now: number;
}): string {
  return generateKs({
    version: options.version,
    partnerId: Number(options.partnerId),
    secret: options.secret,
    userId: options.userId,
    type: options.type,
    expirySeconds: options.expirySeconds,
    privileges: options.privileges,
    now: options.now,
  });
}

export function tokenHash(ks: string, token: string, hashType: AppTokenHashType): string {
  return appTokenHash(ks, token, hashType);
}
