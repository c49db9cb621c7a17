/** Configuration from the environment: defaults, validation messages, and settings that reach their users. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createKalturaConnectivity } from '../src/kaltura/kaltura-connectivity.js';
import { LocalInvalidationBus } from '../src/cache/invalidation-bus.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', dataDir: './data', databaseUrl: './data/canvas-kaltura.db', cacheTtlMs: 2000, bodyLimitBytes: 65536, trustProxy: false, production: false });
    expect(c.kalturaBreaker).toEqual({ failureThreshold: 5, cooldownMs: 30000 });
  });

  it('names every bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', CACHE_TTL_MS: '9000', TRUST_PROXY: 'maybe', KALTURA_BREAKER_FAILURES: '0' })).toThrow(
      /PORT[\s\S]*TRUST_PROXY|TRUST_PROXY[\s\S]*PORT/,
    );
    expect(() => loadConfig({ CACHE_TTL_MS: '9000' })).toThrow(/CACHE_TTL_MS/);
    expect(() => loadConfig({ KALTURA_BREAKER_FAILURES: '0' })).toThrow(/KALTURA_BREAKER_FAILURES/);
  });

  it('reads TRUST_PROXY as true/false or a list of proxy addresses and CIDRs', () => {
    expect(loadConfig({ TRUST_PROXY: 'yes' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,fd00::/8 ,::1' }).trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', 'fd00::/8', '::1']);
    for (const bad of ['maybe', '10.0.0.0/33', '10.0.0.300', 'proxy.internal', '10.0.0.1/x', '::1/129']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY: must be true, false, or proxy addresses/);
    }
  });

  it('passes the breaker settings to the Kaltura circuit breakers', () => {
    const c = loadConfig({ KALTURA_BREAKER_FAILURES: '2', KALTURA_BREAKER_COOLDOWN_MS: '60000' });
    const k = createKalturaConnectivity(c, new LocalInvalidationBus());
    const breaker = k.breakers.get('https://kaltura.example.com/api_v3');
    for (let i = 0; i < 2; i++) breaker.failed(breaker.acquire());
    expect(k.breakers.states()['https://kaltura.example.com/api_v3']).toBe('open');
  });
});
