/**
 * Reads and verifies a KS (v1 or v2) the way Kaltura's server does (`kSessionBase::parseKS`
 * then `isValidBase`), without ever throwing.
 */
import { Buffer } from 'node:buffer';
import { decodeBase64Lenient } from './base64.js';
import type { KsError } from './ks-errors.js';
import { ksV1SignatureMatches, splitKsV1 } from './ks-v1.js';
import { decryptKsV2, splitKsV2 } from './ks-v2.js';
import { phpCompareToInt, phpNumericValue } from './php-compare.js';
import { parseStrBinary } from './php-parse-str.js';
import { parsePrivileges, type PrivilegeMap } from './privileges.js';

/** The result of {@link parseKs}: a verdict plus what the KS holds (null where it holds nothing). */
export interface ParsedKs {
  /** True only when the signature matched one admin secret and no check failed. */
  valid: boolean;
  /** Why it is not valid, with Kaltura's name; null when valid. */
  error: KsError | null;
  /** 1 or 2; null when the KS could not be parsed. */
  version: 1 | 2 | null;
  partnerId: string | null;
  /** Absolute expiry (unix seconds); null when absent or not a number. */
  validUntil: number | null;
  /** 0 user, 2 admin; null when absent or not a number. */
  type: number | null;
  userId: string | null;
  /** The privilege string as the server rebuilds it (v2: `name:value` pairs, `all:*` alone as `*`). */
  privileges: string | null;
  /** v1: the random field as sent; v2: hex of the 16 random bytes. */
  rand: string | null;
  /** v1: the hex signature; v2: hex of the SHA-1 inside the ciphertext (keys `session.end`). */
  hash: string | null;
  /** v1 only: the second field (the partner id again). */
  partnerPattern?: string | null;
  masterPartnerId?: string | null;
  additionalData?: string | null;
  /** Index, in the list `adminSecretsFor` returned, of the secret that matched. */
  matchedSecretIndex?: number | null;
  /** Privileges as the server parses them: name → values (split on `/`). */
  parsedPrivileges?: PrivilegeMap | null;
  /** `type >= 1`, compared as PHP does. */
  isAdmin?: boolean;
  /** A USER session of an anonymous user carrying `widget:1`. */
  isWidgetSession?: boolean;
}

/** Options of {@link parseKs}. */
export interface ParseKsOptions {
  /** The admin secrets of the partner the KS names (tried in turn); never the user secret. */
  adminSecretsFor: (partnerId: string) => readonly string[] | undefined | null;
  /** Current time in unix seconds (default: now). */
  now?: number;
  /** Caller's IP: checked against `iprestrict` only when given. */
  remoteAddr?: string;
  /** Request URI: checked against `urirestrict` only when given. */
  requestUri?: string;
}

/** The raw members of Kaltura's `ks` object after a successful parse (strings or null). */
interface KsMembers {
  version: 1 | 2;
  partnerId: string;
  partnerPattern: string | null;
  validUntil: string | null;
  type: string | null;
  rand: string | null;
  user: string | null;
  privileges: string | null;
  masterPartnerId: string | null;
  additionalData: string | null;
  hash: string;
  realStr: string;
  parsedPrivileges: PrivilegeMap;
  matchedSecretIndex: number;
}

function invalid(): ParsedKs {
  return {
    valid: false,
    error: 'INVALID_STR',
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
    matchedSecretIndex: null,
    parsedPrivileges: null,
    isAdmin: false,
    isWidgetSession: false,
  };
}

