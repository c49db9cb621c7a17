/**
 * Shared set-up for the Kaltura connectivity tests: the real app (SQLite) whose settings point at
 * a Kaltura double on loopback, with issuers built with small timeouts and breaker thresholds.
 */
import { startKalturaDouble, type AppTokenConfig, type KalturaDouble } from '../kaltura-double/kaltura-double.js';
import { CircuitBreakerRegistry, type CircuitBreakerOptions } from '../../src/kaltura/circuit-breaker.js';
import { KalturaApiClient, type KalturaApiClientOptions } from '../../src/kaltura/kaltura-api-client.js';
import { RemoteSessionIssuer } from '../../src/kaltura/issuers/remote-issuer.js';
import { AppTokenSessionIssuer, type AppTokenIssuerOptions } from '../../src/kaltura/issuers/app-token-issuer.js';
import { bearer, createTestApp, saveSettings, seedUser, settingsForDouble, type TestApp } from '../helper.js';

export const PARTNER = { partnerId: 1234, adminSecret: 'ADMINsecret-9f8e7d6c5b4a', userSecret: 'USERsecret-1a2b3c4d5e6f' };
export const APP_TOKEN = { id: '0_apptok01', token: 'APPtoken-secret-0123456789abcdef', hashType: 'SHA256' as const };
export const TIMEOUT_MS = 300;
/**
 * The longest a request that must end by the issuers' timeout may take. Far over TIMEOUT_MS, so a
 * stall of a loaded CI machine does not fail a test, and under what a timeout that is not applied
 * would cost: the 5,000 ms default (`kaltura_timeout_ms`) or a wait for an answer that never comes.
 */
export const ENDS_BY_TIMEOUT_MS = 4_000;
export const HOST = 'school.example.edu';

/** An injected response. */
export type Injected = Awaited<ReturnType<TestApp['app']['inject']>>;

export interface Harness {
  t: TestApp;
  kaltura: KalturaDouble;
  seeded: Awaited<ReturnType<typeof seedUser>>;
  breakers: CircuitBreakerRegistry;
  appTokenIssuer: AppTokenSessionIssuer;
  /** POST /api/v1/services/kaltura_session as the seeded user */
  session(query?: string): Promise<Injected>;
  /** GET /api/v1/services/kaltura as the seeded user */
  config(): Promise<Injected>;
  /** settings that point at the double (a key given as undefined is left out) */
  settingsFor(mode: 'local' | 'remote' | 'app_token', extra?: Record<string, unknown>): Record<string, unknown>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  mode: 'local' | 'remote' | 'app_token';
  settings?: Record<string, unknown>;
  breaker?: CircuitBreakerOptions;
  client?: Omit<KalturaApiClientOptions, 'breakers'>;
  appToken?: AppTokenIssuerOptions;
  appTokens?: AppTokenConfig[];
  /** save the settings even when the connectivity check fails */
  force?: boolean;
}

/** Starts the double and the app, seeds a user and saves settings for `mode` (site-wide). */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const kaltura = await startKalturaDouble({
    partners: [PARTNER],
    appTokens: options.appTokens ?? [{ ...APP_TOKEN, partnerId: PARTNER.partnerId }],
  });
  const breakers = new CircuitBreakerRegistry({ failureThreshold: 3, cooldownMs: 400, ...options.breaker });
  const client = new KalturaApiClient({ backoffMs: 10, ...options.client, breakers });
  const appTokenIssuer = new AppTokenSessionIssuer(client, options.appToken);
  const t = await createTestApp({ issuers: [new RemoteSessionIssuer(client), appTokenIssuer] });
  const seeded = await seedUser(t.ctx, { accountName: 'School', domains: [HOST] });
  const settingsFor = (mode: 'local' | 'remote' | 'app_token', extra: Record<string, unknown> = {}): Record<string, unknown> => {
    const base = settingsForDouble(
      kaltura.port,
      PARTNER,
      { session_mode: mode, kaltura_timeout_ms: String(TIMEOUT_MS), session_expiry: '3600' },
      { secrets: mode !== 'app_token' },
    );
    if (mode === 'app_token') {
      base.app_token_id = APP_TOKEN.id;
      base.app_token = APP_TOKEN.token;
      base.app_token_hash_type = APP_TOKEN.hashType;
    }
    const merged: Record<string, unknown> = { ...base, ...extra };
    for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
    return merged;
  };
  if (options.force) {
    const saved = await t.ctx.settings.update(null, settingsFor(options.mode, options.settings), { force: true });
    if (!saved.ok) throw new Error(`settings refused: ${JSON.stringify(saved.errors)}`);
  } else {
    await saveSettings(t.ctx, settingsFor(options.mode, options.settings));
  }
  kaltura.clearRecords();
  return {
    t,
    kaltura,
    seeded,
    breakers,
    appTokenIssuer,
    session: (query = '') =>
      t.app.inject({ method: 'POST', url: `/api/v1/services/kaltura_session${query}`, headers: { host: HOST, ...bearer(seeded.token) } }),
    config: () => t.app.inject({ method: 'GET', url: '/api/v1/services/kaltura', headers: { host: HOST, ...bearer(seeded.token) } }),
    settingsFor,
    close: async () => {
      await t.close();
      await kaltura.close();
    },
  };
}

/** Asks the double (over HTTP, api_v3 session.get) whether it accepts a KS; returns its session info or error. */
export async function verifyWithDouble(kaltura: KalturaDouble, ks: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${kaltura.url}/api_v3/service/session/action/get`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ks, format: '1' }).toString(),
  });
  return (await res.json()) as Record<string, unknown>;
}

/** The uid Canvas gives the seeded user. */
export function uidOf(h: Harness): string {
  return `${h.seeded.user.id}_${h.seeded.account.id}`;
}

/** The first error entry of a Canvas error body. */
export function firstError(body: string): Record<string, unknown> {
  const parsed = JSON.parse(body) as { errors: Array<Record<string, unknown>> };
  return parsed.errors[0]!;
}
