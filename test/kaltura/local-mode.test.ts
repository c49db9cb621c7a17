/** `local` mode's KS, minted by the service over HTTP, is accepted by the double's KS validation (v2 and v1). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveSettings } from '../helper.js';
import { startHarness, uidOf, verifyWithDouble, type Harness } from './setup.js';

describe('local mode against the double', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode: 'local', settings: { session_privileges: 'list:*' } });
  });
  afterAll(async () => h.close());

  it.each([2, 1])('a KS v%i minted locally is valid at Kaltura, for the uid, type 0', async (version) => {
    await saveSettings(h.t.ctx, { ks_version: String(version) });
    const res = await h.session();
    expect(res.statusCode).toBe(200);
    expect(h.kaltura.requests.filter((r) => r.operation !== 'session.get')).toEqual([]); // no call to Kaltura
    const info = await verifyWithDouble(h.kaltura, res.json().ks);
    expect(info).toMatchObject({ objectType: 'KalturaSessionInfo', sessionType: 0, partnerId: 1234, userId: uidOf(h), privileges: 'list:*' });
  });
});
