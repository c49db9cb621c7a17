/**
 * The world of the media API tests: the real app on SQLite or PostgreSQL with Kaltura settings
 * pointing at the Kaltura double on loopback; root accounts A and B, an admin and two users in A,
 * a user in B; request shortcuts.
 */
import { expect } from 'vitest';
import { startKalturaDouble, type KalturaDouble } from '../kaltura-double/kaltura-double.js';
import { CircuitBreakerRegistry } from '../../src/kaltura/circuit-breaker.js';
import { KalturaApiClient } from '../../src/kaltura/kaltura-api-client.js';
import { RemoteSessionIssuer } from '../../src/kaltura/issuers/remote-issuer.js';
import { AppTokenSessionIssuer } from '../../src/kaltura/issuers/app-token-issuer.js';
import { bearer, createTestApp, saveSettings, seedUser, settingsForDouble, type TestApp, type TestDatabase } from '../helper.js';

export const HOST_A = 'a.media.example.edu';
export const HOST_B = 'b.media.example.edu';
export const PARTNER = { partnerId: 4321, adminSecret: 'ADMINmedia-secret-7d6c5b4a3f', userSecret: 'USERmedia-secret-1a2b3c4d5e' };
export const APP_TOKEN = { id: '0_mediatok', token: 'APPtoken-media-0123456789abcdef', hashType: 'SHA256' as const };

type Seeded = Awaited<ReturnType<typeof seedUser>>;
export type Injected = Awaited<ReturnType<TestApp['app']['inject']>>;

export interface MediaWorld {
  t: TestApp;
  kaltura: KalturaDouble;
  admin: Seeded;
  user: Seeded;
  other: Seeded;
  userB: Seeded;
  /** settings for A pointing at the double in `mode` (session_expiry 1800) */
  settingsFor(mode: 'local' | 'remote' | 'app_token', extra?: Record<string, unknown>): Record<string, unknown>;
  /** one request: JSON when `body` is an object or array, a form when it is a string */
  call(who: Seeded | null, method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Injected>;
  /** registers an entry for `who` and waits for the background media.get */
  register(who: Seeded, fields: Record<string, unknown>): Promise<Injected>;
  close(): Promise<void>;
}

/** Builds the world; `mode` picks how sessions are made (local by default). */
export async function mediaWorld(database: TestDatabase, options: { mode?: 'local' | 'remote' | 'app_token'; sourcesTtlMs?: number; env?: Record<string, string> } = {}): Promise<MediaWorld> {
  const kaltura = await startKalturaDouble({ partners: [PARTNER], appTokens: [{ ...APP_TOKEN, partnerId: PARTNER.partnerId }] });
  const breakers = new CircuitBreakerRegistry({ failureThreshold: 50, cooldownMs: 200 });
  const client = new KalturaApiClient({ backoffMs: 5, maxRetries: 1, breakers });
  const t = await createTestApp({
    database,
    kalturaClient: client,
    issuers: [new RemoteSessionIssuer(client), new AppTokenSessionIssuer(client)],
    mediaSourcesTtlMs: options.sourcesTtlMs ?? 30_000,
    ...(options.env ? { env: options.env } : {}),
  });
  const admin = await seedUser(t.ctx, { accountName: 'A', domains: [HOST_A], userName: 'Ada Admin', login: 'ada', admin: true });
  const user = await seedUser(t.ctx, { accountId: admin.account.id, userName: 'Pat Plain', login: 'pat' });
  const other = await seedUser(t.ctx, { accountId: admin.account.id, userName: 'Oli Other', login: 'oli' });
  const userB = await seedUser(t.ctx, { accountName: 'B', domains: [HOST_B], userName: 'Bob B', login: 'bob' });
  const settingsFor = (mode: 'local' | 'remote' | 'app_token', extra: Record<string, unknown> = {}) => {
    const base = settingsForDouble(kaltura.port, PARTNER, { session_mode: mode, kaltura_timeout_ms: '2000', session_expiry: '1800' }, { secrets: mode !== 'app_token' });
    if (mode === 'app_token') Object.assign(base, { app_token_id: APP_TOKEN.id, app_token: APP_TOKEN.token, app_token_hash_type: APP_TOKEN.hashType });
    return { ...base, ...extra };
  };
  await saveSettings(t.ctx, settingsFor(options.mode ?? 'local'));
  kaltura.clearRecords();
  const hostOf = (who: Seeded | null) => (who && who.account.id === userB.account.id ? HOST_B : HOST_A);
  const call: MediaWorld['call'] = (who, method, url, body, extraHeaders = {}) => {
    const headers: Record<string, string> = { host: hostOf(who), ...(who ? bearer(who.token) : {}), ...extraHeaders };
    if (typeof body === 'string') headers['content-type'] ??= 'application/x-www-form-urlencoded';
    return t.app.inject({ method: method as 'GET', url, headers, ...(body === undefined ? {} : { payload: body as string }) });
  };
  return {
    t,
    kaltura,
    admin,
    user,
    other,
    userB,
    settingsFor,
    call,
    register: async (who, fields) => {
      const res = await call(who, 'POST', '/api/v1/media_objects', fields);
      await t.ctx.media.idle();
      return res;
    },
    close: async () => {
      await t.ctx.media.idle();
      await t.close();
      await kaltura.close();
    },
  };
}

/** Row counts of the media tables (to show nothing was stored). */
export async function mediaCounts(t: TestApp): Promise<{ objects: number; tracks: number; events: number }> {
  const db = t.ctx.db.kysely;
  const n = async (table: 'media_objects' | 'media_tracks' | 'media_events') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
  return { objects: await n('media_objects'), tracks: await n('media_tracks'), events: await n('media_events') };
}

/** Asserts a Canvas 4xx `{"errors":[{"message":…}]}` whose message matches. */
export function expectError(res: Injected, status: number, message?: RegExp): void {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json() as { errors: Array<{ message: string }> };
  expect(Array.isArray(body.errors)).toBe(true);
  if (message) expect(body.errors[0]!.message).toMatch(message);
}

/** The sum of a metric over the series with these labels in the exposition text (0 when none). */
export async function metricValue(t: TestApp, name: string, labels: Record<string, string>): Promise<number> {
  const { body } = await t.ctx.metrics.exposition();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (want.every((w) => line.includes(w))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
