/**
 * The two things Canvas's Services API does: describe the Kaltura configuration, and hand a
 * signed-in user a Kaltura session (recording who got it in the audit log).
 */
import { ksTail } from '../ks/index.js';
import type { Account } from '../accounts/account-repository.js';
import type { User } from '../users/user-repository.js';
import type { SettingsService } from '../settings/settings-service.js';
import { DEFAULTS, isConfigured, sessionPolicy, type EffectiveSettings, type SessionMode, type PlainSettings } from '../settings/kaltura-settings.js';
import type { IssuedSession, SessionIssuer, SessionRequest as IssueRequest } from '../kaltura/issuers/session-issuer.js';
import { kalturaNotConfigured } from '../kaltura/kaltura-errors.js';
import type { SessionAuditRepository } from '../audit/session-audit-repository.js';
import { isoMemo } from '../db/time.js';
import type { LineLogger } from '../logging/line-logger.js';

/** `GET /api/v1/services/kaltura` body. */
export type KalturaConfigBody =
  | { enabled: false }
  | { enabled: true; domain: unknown; resource_domain: unknown; rtmp_domain: unknown; partner_id: unknown };

/** `POST /api/v1/services/kaltura_session` body. */
export interface KalturaSessionBody {
  ks: string;
  subp_id: unknown;
  partner_id: unknown;
  uid: string;
  serverTime: number;
  kaltura_setting?: Record<string, unknown>;
}

/** What a session is minted for. */
export interface SessionRequest {
  account: Account;
  /** the user the session is for (the masqueraded user when masquerading) */
  user: User;
  /** the admin acting as `user`, when masquerading */
  realUser: User | null;
  clientIp: string | null;
  requestId: string | null;
  /** the request's logger, for issuers that log */
  log?: LineLogger;
}

export interface StartSessionInput extends SessionRequest {
  includeUploadConfig: boolean;
  /** `http` or `https`, as the request arrived (honouring a trusted proxy) */
  requestScheme: string;
}

/** A minted session: Canvas's body without `kaltura_setting`, and the settings it was minted under. */
export interface MintedSession {
  body: KalturaSessionBody;
  settings: EffectiveSettings;
}

/** Keys of `kaltura_setting`, in Canvas's order; absent ones are left out. */
const UPLOAD_CONFIG_KEYS = [
  'domain',
  'resource_domain',
  'rtmp_domain',
  'protocol',
  'partner_id',
  'subpartner_id',
  'player_ui_conf',
  'player_cache_st',
  'kcw_ui_conf',
  'upload_ui_conf',
  'max_file_size_bytes',
  'do_analytics',
  'hide_rte_button',
  'js_uploader',
] as const;

/** The public configuration in `s`: Canvas's body of `GET /api/v1/services/kaltura`. */
export function configBody(s: EffectiveSettings): KalturaConfigBody {
  if (!isConfigured(s)) return { enabled: false };
  return {
    enabled: true,
    domain: s.plain.domain ?? null,
    resource_domain: s.plain.resource_domain ?? null,
    rtmp_domain: s.plain.rtmp_domain ?? null,
    partner_id: s.plain.partner_id ?? null,
  };
}

/** Canvas's `uid`: the user id and the root account id joined with `_`. */
export function kalturaUid(userId: number, accountId: number): string {
  return `${userId}_${accountId}`;
}

/** Configuration and session issuing for the Services API. */
export class KalturaService {
  private readonly createdIso = isoMemo();
  private readonly expiryIso = isoMemo();

