/**
 * A console world for browser tests: an app whose account talks to the Kaltura double in
 * remote mode, with real sessions and failures of each kind made through the API, plus a
 * history over several days written the way the service writes it (audit rows, Kaltura calls).
 */
import { startKalturaDouble, type KalturaDouble } from '../kaltura-double/kaltura-double.js';
import { bearer, createTestApp, saveSettings, seedUser, settingsForDouble, type TestApp } from '../helper.js';

const PARTNER = { partnerId: 2468, adminSecret: 'CONSOLE-admin-secret-2468', userSecret: 'CONSOLE-user-secret-2468' };
const HOUR = 3_600_000;

export interface ConsoleWorld {
  t: TestApp;
  kaltura: KalturaDouble;
  admin: Awaited<ReturnType<typeof seedUser>>;
  /** a KS minted through the API for a user of the account */
  mintedKs: string;
  partnerId: string;
  /** the account's administrator and user secrets (they must never reach the browser) */
  secrets: string[];
  close(): Promise<void>;
}

/** Builds the world; the account's host is 127.0.0.1 (the browser's). */
export async function consoleWorld(): Promise<ConsoleWorld> {
  const kaltura = await startKalturaDouble({ partners: [PARTNER] });
  const t = await createTestApp({ env: { KALTURA_BREAKER_FAILURES: '2', KALTURA_BREAKER_COOLDOWN_MS: '600000' } });
  const admin = await seedUser(t.ctx, { accountName: 'Console U', domains: ['127.0.0.1'], userName: 'Ada Admin', admin: true });
  const user = await seedUser(t.ctx, { accountId: admin.account.id, userName: 'Uma User', login: 'uma' });
  const accountId = admin.account.id;
  await saveSettings(
    t.ctx,
    settingsForDouble(kaltura.port, PARTNER, { session_mode: 'remote', kaltura_timeout_ms: '200', session_privileges: 'edit:*,list:*', upload_ui_conf: '1', player_ui_conf: '1', kcw_ui_conf: '1' }),
    accountId,
  );
  await t.ctx.settings.setEnabled(accountId, true);
  const post = () => t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: { host: '127.0.0.1', ...bearer(user.token) } });
  const first = await post();
  if (first.statusCode !== 200) throw new Error(`session: ${first.statusCode} ${first.body}`);
  const mintedKs = first.json().ks as string;
  await post();
  kaltura.setFault({ kind: 'kaltura-error', code: 'START_SESSION_ERROR', message: 'Error while starting session' });
  await post();
  kaltura.setFault({ kind: 'latency', ms: 1000 });
  await post();
  kaltura.setFault({ kind: 'html' });
  await post();
  await post(); // the circuit is open now: kaltura_unavailable
  kaltura.clearFaults();

  // history: sessions of every mode and calls of every outcome over the last nine days
  const now = Date.now();
  const modes = ['local', 'remote', 'app_token'];
  const outcomes = ['success', 'success', 'success', 'success', 'kaltura_session_failed', 'success', 'kaltura_timeout', 'success', 'kaltura_unavailable'] as const;
  const writes: Promise<void>[] = [];
  for (let h = 1; h < 9 * 24; h += 1) {
    const at = now - h * HOUR;
    const daily = Math.round(4 + 3 * Math.sin((h / 24) * Math.PI * 2) + (h % 5));
    for (let i = 0; i < daily; i++) {
      const mode = modes[(h + i) % (h < 48 ? 3 : 2)]!;
      writes.push(
        t.ctx.audit.insert({
          createdAt: new Date(at - i * 60_000).toISOString(),
          accountId,
          userId: user.user.id,
          realUserId: null,
          uid: `${user.user.id}_${accountId}`,
          mode,
          expiresAt: new Date(at + 6 * HOUR).toISOString(),
          privileges: 'edit:*,list:*',
          ksTail: 'a1b2c3',
          clientIp: '192.0.2.7',
          requestId: null,
        }),
      );
      if (mode !== 'local') {
        const outcome = outcomes[(h * 7 + i) % outcomes.length]!;
        t.ctx.kalturaCalls.record({
          createdAt: new Date(at - i * 60_000).toISOString(),
          accountId,
          mode,
          endpoint: `http://127.0.0.1:${kaltura.port}/api_v3`,
          outcome,
          latencyMs: outcome === 'kaltura_timeout' ? 200 : outcome === 'kaltura_unavailable' ? 0.05 : 40 + ((h * 13 + i * 29) % 180),
        });
      }
    }
  }
  await Promise.all(writes);
  await t.ctx.kalturaCalls.drain();
  return {
    t,
    kaltura,
    admin,
    mintedKs,
    partnerId: String(PARTNER.partnerId),
    secrets: [PARTNER.adminSecret, PARTNER.userSecret],
    close: async () => {
      await t.close();
      await kaltura.close();
    },
  };
}
