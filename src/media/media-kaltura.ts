/**
 * The media layer's way to Kaltura for one account's settings: an API session to call media.get
 * and flavorAsset.list (ADMIN, minted locally with the administrator secret in `local` mode,
 * from Kaltura in the other modes, cached), and the download session put in flavor URLs (USER,
 * no user id, `download:<entryId>`, the account's session_expiry; minted locally, or with the one
 * call the `remote`/`app_token` mode allows, cached until shortly before it expires).
 */
import { generateKs } from '../ks/index.js';
import { TtlCache } from '../cache/ttl-cache.js';
import { endpointOf } from '../kaltura/kaltura-api-client.js';
import { kalturaNotConfigured } from '../kaltura/kaltura-errors.js';
import type { KalturaMediaApi, FlavorAsset, MediaEntryDetails } from '../kaltura/media-api.js';
import type { SessionIssuer } from '../kaltura/issuers/session-issuer.js';
import { isConfigured, sessionPolicy, type EffectiveSettings, type SessionMode } from '../settings/kaltura-settings.js';

/** A session and when to stop using it (ms). */
interface CachedKs {
  ks: string;
  useUntil: number;
}

/** Lifetime asked for API sessions (seconds). */
const API_KS_SECONDS = 3600;

/** Stop using a cached session this long before it expires: a tenth of its life, at most 5 minutes. */
function useUntil(nowMs: number, lifetimeSeconds: number): number {
  return nowMs + lifetimeSeconds * 1000 - Math.min(300_000, lifetimeSeconds * 100);
}

/** Sessions and calls to Kaltura for media. */
export class MediaKaltura {
  private readonly apiSessions = new TtlCache<string, CachedKs>(API_KS_SECONDS * 1000, 10_000);
  private readonly downloadSessions = new TtlCache<string, CachedKs>(86_400_000, 50_000);

  constructor(
    private readonly api: KalturaMediaApi,
    /** the remote and app_token issuers (not counted as handed-out sessions) */
    private readonly issuers: ReadonlyMap<SessionMode, SessionIssuer>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** media.get for the entry, or null when Kaltura does not know it. */
  async entryDetails(settings: EffectiveSettings, entryId: string): Promise<MediaEntryDetails | null> {
    const policy = sessionPolicy(settings.plain);
    const ks = await this.apiKs(settings);
    return this.api.getEntry(endpointOf(settings.plain, policy), ks, entryId, policy.timeoutMs);
  }

  /** flavorAsset.list for the entry. */
  async flavors(settings: EffectiveSettings, entryId: string): Promise<FlavorAsset[]> {
    const policy = sessionPolicy(settings.plain);
    const ks = await this.apiKs(settings);
    return this.api.listFlavors(endpointOf(settings.plain, policy), ks, entryId, policy.timeoutMs);
  }

  /** The download session for one entry (USER, no user, `download:<entryId>`). */
  async downloadKs(settings: EffectiveSettings, entryId: string): Promise<string> {
    if (!isConfigured(settings)) throw kalturaNotConfigured();
    const policy = sessionPolicy(settings.plain);
    const partnerId = String(settings.plain.partner_id);
    const key = `${policy.mode}|${settings.plain.domain ?? ''}|${partnerId}|${policy.expirySeconds}|${entryId}`;
    const cached = this.downloadSessions.get(key);
    const nowMs = this.clock();
    if (cached && cached.useUntil > nowMs) return cached.ks;
    const now = Math.floor(nowMs / 1000);
    const privileges = `download:${entryId}`;
    let ks: string;
    let lifetime = policy.expirySeconds;
    if (policy.mode === 'local') {
      const secret = settings.secrets.secret_key;
      if (!secret) throw kalturaNotConfigured('Kaltura session mode "local" needs the administrator secret (secret_key), which is not set for this account.');
      ks = generateKs({ version: policy.ksVersion, partnerId, secret, userId: null, type: 0, expirySeconds: policy.expirySeconds, privileges, now });
    } else {
      const issuer = this.issuers.get(policy.mode);
      if (!issuer) throw kalturaNotConfigured(`Kaltura session mode "${policy.mode}" is not available on this server.`);
      const issued = await issuer.issue({ settings, policy, partnerId, userId: '', expirySeconds: policy.expirySeconds, privileges, now });
      ks = issued.ks;
      lifetime = Math.max(1, issued.expiresAt - now);
    }
    this.downloadSessions.set(key, { ks, useUntil: useUntil(nowMs, lifetime) });
    return ks;
  }

  /** The session media.get and flavorAsset.list are called with. */
  private async apiKs(settings: EffectiveSettings): Promise<string> {
    if (!isConfigured(settings)) throw kalturaNotConfigured();
    const policy = sessionPolicy(settings.plain);
    const partnerId = String(settings.plain.partner_id);
    const key = `${policy.mode}|${settings.plain.domain ?? ''}|${partnerId}|${policy.endpoint}`;
    const nowMs = this.clock();
    const cached = this.apiSessions.get(key);
    if (cached && cached.useUntil > nowMs) return cached.ks;
    const now = Math.floor(nowMs / 1000);
    let ks: string;
    let lifetime = API_KS_SECONDS;
    if (policy.mode === 'local') {
      const secret = settings.secrets.secret_key;
      if (!secret) throw kalturaNotConfigured('Kaltura session mode "local" needs the administrator secret (secret_key), which is not set for this account.');
      ks = generateKs({ version: policy.ksVersion, partnerId, secret, userId: null, type: 2, expirySeconds: API_KS_SECONDS, privileges: '', now });
    } else if (policy.mode === 'remote' && settings.secrets.secret_key) {
      ks = await this.api.startAdminSession(endpointOf(settings.plain, policy), partnerId, settings.secrets.secret_key, API_KS_SECONDS, policy.timeoutMs);
    } else {
      // app_token mode (or remote without the administrator secret): the token's session, its limits apply
      const issuer = this.issuers.get(policy.mode);
      if (!issuer) throw kalturaNotConfigured(`Kaltura session mode "${policy.mode}" is not available on this server.`);
      const issued = await issuer.issue({ settings, policy, partnerId, userId: '', expirySeconds: API_KS_SECONDS, privileges: 'list:*', now });
      ks = issued.ks;
      lifetime = Math.max(1, issued.expiresAt - now);
    }
    this.apiSessions.set(key, { ks, useUntil: useUntil(nowMs, lifetime) });
    return ks;
  }

  /** Forgets cached sessions (settings changed). */
  clear(): void {
    this.apiSessions.clear();
    this.downloadSessions.clear();
  }
}
