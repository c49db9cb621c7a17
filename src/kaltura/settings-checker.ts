/**
 * The check run when Kaltura settings are saved (like Canvas's validator, which starts a
 * session with the new values): `remote` and `app_token` start a real, short trial session
 * against Kaltura and report its answer; `local` checks that the administrator secret is there
 * and that a KS minted with it verifies. The check bypasses the circuit breaker (an operator
 * wants Kaltura's real answer) and never uses cached widget sessions.
 */
import { generateKs, ksTail, parseKs } from '../ks/index.js';
import { isConfigured, sessionPolicy, type EffectiveSettings } from '../settings/kaltura-settings.js';
import type { SettingsCheckResult, SettingsChecker } from '../settings/settings-service.js';
import { AppTokenSessionIssuer } from './issuers/app-token-issuer.js';
import { RemoteSessionIssuer } from './issuers/remote-issuer.js';
import type { SessionIssuer } from './issuers/session-issuer.js';
import type { KalturaApiClient } from './kaltura-api-client.js';
import { KalturaError } from './kaltura-errors.js';

/** The user id of trial sessions (they live 60 s and carry the configured privileges). */
export const CHECK_USER_ID = 'canvas-kaltura-settings-check';
const CHECK_EXPIRY_SECONDS = 60;

const OUTCOME_BY_CODE: Readonly<Record<string, string>> = {
  START_SESSION_ERROR: 'wrong_secret',
  SERVICE_FORBIDDEN_CONTENT_BLOCKED: 'unknown_partner',
  INVALID_PARTNER_ID: 'unknown_partner',
  INVALID_WIDGET_ID: 'unknown_partner',
  APP_TOKEN_ID_NOT_FOUND: 'app_token_not_found',
  APP_TOKEN_NOT_ACTIVE: 'app_token_not_active',
  APP_TOKEN_EXPIRED: 'app_token_expired',
  INVALID_APP_TOKEN_HASH: 'wrong_app_token',
};

const OUTCOME_BY_REASON: Readonly<Record<string, string>> = {
  not_configured: 'not_configured',
  timeout: 'timeout',
  connection: 'unreachable',
  http_status: 'http_error',
  bad_answer: 'bad_answer',
  too_large: 'bad_answer',
  unavailable: 'unavailable',
};

/** Outcomes: success, not_configured, missing_secret, wrong_secret, unknown_partner, timeout, unreachable, http_error, bad_answer, app_token_*, wrong_app_token, kaltura_error. */
export class KalturaSettingsChecker implements SettingsChecker {
  constructor(
    private readonly client: KalturaApiClient,
    private readonly clock: () => number = Date.now,
  ) {}

  /** `remote` and `app_token` are checked on every save; `local` only when asked. */
  checksByDefault(settings: EffectiveSettings): boolean {
    const mode = sessionPolicy(settings.plain).mode;
    return mode === 'remote' || mode === 'app_token';
  }

  async check(settings: EffectiveSettings): Promise<SettingsCheckResult> {
    const policy = sessionPolicy(settings.plain);
    const partnerId = String(settings.plain.partner_id ?? '').trim();
    if (partnerId === '') return fail('not_configured', 'partner_id is not set.');
    const now = Math.floor(this.clock() / 1000);
    if (policy.mode === 'local') return this.checkLocal(settings, partnerId, policy.ksVersion, now);

    const issuer: SessionIssuer = policy.mode === 'remote' ? new RemoteSessionIssuer(this.client) : new AppTokenSessionIssuer(this.client);
    try {
      const session = await issuer.issue({
        settings,
        policy,
        partnerId,
        userId: CHECK_USER_ID,
        expirySeconds: CHECK_EXPIRY_SECONDS,
        privileges: policy.privileges,
        now,
      });
      const note = isConfigured(settings) ? '' : ' (note: Kaltura stays off for clients until the settings are enabled and have partner_id and subpartner_id)';
      return {
        ok: true,
        outcome: 'success',
        message: `Kaltura started a ${policy.mode} trial session for partner ${partnerId} (KS …${ksTail(session.ks)}).${note}`,
      };
    } catch (err) {
      if (!(err instanceof KalturaError)) throw err;
      const outcome = (err.kalturaCode && OUTCOME_BY_CODE[err.kalturaCode]) || OUTCOME_BY_REASON[err.reason] || 'kaltura_error';
      return fail(outcome, messageOf(err));
    }
  }

  private checkLocal(settings: EffectiveSettings, partnerId: string, version: 1 | 2, now: number): SettingsCheckResult {
    const secret = settings.secrets.secret_key;
    if (!secret) return fail('missing_secret', 'Session mode "local" needs the administrator secret (secret_key), which is not set.');
    const ks = generateKs({ version, partnerId, secret, userId: CHECK_USER_ID, type: 0, expirySeconds: CHECK_EXPIRY_SECONDS, now });
    const parsed = parseKs(ks, { adminSecretsFor: (p) => (p === partnerId ? [secret] : null), now });
    if (!parsed.valid) return fail('ks_invalid', `A KS minted with the administrator secret did not verify (${parsed.error ?? 'unknown error'}).`);
    return { ok: true, outcome: 'success', message: `Minted and verified a KS v${version} for partner ${partnerId} with the administrator secret (no call to Kaltura in local mode).` };
  }
}

function fail(outcome: string, message: string): SettingsCheckResult {
  return { ok: false, outcome, message: `Kaltura check failed (${outcome}): ${message}` };
}

function messageOf(err: KalturaError): string {
  const errors = err.body.errors;
  const first = Array.isArray(errors) ? (errors[0] as { message?: unknown } | undefined) : undefined;
  return typeof first?.message === 'string' ? first.message : err.message;
}
