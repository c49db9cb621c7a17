/** The double's data: partners, app tokens, ui confs, uploads, entries, issued sessions, revocations. */
import { randomBytes, randomInt } from 'node:crypto';
import { checkKs, type KsCheck } from './ks.js';

export type SessionType = 0 | 2;
export type AppTokenHashType = 'SHA1' | 'MD5' | 'SHA256' | 'SHA512';
export const APP_TOKEN_HASH_TYPES: readonly AppTokenHashType[] = ['SHA1', 'MD5', 'SHA256', 'SHA512'];

export interface PartnerConfig {
  partnerId: number | string;
  adminSecret: string;
  userSecret: string;
  /** enabled additional admin secrets, also accepted by session.start and KS validation */
  additionalAdminSecrets?: readonly string[];
  /** cap on KS lifetimes (Kaltura's default 86400) */
  maxExpirySeconds?: number;
  /** KS version the double generates for this partner (default 2) */
  ksVersion?: 1 | 2;
  /** a blocked partner gets SERVICE_FORBIDDEN_CONTENT_BLOCKED */
  blocked?: boolean;
}

export interface Partner {
  readonly partnerId: string;
  adminSecret: string;
  userSecret: string;
  additionalAdminSecrets: string[];
  maxExpirySeconds: number;
  ksVersion: 1 | 2;
  blocked: boolean;
}

export type AppTokenStatus = 'active' | 'disabled' | 'deleted';

export interface AppTokenConfig {
  /** default: a random `0_xxxxxxxx` */
  id?: string;
  /** default: 32 random hex characters */
  token?: string;
  /** default: the double's first partner */
  partnerId?: number | string;
  /** default SHA1 (Kaltura's default) */
  hashType?: AppTokenHashType;
  /** default 'active'; 'disabled' → APP_TOKEN_NOT_ACTIVE, 'deleted' → APP_TOKEN_ID_NOT_FOUND */
  status?: AppTokenStatus;
  /** absolute unix seconds after which the token is expired (APP_TOKEN_EXPIRED); null = never */
  expiry?: number | null;
  /** forced session type; null = the caller's `type` (default 0) */
  sessionType?: SessionType | null;
  /** forced session user; null = the caller's `userId` */
  sessionUserId?: string | null;
  /** maximum session lifetime in seconds (default 86400) */
  sessionDuration?: number;
  /** privileges added to every session (after `sessionid:<id>,apptoken:<id>`) */
  sessionPrivileges?: string | null;
}

export interface AppToken {
  readonly id: string;
  token: string;
  partnerId: string;
  hashType: AppTokenHashType;
  status: AppTokenStatus;
  expiry: number | null;
  sessionType: SessionType | null;
  sessionUserId: string | null;
  sessionDuration: number;
  sessionPrivileges: string | null;
}

export interface UiConfConfig {
  id: number | string;
  /** default: the double's first partner */
  partnerId?: number | string;
  name?: string;
  /** the uploader configuration XML; default: {@link defaultConfFile} */
  confFile?: string;
  objType?: number;
  objTypeAsString?: string;
}

export interface UiConf {
  readonly id: string;
  partnerId: string;
  name: string;
  confFile: string;
  objType: number;
  objTypeAsString: string;
}

/** A file received by partnerservices2/upload. */
export interface StoredUpload {
  /** the `token` the double answered */
  token: string;
  partnerId: string;
  /** random part of the KS used (uploads are keyed by partner + this + fileId) */
  ksRand: string;
  ksUserId: string | null;
  /** the `filename` query parameter (k5uploader's file id) */
  fileId: string;
  /** the `Filename` form field (or the file part's own filename) */
  origFilename: string;
  contentType: string | null;
  size: number;
  data: Buffer;
  uploadedAt: number;
  /** set when addEntry has used it */
  entryId: string | null;
}

/** An entry created by partnerservices2/addEntry. */
export interface CreatedEntry {
  id: string;
  partnerId: string;
  subpId: string;
  puserId: string;
  name: string;
  partnerData: string;
  type: number;
  mediaType: number;
  source: number;
  status: number;
  /** entryN_filename (the upload's file id) */
  filename: string;
  realFilename: string;
  conversionProfile: string | null;
  /** every `entryN_*` parameter, without the prefix */
  params: Record<string, string>;
  upload: StoredUpload | null;
  /** the KS's user id */
  ksUserId: string | null;
  createdAt: number;
  /** the media's length (media.get `msDuration`; `duration` is it in whole seconds) */
  durationMs: number;
}