  constructor(
    private readonly settings: SettingsService,
    private readonly issuers: ReadonlyMap<SessionMode, SessionIssuer>,
    private readonly audit: SessionAuditRepository,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The public configuration of the account's Kaltura, or `{enabled:false}`. */
  async config(account: Account): Promise<KalturaConfigBody> {
    return configBody(await this.settings.effective(account.id));
  }

  /**
   * The settings {@link config} is made of, when this instance has them cached (undefined when
   * not): the same settings object until they change or expire, so a caller may keep what it
   * made of one.
   */
  cachedConfigSettings(account: Account): EffectiveSettings | undefined {
    return this.settings.cachedEffective(account.id);
  }

  /** Starts a USER session for the user in the account, records it, and builds Canvas's body. */
  async startSession(input: StartSessionInput): Promise<KalturaSessionBody> {
    const { body, settings } = await this.mintSession(input);
    if (input.includeUploadConfig) {
      body.kaltura_setting = uploadConfig(settings.plain, input.requestScheme, input.account.uuid, input.user.uuid);
    }
    return body;
  }

  /**
   * {@link startSession} without `kaltura_setting`, with the settings the session was minted
   * under (the fast lane writes `kaltura_setting` from them: src/http/upload-config-json.ts).
   * With the settings cached and an issuer that mints without I/O, the only wait is the audit
   * row's commit: no promise per step (a fifth of the session POST's JavaScript went to them).
   */
  mintSession(input: SessionRequest): Promise<MintedSession> {
    const cached = this.settings.cachedEffective(input.account.id);
    if (cached === undefined) return this.settings.effective(input.account.id).then((s) => this.mintUnder(s, input));
    return this.mintUnder(cached, input);
  }

  /** Mints under the settings `s` and records the session; a failure comes as a rejection. */
  private mintUnder(s: EffectiveSettings, input: SessionRequest): Promise<MintedSession> {
    try {
      if (!isConfigured(s)) throw kalturaNotConfigured();
      const policy = sessionPolicy(s.plain);
      const issuer = this.issuers.get(policy.mode);
      if (!issuer) throw kalturaNotConfigured(`Kaltura session mode "${policy.mode}" is not available on this server.`);
      const request: IssueRequest = {
        settings: s,
        policy,
        partnerId: String(s.plain.partner_id),
        userId: kalturaUid(input.user.id, input.account.id),
        expirySeconds: policy.expirySeconds,
        privileges: policy.privileges,
        now: Math.floor(this.clock() / 1000),
        accountId: input.account.id,
      };
      if (input.log) request.log = input.log;
      if (!issuer.issueNow) return issuer.issue(request).then((session) => this.record(s, input, request, session));
      return this.record(s, input, request, issuer.issueNow(request));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Writes the session's audit row; resolves with Canvas's body once the row is committed. */
  private record(s: EffectiveSettings, input: SessionRequest, request: IssueRequest, session: IssuedSession): Promise<MintedSession> {
    const committed = this.audit.insert({
      createdAt: this.createdIso(this.clock()),
      accountId: input.account.id,
      userId: input.user.id,
      realUserId: input.realUser?.id ?? null,
      uid: request.userId,
      mode: request.policy.mode,
      expiresAt: this.expiryIso(session.expiresAt * 1000),
      privileges: session.privileges,
      ksTail: ksTail(session.ks),
      clientIp: input.clientIp,
      requestId: input.requestId,
    });
    const body: KalturaSessionBody = {
      ks: session.ks,
      subp_id: s.plain.subpartner_id,
      partner_id: s.plain.partner_id,
      uid: request.userId,
      serverTime: request.now,
    };
    return committed.then(() => ({ body, settings: s }));
  }
}

/** Canvas's `kaltura_setting`: the stored keys, the three partnerservices2 URLs, partner_data. */
export function uploadConfig(plain: PlainSettings, requestScheme: string, accountUuid: string, userUuid: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const stored = plain as Record<string, unknown>;
  for (const key of UPLOAD_CONFIG_KEYS) {
    if (key === 'max_file_size_bytes') {
      const n = Number(stored[key]);
      out[key] = Number.isFinite(n) && n > 0 ? stored[key] : DEFAULTS.max_file_size_bytes;
    } else if (stored[key] !== undefined) {
      out[key] = stored[key];
    }
  }
  const protocol = typeof stored.protocol === 'string' && stored.protocol !== '' ? stored.protocol : requestScheme;
  const base = `${protocol}://${String(stored.domain)}/index.php/partnerservices2`;
  out.uploadUrl = `${base}/upload`;
  out.entryUrl = `${base}/addEntry`;
  out.uiconfUrl = `${base}/getuiconf`;
  out.partner_data = partnerData(accountUuid, userUuid);
  return out;
}

/** Canvas's `partner_data`, the last key of {@link uploadConfig}. */
export function partnerData(accountUuid: string, userUuid: string): string {
  return `root_account_uuid=${accountUuid}&user_uuid=${userUuid}`;
}