function secretsOf(lookup: ParseKsOptions['adminSecretsFor'], partnerId: string): string[] {
  let list: unknown;
  try {
    list = lookup(partnerId);
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  // An empty secret would accept KSs anyone can make: never tried.
  for (const s of list) if (typeof s !== 'string' || s.length === 0) return list.filter((t): t is string => typeof t === 'string' && t.length > 0);
  return list as string[];
}

function parseV1(decoded: Buffer, lookup: ParseKsOptions['adminSecretsFor']): KsMembers | null {
  const parts = splitKsV1(decoded);
  if (parts === null) return null;
  const f = parts.fields;
  const partnerId = f[0]!;
  const secrets = secretsOf(lookup, partnerId);
  const index = secrets.findIndex((secret) => ksV1SignatureMatches(parts.signature, parts.info, secret));
  if (index < 0) return null;
  const privileges = f[6] ?? null;
  return {
    version: 1,
    partnerId,
    partnerPattern: f[1]!,
    validUntil: f[2]!,
    type: f[3] ?? null,
    rand: f[4] ?? null,
    user: f[5] ?? null,
    privileges,
    masterPartnerId: f[7] ?? null,
    additionalData: f[8] ?? null,
    hash: parts.signature.toString('latin1'),
    realStr: parts.info.toString('utf8'),
    parsedPrivileges: parsePrivileges(privileges ?? ''),
    matchedSecretIndex: index,
  };
}

const ASCII = /^[\x00-\x7f]*$/;
/** A byte above 0x7f, raw or %-escaped: only then can a decoded field hold UTF-8. */
const NON_ASCII_BYTE = /[\x80-\xff]|%[89a-fA-F]/;
const utf8 = (binary: string): string => (ASCII.test(binary) ? binary : Buffer.from(binary, 'latin1').toString('utf8'));

function parseV2(decoded: Buffer, lookup: ParseKsOptions['adminSecretsFor']): KsMembers | null {
  const parts = splitKsV2(decoded);
  if (parts === null) return null;
  const secrets = secretsOf(lookup, parts.partnerId);
  if (secrets.length === 0) return null;
  const content = decryptKsV2(parts.ciphertext, secrets);
  if (content === null) return null;
  const pairs = parseStrBinary(content.fieldsBinary);
  if (pairs === null) return null; // array syntax: Kaltura's server cannot read it
  const members: KsMembers = {
    version: 2,
    partnerId: parts.partnerId,
    partnerPattern: null,
    validUntil: null,
    type: null,
    rand: content.random.toString('hex'),
    user: null,
    privileges: null,
    masterPartnerId: null,
    additionalData: null,
    hash: content.hash.toString('hex'),
    realStr: content.fieldsBinary,
    parsedPrivileges: new Map(),
    matchedSecretIndex: content.secretIndex,
  };
  const privileges: string[] = [];
  // Fields made by Kaltura's generators are ASCII (an e-mail user id is `%40`-escaped ASCII):
  // with no byte above 0x7f, raw or escaped, every decoded name and value is its own UTF-8.
  const plainAscii = !NON_ASCII_BYTE.test(content.fieldsBinary);
  for (const [binaryName, binaryValue] of pairs) {
    const value = plainAscii ? binaryValue : utf8(binaryValue);
    switch (binaryName) {
      case '_e': members.validUntil = value; continue;
      case '_t': members.type = value; continue;
      case '_u': members.user = value; continue;
      case '_m': members.masterPartnerId = value; continue;
      case '_d': members.additionalData = value; continue;
    }
    const name = plainAscii ? binaryName : utf8(binaryName);
    if (value.length > 0) {
      privileges.push(`${name}:${value}`);
      // split() is a runtime call even with nothing to split; a single value is the usual case
      members.parsedPrivileges.set(name, value.indexOf('/') < 0 ? [value] : value.split('/'));
    } else {
      privileges.push(name);
      members.parsedPrivileges.set(name, []);
    }
  }
  const joined = privileges.join(',');
  members.privileges = joined === 'all:*' ? '*' : joined;
  return members;
}

function verdict(m: KsMembers, options: ParseKsOptions, now: number): KsError | null {
  if (m.realStr === '' || m.realStr === '0' || m.hash === '' || m.hash === '0') return 'INVALID_STR';
  if (phpCompareToInt(m.validUntil, now) <= 0) return 'EXPIRED';
  const ips = m.parsedPrivileges.get('iprestrict');
  if (options.remoteAddr !== undefined && ips !== undefined && !ips.includes(options.remoteAddr)) {
    return 'EXCEEDED_RESTRICTED_IP';
  }
  const uris = m.parsedPrivileges.get('urirestrict');
  if (options.requestUri !== undefined && uris !== undefined && !uriAllowed(uris.join('/'), options.requestUri)) {
    return 'EXCEEDED_RESTRICTED_URI';
  }
  return null;
}

/** `urirestrict`: `|`-separated URIs, exact match or, with a trailing `*`, prefix match. */
function uriAllowed(restriction: string, requestUri: string): boolean {
  for (const uri of restriction.split('|')) {
    if (requestUri === uri) return true;
    if (uri.endsWith('*') && requestUri.startsWith(uri.slice(0, -1))) return true;
  }
  return false;
}

function isAnonymous(user: string | null): boolean {
  return user === null || user === '' || user === '0';
}

/**
 * Parses and verifies a KS against the admin secrets of the partner it names; never throws.
 * Both Base64 alphabets and missing padding are accepted; every secret is tried in turn.
 * @example
 * const ks = parseKs(token, { adminSecretsFor: (pid) => (pid === '1234' ? [adminSecret] : null) });
 * if (!ks.valid) console.log(ks.error); // e.g. 'EXPIRED'
 */
export function parseKs(ks: string, options: ParseKsOptions): ParsedKs {
  try {
    return parseKsUnsafe(ks, options);
  } catch {
    return invalid();
  }
}

function parseKsUnsafe(ks: string, options: ParseKsOptions): ParsedKs {
  if (typeof ks !== 'string' || options === null || typeof options !== 'object') return invalid();
  const lookup = options.adminSecretsFor;
  if (typeof lookup !== 'function') return invalid();
  const decoded = decodeBase64Lenient(ks);
  // PHP: an empty result or "0" is falsy, so "Couldn't base 64 decode the KS."
  if (decoded === null || decoded.length === 0 || (decoded.length === 1 && decoded[0] === 0x30)) return invalid();
  const isV2 = decoded.length >= 3 && decoded[0] === 0x76 && decoded[1] === 0x32 && decoded[2] === 0x7c;
  const m = isV2 ? parseV2(decoded, lookup) : parseV1(decoded, lookup);
  if (m === null) return invalid();
  const now = typeof options.now === 'number' && Number.isFinite(options.now) ? Math.floor(options.now) : Math.floor(Date.now() / 1000);
  const error = verdict(m, options, now);
  if (error === 'INVALID_STR') return invalid();
  const type = phpNumericValue(m.type);
  const typeCompare = (n: number): number => (type !== null ? Math.sign(type - n) : phpCompareToInt(m.type, n));
  return {
    valid: error === null,
    error,
    version: m.version,
    partnerId: m.partnerId,
    validUntil: phpNumericValue(m.validUntil),
    type,
    userId: m.user,
    privileges: m.privileges,
    rand: m.rand,
    hash: m.hash,
    partnerPattern: m.partnerPattern,
    masterPartnerId: m.masterPartnerId,
    additionalData: m.additionalData,
    matchedSecretIndex: m.matchedSecretIndex,
    parsedPrivileges: m.parsedPrivileges,
    isAdmin: typeCompare(1) >= 0,
    isWidgetSession:
      typeCompare(0) === 0 && isAnonymous(m.user) && (m.privileges ?? '').includes('widget:1'),
  };
}