/**
 * Kaltura's KalturaFlavorAssetStatus (Canvas's kaltura_client_v3.rb lists the same values): 0 QUEUED,
 * 1 CONVERTING, 2 READY, 3 DELETED, 4 NOT_APPLICABLE, 5 TEMP, 6 WAIT_FOR_CONVERT, 7 IMPORTING,
 * 8 VALIDATING, 9 EXPORTING, -1 ERROR.
 */
export const FLAVOR_STATUS = {
  ERROR: -1,
  QUEUED: 0,
  CONVERTING: 1,
  READY: 2,
  DELETED: 3,
  NOT_APPLICABLE: 4,
} as const;

/** A flavor (KalturaFlavorAsset) of an entry: the original file or a conversion. */
export interface FlavorAsset {
  id: string;
  entryId: string;
  partnerId: string;
  version: number;
  /** KB, as Kaltura reports it */
  size: number;
  tags: string;
  fileExt: string;
  createdAt: number;
  updatedAt: number;
  description: string;
  flavorParamsId: number;
  width: number;
  height: number;
  /** kbit/s */
  bitrate: number;
  frameRate: number;
  isOriginal: boolean;
  isWeb: boolean;
  containerFormat: string;
  videoCodecId: string;
  /** {@link FLAVOR_STATUS}; only READY (2) flavors can be downloaded */
  status: number;
  /** what the download URL serves (null: nothing yet, e.g. while converting) */
  data: Buffer | null;
  contentType: string;
}

/** A KS the double issued (session.start, startWidgetSession, appToken.startSession). */
export interface IssuedSession {
  operation: string;
  ks: string;
  partnerId: string;
  type: SessionType;
  userId: string | null;
  expiry: number;
  privileges: string;
  appTokenId: string | null;
}

export type KsValidation =
  | { ok: true; ks: KsCheck }
  | {
      ok: false;
      /** INVALID_STR (unparseable / bad signature / unknown partner), EXPIRED, LOGOUT, EXCEEDED_RESTRICTED_IP/URI */
      error: string;
      /** Kaltura's numeric ks error code (-1, -5, -6, -9, -11) */
      errorCode: number;
      ks: KsCheck | null;
    };

export const KS_ERROR_CODES: Readonly<Record<string, number>> = {
  INVALID_STR: -1,
  INVALID_PARTNER: -2,
  INVALID_USER: -3,
  INVALID_TYPE: -4,
  EXPIRED: -5,
  LOGOUT: -6,
  EXCEEDED_ACTIONS_LIMIT: -8,
  EXCEEDED_RESTRICTED_IP: -9,
  EXCEEDED_RESTRICTED_URI: -11,
};

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A Kaltura-style id: `0_` + 8 lower-case alphanumerics. */
export function kalturaId(): string {
  let s = '0_';
  for (let i = 0; i < 8; i++) s += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return s;
}

export function privilegeValues(privileges: string, name: string): string[] {
  const out: string[] = [];
  for (const piece of privileges.split(',')) {
    const colon = piece.indexOf(':');
    const n = (colon < 0 ? piece : piece.slice(0, colon)).trim();
    if (n !== name) continue;
    if (colon >= 0) out.push(...piece.slice(colon + 1).split('/'));
  }
  return out;
}

export class DoubleState {
  readonly partners = new Map<string, Partner>();
  readonly appTokens = new Map<string, AppToken>();
  readonly uiConfs = new Map<string, UiConf>();
  readonly uploads: StoredUpload[] = [];
  readonly entries: CreatedEntry[] = [];
  readonly flavors: FlavorAsset[] = [];
  readonly sessions: IssuedSession[] = [];
  /** KS hashes revoked by session.end */
  readonly revokedKsHashes = new Set<string>();
  /** `sessionid:` privilege values revoked by session.end */
  readonly revokedSessionIds = new Set<string>();
  private clock: (() => number) | null;

  constructor(clock?: () => number) {
    this.clock = clock ?? null;
  }

  /** The double's clock, unix seconds. */
  now(): number {
    return this.clock ? Math.floor(this.clock()) : Math.floor(Date.now() / 1000);
  }

  setClock(clock: (() => number) | null): void {
    this.clock = clock;
  }

  defaultPartnerId(): string {
    const first = this.partners.keys().next();
    if (first.done) throw new Error('the Kaltura double has no partner');
    return first.value;
  }

  addPartner(config: PartnerConfig): Partner {
    const partnerId = String(config.partnerId);
    if (!/^\d+$/.test(partnerId)) throw new TypeError(`partner id must be an integer: ${partnerId}`);
    const partner: Partner = {
      partnerId,
      adminSecret: config.adminSecret,
      userSecret: config.userSecret,
      additionalAdminSecrets: [...(config.additionalAdminSecrets ?? [])],
      maxExpirySeconds: config.maxExpirySeconds ?? 86400,
      ksVersion: config.ksVersion ?? 2,
      blocked: config.blocked ?? false,
    };
    this.partners.set(partnerId, partner);
    return partner;
  }

