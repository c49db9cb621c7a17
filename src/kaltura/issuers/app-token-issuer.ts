/**
 * `app_token` mode (Kaltura's recommended, secret-less way): a widget session for the partner
 * (cached until shortly before it expires, one call shared by concurrent requests), then
 * `appToken.startSession` with `tokenHash` = HASH(widget KS + token) per the token's hash type.
 */
import { appTokenHash, decodeKsUnverified } from '../../ks/index.js';
import { Deadline, DeadlineExceeded, raceSignal } from '../deadline.js';
import { KalturaApiClient, endpointOf, kalturaApiError, unexpectedResult, type KalturaEndpoint } from '../kaltura-api-client.js';
import { KalturaError, kalturaNotConfigured, kalturaTimeout } from '../kaltura-errors.js';
import { asKs, prop } from '../kaltura-response.js';
import { InMemoryWidgetSessionCache, type WidgetSession, type WidgetSessionCache } from '../widget-session-cache.js';
import type { IssuedSession, SessionIssuer, SessionRequest } from './session-issuer.js';

export interface AppTokenIssuerOptions {
  /** where widget sessions are kept (default: in this process) */
  cache?: WidgetSessionCache;
  /** lifetime asked for widget sessions, seconds (default 3600) */
  widgetExpirySeconds?: number;
  /** stop using a widget session this long before it expires, seconds (default 300, at most half its life) */
  refreshMarginSeconds?: number;
  /** clock in ms (default Date.now) */
  now?: () => number;
}

/** Starts USER sessions with an app token. */
export class AppTokenSessionIssuer implements SessionIssuer {
  readonly mode = 'app_token' as const;
  readonly cache: WidgetSessionCache;
  private readonly inflight = new Map<string, Promise<WidgetSession>>();
  private readonly widgetExpiry: number;
  private readonly margin: number;
  private readonly now: () => number;

  constructor(
    private readonly client: KalturaApiClient,
    options: AppTokenIssuerOptions = {},
  ) {
    this.cache = options.cache ?? new InMemoryWidgetSessionCache();
    this.widgetExpiry = Math.max(60, options.widgetExpirySeconds ?? 3600);
    this.margin = Math.min(options.refreshMarginSeconds ?? 300, this.widgetExpiry / 2);
    this.now = options.now ?? Date.now;
  }

  async issue(req: SessionRequest): Promise<IssuedSession> {
    const tokenId = typeof req.settings.plain.app_token_id === 'string' ? req.settings.plain.app_token_id.trim() : '';
    const token = req.settings.secrets.app_token;
    if (!tokenId || !token) {
      throw kalturaNotConfigured('Kaltura session mode "app_token" needs an app token id (app_token_id) and its token (app_token), which are not both set for this account.');
    }
    const endpoint = endpointOf(req.settings.plain, req.policy);
    const deadline = new Deadline(req.policy.timeoutMs);
    const key = `${endpoint.baseUrl}|${req.partnerId}`;
    for (let attempt = 0; ; attempt++) {
      const widget = await this.widgetSession(endpoint, key, req.partnerId, deadline, attempt > 0);
      const tokenHash = appTokenHash(widget.ks, token, req.policy.appTokenHashType);
      const sensitive = [token, tokenHash, widget.ks];
      const answer = await this.client.call({
        endpoint,
        service: 'appToken',
        action: 'startSession',
        params: {
          ks: widget.ks,
          id: tokenId,
          tokenHash,
          userId: req.userId,
          type: '0',
          expiry: String(req.expirySeconds),
          sessionPrivileges: req.privileges,
        },
        deadline,
        sensitive,
      });
      if (!answer.ok) {
        // the cached widget session died early (ended, expired, partner re-keyed): drop it, try once more
        if (answer.code === 'INVALID_KS' && attempt === 0) {
          await this.forget(key, widget);
          continue;
        }
        throw kalturaApiError(answer, sensitive);
      }
      const ks = asKs(prop(answer.value, 'ks'));
      if (!ks) throw unexpectedResult('a session without a KS');
      const expiry = Number(prop(answer.value, 'expiry'));
      const privileges = prop(answer.value, 'privileges');
      return {
        ks,
        expiresAt: Number.isSafeInteger(expiry) && expiry > req.now ? expiry : req.now + req.expirySeconds,
        privileges: typeof privileges === 'string' ? privileges : req.privileges,
      };
    }
  }

  /** A widget session for the partner: cached, or one call shared by everyone waiting for it. */
  private async widgetSession(endpoint: KalturaEndpoint, key: string, partnerId: string, deadline: Deadline, fresh: boolean): Promise<WidgetSession> {
    if (!fresh) {
      const cached = await this.cache.get(key).catch(() => undefined);
      if (cached && cached.useUntil > this.now()) return cached;
    }
    for (;;) {
      let pending = this.inflight.get(key);
      const joined = pending !== undefined;
      if (!pending) {
        pending = this.startWidgetSession(endpoint, key, partnerId, deadline).finally(() => this.inflight.delete(key));
        this.inflight.set(key, pending);
      }
      try {
        return await raceSignal(pending, deadline.signal);
      } catch (err) {
        if (err instanceof DeadlineExceeded) throw kalturaTimeout(deadline.timeoutMs);
        // the call we joined ran out of its starter's time, not ours: start our own if time allows
        const enough = Math.min(100, deadline.timeoutMs / 4);
        if (joined && err instanceof KalturaError && err.reason === 'timeout' && deadline.remainingMs() > enough) continue;
        throw err;
      }
    }
  }

  private async startWidgetSession(endpoint: KalturaEndpoint, key: string, partnerId: string, deadline: Deadline): Promise<WidgetSession> {
    const answer = await this.client.call({
      endpoint,
      service: 'session',
      action: 'startWidgetSession',
      params: { widgetId: `_${partnerId}`, expiry: String(this.widgetExpiry) },
      deadline,
      sensitive: [],
    });
    if (!answer.ok) throw kalturaApiError(answer, []);
    const ks = asKs(prop(answer.value, 'ks'));
    if (!ks) throw unexpectedResult('a widget session without a KS');
    const startedAt = this.now();
    let expiresAt = startedAt + this.widgetExpiry * 1000;
    const shown = decodeKsUnverified(ks).validUntil; // readable in a v1 KS only
    if (typeof shown === 'number' && shown * 1000 > startedAt) expiresAt = Math.min(expiresAt, shown * 1000);
    const useUntil = expiresAt - this.margin * 1000;
    const session: WidgetSession = { ks, useUntil };
    await this.cache.set(key, session, useUntil - startedAt).catch(() => {});
    return session;
  }

  private async forget(key: string, stale: WidgetSession): Promise<void> {
    const current = await this.cache.get(key).catch(() => undefined);
    if (!current || current.ks === stale.ks) await this.cache.delete(key).catch(() => {});
  }
}
