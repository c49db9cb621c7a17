import { describe, expect, it } from 'vitest';
import fastJsonStringify, { type Schema } from 'fast-json-stringify';
import type { EffectiveSettings, PlainSettings } from '../settings/kaltura-settings.js';
import { uploadConfig, type KalturaSessionBody } from '../sessions/kaltura-service.js';
import { sessionResponse } from './routes/services.js';
import { UploadConfigJson, withUploadConfigJson } from './upload-config-json.js';

const serializeSession = fastJsonStringify(sessionResponse as unknown as Schema) as (body: unknown) => string;

function settings(plain: PlainSettings): EffectiveSettings {
  return { exists: true, enabled: true, plain, secrets: {} };
}

const SETTINGS: PlainSettings[] = [
  // everything Canvas's plugin form has, the protocol set
  { domain: 'kaltura.example.edu', resource_domain: 'cdn.example.edu', rtmp_domain: 'rtmp.example.edu', protocol: 'https', partner_id: '1234', subpartner_id: '123400', player_ui_conf: '1', player_cache_st: '9', kcw_ui_conf: '2', upload_ui_conf: '3', max_file_size_bytes: 500_000_000, do_analytics: true, hide_rte_button: false, js_uploader: true },
  // the minimum: no protocol (the request's scheme), no size (the default)
  { domain: 'k.example.org', partner_id: 7, subpartner_id: 700 },
  // values JSON must escape, a size that is not a number
  { domain: 'ex"ample\\.org/\u2028é', partner_id: '1', subpartner_id: '2', kcw_ui_conf: 'a\nb', max_file_size_bytes: 'lots' },
];

const BODY: KalturaSessionBody = { ks: 'djJ8MTIzNHz' + 'A'.repeat(120) + '==', subp_id: '123400', partner_id: '1234', uid: '7_1', serverTime: 1_764_770_000 };

describe('UploadConfigJson', () => {
  it('writes the bytes the session schema writes for uploadConfig, per scheme and caller, from the kept prefix', () => {
    const json = new UploadConfigJson();
    for (const plain of SETTINGS) {
      const s = settings(plain);
      for (const scheme of ['http', 'https', 'http']) {
        for (const [accountUuid, userUuid] of [['acc-1', 'user-1'], ['acc-1', 'user-2'], ['ünï"code', 'x&y=z']] as const) {
          const expected = serializeSession({ ...BODY, kaltura_setting: uploadConfig(plain, scheme, accountUuid, userUuid) });
          expect(withUploadConfigJson(serializeSession(BODY), json.json(s, scheme, accountUuid, userUuid))).toBe(expected);
        }
      }
    }
  });

  it('follows a change of settings (a new settings object)', () => {
    const json = new UploadConfigJson();
    const before = json.json(settings({ domain: 'old.example.edu', partner_id: '1', subpartner_id: '2' }), 'https', 'a', 'u');
    const after = json.json(settings({ domain: 'new.example.edu', partner_id: '1', subpartner_id: '2' }), 'https', 'a', 'u');
    expect(JSON.parse(before).uploadUrl).toBe('https://old.example.edu/index.php/partnerservices2/upload');
    expect(JSON.parse(after).uploadUrl).toBe('https://new.example.edu/index.php/partnerservices2/upload');
  });
});