  adminSecretsFor(partnerId: string): string[] | undefined {
    const p = this.partners.get(String(partnerId));
    return p ? [p.adminSecret, ...p.additionalAdminSecrets] : undefined;
  }

  addAppToken(config: AppTokenConfig = {}): AppToken {
    const hashType = config.hashType ?? 'SHA1';
    if (!APP_TOKEN_HASH_TYPES.includes(hashType)) throw new TypeError(`unknown app token hash type ${hashType}`);
    const token: AppToken = {
      id: config.id ?? kalturaId(),
      token: config.token ?? randomBytes(16).toString('hex'),
      partnerId: String(config.partnerId ?? this.defaultPartnerId()),
      hashType,
      status: config.status ?? 'active',
      expiry: config.expiry ?? null,
      sessionType: config.sessionType ?? null,
      sessionUserId: config.sessionUserId ?? null,
      sessionDuration: config.sessionDuration ?? 86400,
      sessionPrivileges: config.sessionPrivileges ?? null,
    };
    this.appTokens.set(token.id, token);
    return token;
  }

  addUiConf(config: UiConfConfig, defaultConfFile: string): UiConf {
    const uiConf: UiConf = {
      id: String(config.id),
      partnerId: String(config.partnerId ?? this.defaultPartnerId()),
      name: config.name ?? 'k5 uploader',
      confFile: config.confFile ?? defaultConfFile,
      objType: config.objType ?? 2,
      objTypeAsString: config.objTypeAsString ?? 'Contribution Wizard',
    };
    this.uiConfs.set(uiConf.id, uiConf);
    return uiConf;
  }

  /** Parse and validate a KS like Kaltura's server, plus the double's revocations (LOGOUT). */
  validateKs(ks: string, request: { remoteAddr?: string; requestUri?: string } = {}): KsValidation {
    const checked = checkKs(ks, {
      adminSecretsFor: (pid) => this.adminSecretsFor(pid),
      now: this.now(),
      ...(request.remoteAddr !== undefined ? { remoteAddr: request.remoteAddr } : {}),
      ...(request.requestUri !== undefined ? { requestUri: request.requestUri } : {}),
    });
    if (!checked.parsed) return { ok: false, error: 'INVALID_STR', errorCode: -1, ks: null };
    if (!checked.valid) {
      const error = checked.error ?? 'INVALID_STR';
      return { ok: false, error, errorCode: KS_ERROR_CODES[error] ?? -1, ks: checked };
    }
    if (this.isRevoked(checked)) return { ok: false, error: 'LOGOUT', errorCode: -6, ks: checked };
    return { ok: true, ks: checked };
  }

  isRevoked(ks: KsCheck): boolean {
    if (ks.hash && this.revokedKsHashes.has(ks.hash)) return true;
    for (const sid of privilegeValues(ks.privileges, 'sessionid')) {
      if (this.revokedSessionIds.has(sid)) return true;
    }
    for (const tokenId of privilegeValues(ks.privileges, 'apptoken')) {
      const token = this.appTokens.get(tokenId);
      if (!token || token.status === 'deleted') return true;
    }
    return false;
  }

  /** session.end: a KS carrying `sessionid:` revokes the whole session group, else just itself. */
  revoke(ks: KsCheck): void {
    const sids = privilegeValues(ks.privileges, 'sessionid');
    if (sids.length > 0) for (const sid of sids) this.revokedSessionIds.add(sid);
    else if (ks.hash) this.revokedKsHashes.add(ks.hash);
  }

  /** The entry with this id (any partner), if the double has it. */
  findEntry(id: string): CreatedEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  /** The flavors of an entry, in creation order. */
  flavorsOf(entryId: string): FlavorAsset[] {
    return this.flavors.filter((f) => f.entryId === entryId);
  }

  uploadKey(partnerId: string, ksRand: string, fileId: string): string {
    return `${partnerId}\u0000${ksRand}\u0000${fileId}`;
  }

  findUpload(partnerId: string, ksRand: string, fileId: string): StoredUpload | undefined {
    const key = this.uploadKey(partnerId, ksRand, fileId);
    for (let i = this.uploads.length - 1; i >= 0; i--) {
      const u = this.uploads[i]!;
      if (u.entryId === null && this.uploadKey(u.partnerId, u.ksRand, u.fileId) === key) return u;
    }
    return undefined;
  }
}
