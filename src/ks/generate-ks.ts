/**
 * Generates a KS v1 or v2 byte for byte as Kaltura's own generators do (PHP client
 * `generateSession`/`generateSessionV2`, server `kSessionBase::generateKsV1/V2`).
 */
import { encodeKsV1 } from './ks-v1.js';
import { encodeKsV2, KS_V2_RANDOM_SIZE } from './ks-v2.js';
import { phpUrlencode } from './php-urlencode.js';
import { phpVariableName } from './php-parse-str.js';
import { privilegesToFields } from './privileges.js';
import { randomKsV1Rand } from './random.js';

/** Options of {@link generateKs}. */
export interface GenerateKsOptions {
  /** 2 (default) or 1. */
  version?: 1 | 2;
  partnerId: number | string;
  /** The partner's ADMIN secret: Kaltura verifies every KS with admin secrets only. */
  secret: string;
  /** null/undefined: no user (v2 leaves `_u` out, v1 writes an empty field). */
  userId?: string | null;
  /** 0 USER (default) or 2 ADMIN. */
  type?: 0 | 2;
  /** Lifetime in seconds from `now` (default 86400); may be negative. */
  expirySeconds?: number;
  /** Privilege string, e.g. `sview:0_abc,list:*` (default none). */
  privileges?: string;
  /** Current time in unix seconds (default: now). */
  now?: number;
  /** v2: the 16 random bytes (default: fresh CSPRNG bytes). For tests and vectors. */
  random?: Uint8Array;
  /** v1: the random field (default: a CSPRNG integer 0–32000, like the PHP client). For tests. */
  rand?: number | string;
  /** Server layout: v2 `_m` when not null; v1 writes the two extra fields when this or `additionalData` is given (even null). */
  masterPartnerId?: string | number | null;
  /** Server layout: v2 `_d` when not null (see `masterPartnerId` for v1). */
  additionalData?: string | null;
}

/**
 * A bad option of {@link generateKs}; the message says which and why.
 * @example try { generateKs({ partnerId: 1, secret: '' }); } catch (e) { if (e instanceof KsOptionError) console.error(e.message); }
 */
export class KsOptionError extends RangeError {
  override name = 'KsOptionError';
}

const RESERVED_V2_NAMES = new Set(['_e', '_t', '_u', '_m', '_d']);
const PARTNER_ID = /^-?[0-9]+$/;

function fail(message: string): never {
  throw new KsOptionError(message);
}

function checkedPartnerId(partnerId: unknown): string {
  if (typeof partnerId === 'number' && Number.isSafeInteger(partnerId)) return String(partnerId);
  if (typeof partnerId === 'string' && PARTNER_ID.test(partnerId) && partnerId.length <= 20) return partnerId;
  return fail(`partnerId must be an integer, got ${JSON.stringify(String(partnerId))}`);
}

function checkedInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  return fail(`${name} must be an integer number of seconds`);
}

function optionalString(name: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (name === 'masterPartnerId' && typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return fail(`${name} must be a string or null`);
}

/** KS v2 fields of the privileges, refusing names Kaltura's parser would not read back. */
/** Privilege strings already turned into query fields (a service signs the same few again and again). */
const privilegeQueries = new Map<string, string>();
const PRIVILEGE_CACHE_LIMIT = 256;

function v2PrivilegeQuery(privileges: string): string {
  const cached = privilegeQueries.get(privileges);
  if (cached !== undefined) return cached;
  let query = '';
  for (const [name, value] of privilegesToFields(privileges)) {
    const readBack = phpVariableName(name);
    if (readBack === null) fail(`privilege name ${JSON.stringify(name)} uses [] array syntax, which Kaltura cannot read`);
    if (readBack === '') fail(`privilege name ${JSON.stringify(name)} is empty once read by Kaltura`);
    if (RESERVED_V2_NAMES.has(readBack)) fail(`privilege name ${JSON.stringify(name)} is reserved in KS v2 (${readBack})`);
    query += phpUrlencode(name) + '=' + phpUrlencode(value) + '&';
  }
  if (privilegeQueries.size >= PRIVILEGE_CACHE_LIMIT) privilegeQueries.delete(privilegeQueries.keys().next().value as string);
  privilegeQueries.set(privileges, query);
  return query;
}

/**
 * Generates a KS signed with the partner's admin secret (v2 by default, random part from the CSPRNG).
 * Throws {@link KsOptionError} for an invalid option.
 * @example generateKs({ partnerId: 1234, secret: adminSecret, userId: 'john', privileges: 'sview:*', expirySeconds: 3600 })
 * // 'djJ8MTIzNHz…'
 */
export function generateKs(options: GenerateKsOptions): string {
  if (options === null || typeof options !== 'object') fail('options must be an object');
  const version = options.version ?? 2;
  if (version !== 1 && version !== 2) fail('version must be 1 or 2');
  const partnerId = checkedPartnerId(options.partnerId);
  const secret = options.secret;
  if (typeof secret !== 'string' || secret.length === 0) fail('secret must be a non-empty string');
  if (secret.includes(',')) fail('secret cannot contain "," (Kaltura keeps admin secrets as a comma-separated list)');
  const type = options.type ?? 0;
  if (type !== 0 && type !== 2) fail('type must be 0 (USER) or 2 (ADMIN)');
  const now = checkedInteger('now', options.now, Math.floor(Date.now() / 1000));
  const validUntil = now + checkedInteger('expirySeconds', options.expirySeconds, 86400);
  if (!Number.isSafeInteger(validUntil)) fail('now + expirySeconds is out of range');
  const userId = optionalString('userId', options.userId);
  const privileges = optionalString('privileges', options.privileges) ?? '';
  const masterPartnerId = optionalString('masterPartnerId', options.masterPartnerId);
  const additionalData = optionalString('additionalData', options.additionalData);

  if (version === 1) {
    const rand = options.rand ?? randomKsV1Rand();
    if (!(typeof rand === 'string' && !rand.includes(';')) && !(typeof rand === 'number' && Number.isFinite(rand))) {
      fail('rand must be a finite number or a string without ";"');
    }
    // v1 joins its fields with ";" unescaped: a ";" inside one would shift the fields after it
    // (user "alice;*" would be read back as user "alice" with privileges "*").
    for (const [name, value] of [['userId', userId], ['privileges', privileges], ['masterPartnerId', masterPartnerId], ['additionalData', additionalData]] as const) {
      if (value !== null && value.includes(';')) fail(`${name} cannot contain ";" in a KS v1 (it separates the fields); use KS v2, which encodes it`);
    }
    let info = `${partnerId};${partnerId};${validUntil};${type};${rand};${userId ?? ''};${privileges}`;
    if (options.masterPartnerId !== undefined || options.additionalData !== undefined) {
      info += `;${masterPartnerId ?? ''};${additionalData ?? ''}`;
    }
    return encodeKsV1(secret, info);
  }

  let query = privileges.length > 0 ? v2PrivilegeQuery(privileges) : '';
  query += `_e=${validUntil}&_t=${type}`;
  if (userId !== null) query += '&_u=' + phpUrlencode(userId);
  if (masterPartnerId !== null) query += '&_m=' + phpUrlencode(masterPartnerId);
  if (additionalData !== null) query += '&_d=' + phpUrlencode(additionalData);

  const random = options.random;
  if (random !== undefined && (!(random instanceof Uint8Array) || random.byteLength !== KS_V2_RANDOM_SIZE)) {
    fail(`random must be exactly ${KS_V2_RANDOM_SIZE} bytes`);
  }
  return encodeKsV2(secret, partnerId, random, query);
}
