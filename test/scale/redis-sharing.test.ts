/**
 * What instances share through Redis, in-process against the real Redis: invalidations reach
 * the other instance's listeners (not their own twice, not malformed messages), and the
 * app-token widget session started by one instance is reused by another.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { openSharedRedis, type SharedRedis } from '../../src/redis/shared-redis.js';
import type { InvalidationTopic } from '../../src/cache/invalidation-bus.js';
import { startKalturaDouble, type KalturaDouble } from '../kaltura-double/kaltura-double.js';
import { bearer, createTestApp, saveSettings, seedUser, settingsForDouble, type TestApp } from '../helper.js';
import { eventually } from '../process.js';
import { missingServices, REDIS_TEST_URL, uniqueRedisPrefix } from './scale-helper.js';

const skip = await missingServices({ redis: true });
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

describe.skipIf(skip !== null)('sharing through Redis', () => {
  it('delivers an invalidation to the other instance once, and to its own listeners once', async () => {
    const prefix = uniqueRedisPrefix();
    const open = (): SharedRedis => {
      const r = openSharedRedis(REDIS_TEST_URL, prefix, () => {});
      closers.push(() => r.close());
      return r;
    };
    const [one, two] = [open(), open()];
    const got1: string[] = [];
    const got2: string[] = [];
    one.bus.subscribe((t, k) => got1.push(`${t}:${k}`));
    two.bus.subscribe((t, k) => got2.push(`${t}:${k}`));
    await eventually(async () => one.check().status === 'ok' && two.check().status === 'ok', 5000, 20);
    // subscriptions are live once a probe message makes it across
    await eventually(async () => {
      one.bus.publish('account', 'probe');
      await new Promise((r) => setTimeout(r, 30));
      return got2.includes('account:probe');
    }, 5000, 0);
    got1.length = 0;
    got2.length = 0;

    one.bus.publish('token', '42');
    expect(await eventually(async () => got2.includes('token:42'), 2000, 10)).toBe(true);
    // junk on the channel is ignored
    const raw = new Redis(REDIS_TEST_URL);
    closers.push(async () => void raw.disconnect());
    await raw.publish(`${prefix}invalidate`, 'not json');
    await raw.publish(`${prefix}invalidate`, JSON.stringify({ i: 'x', t: 'nonsense' as InvalidationTopic, k: '1' }));
    two.bus.publish('settings', 'site');
    expect(await eventually(async () => got1.includes('settings:site'), 2000, 10)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(got1).toEqual(['token:42', 'settings:site']);
    expect(got2).toEqual(['token:42', 'settings:site']);
  });

  it('one app-token widget session serves two instances', async () => {
    const partner = { partnerId: 4321, adminSecret: 'ADMINsecret-scale-0001', userSecret: 'USERsecret-scale-0001' };
    const appToken = { id: '0_scaletok', token: `APPtoken-${randomBytes(8).toString('hex')}`, hashType: 'SHA256' as const, partnerId: partner.partnerId };
    const kaltura: KalturaDouble = await startKalturaDouble({ partners: [partner], appTokens: [appToken] });
    closers.push(() => kaltura.close());
    const env = { REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: uniqueRedisPrefix() };
    const settings = settingsForDouble(
      kaltura.port,
      partner,
      { session_mode: 'app_token', app_token_id: appToken.id, app_token: appToken.token, app_token_hash_type: 'SHA256' },
      { secrets: false },
    );
    const instances: Array<{ t: TestApp; token: string }> = [];
    for (let i = 0; i < 2; i++) {
      const t = await createTestApp({ env });
      closers.push(() => t.close());
      await eventually(async () => t.ctx.redis?.check().status === 'ok', 5000, 20);
      await saveSettings(t.ctx, settings);
      const { token } = await seedUser(t.ctx);
      instances.push({ t, token });
    }
    const widgetCalls = () => kaltura.requests.filter((r) => r.operation === 'session.startWidgetSession').length;
    const session = async (i: number) => {
      const { t, token } = instances[i]!;
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: bearer(token) });
      expect(r.statusCode, r.body).toBe(200);
    };
    await session(0);
    expect(widgetCalls()).toBeGreaterThan(0);
    const afterFirst = widgetCalls();
    // the second instance finds the first one's widget session in Redis
    await session(1);
    expect(widgetCalls()).toBe(afterFirst);
  });
});
