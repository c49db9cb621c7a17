import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKs, parseKs } from '../../src/ks/index.js';
import { kalsig, startKalturaDouble, type KalturaDouble } from './kaltura-double.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

interface Sample {
  json?: string;
  xml?: string;
  content_type?: string;
}
const samples = (JSON.parse(readFileSync(join(here, 'vectors', 'kaltura-api-response-samples.json'), 'utf8')) as {
  samples: Record<string, Sample>;
}).samples;
const kalsigVectors = JSON.parse(readFileSync(join(here, 'vectors', 'k5uploader-kalsig-vectors.json'), 'utf8')) as Array<{
  name: string;
  params: Record<string, string | number | boolean>;
  kalsig: string;
  query_string: string;
}>;

function sample(name: string, kind: 'json' | 'xml'): string {
  const s = samples[name]?.[kind];
  if (s === undefined) throw new Error(`no sample ${name}.${kind}`);
  return s;
}

const PLACEHOLDER_KS = 'djJ8MTIzNHyExampleOnlyNotARealKs=';
const PARTNER = '1234';
const ADMIN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const USER = '0f9e8d7c6b5a49382716a5b4c3d2e1f0';
const ADMIN2 = 'second-admin-secret-for-1234';
const TOKEN_ID = '0_abcdef12';
const TOKEN = 'd2f0c1b8a7e6453f9a8b7c6d5e4f3a2b';
/** the double's clock: one hour before the sample's app-token expiry (1800000000) */
const NOW = 1_800_000_000 - 3600;

/** Fill a sample's placeholders (executionTime taken from the actual body) and compare exactly. */
function expectApiBody(actual: string, expectedSample: string, replacements: Array<[string, string]> = []): void {
  let expected = expectedSample;
  const exec = /<executionTime>([0-9.]+)<\/executionTime>/.exec(actual);
  if (exec) expected = expected.split('<executionTime>0.012345</executionTime>').join(`<executionTime>${exec[1]}</executionTime>`);
  for (const [from, to] of replacements) expected = expected.split(from).join(to);
  expect(actual).toBe(expected);
}

/** Fill a ps2 sample's serverTime and debug placeholders from the actual body, then compare exactly. */
function expectPs2Body(actual: string, expectedSample: string, replacements: Array<[string, string]> = []): void {
  let expected = expectedSample;
  const take = (tag: string): string => {
    const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(actual);
    if (!m) throw new Error(`no <${tag}> in ${actual}`);
    return m[1]!;
  };
  expected = expected.replace(/<serverTime>\d+<\/serverTime>/, `<serverTime>${take('serverTime')}</serverTime>`);
  expected = expected.replace('<validateSignature></validateSignature>', `<validateSignature>${take('validateSignature')}</validateSignature>`);
  expected = expected.replace('<signature>d41d8cd98f00b204e9800998ecf8427e</signature>', `<signature>${take('signature')}</signature>`);
  for (const tag of ['execute_impl_time', 'execute_time', 'total_time']) {
    expected = expected.replace(new RegExp(`<${tag}>[0-9.]+</${tag}>`), `<${tag}>${take(tag)}</${tag}>`);
  }
  for (const [from, to] of replacements) expected = expected.split(from).join(to);
  expect(actual).toBe(expected);
}

type Params = Record<string, string | number | boolean | undefined>;

function form(params: Params): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) out.append(k, String(v));
  return out;
}

function ksOf(body: string): string {
  const m = /<result>([^<]+)<\/result>/.exec(body) ?? /<ks>([^<]+)<\/ks>/.exec(body);
  if (m) return m[1]!;
  const j = JSON.parse(body) as unknown;
  return typeof j === 'string' ? j : (j as { ks: string }).ks;
}

let double: KalturaDouble;
let clock = NOW;

function parse(ks: string, secrets: readonly string[] = [ADMIN, ADMIN2], now = clock) {
  return parseKs(ks, { adminSecretsFor: (pid) => (pid === PARTNER ? secrets : undefined), now });
}

async function post(path: string, params: Params): Promise<Response> {
  return fetch(double.url + path, { method: 'POST', body: form(params) });
}

async function startSession(params: Params): Promise<string> {
  return (await post('/api_v3/service/session/action/start', params)).text();
}

async function widgetKs(): Promise<string> {
  const body = await (await post('/api_v3/service/session/action/startWidgetSession', { widgetId: `_${PARTNER}`, format: 1 })).text();
  return (JSON.parse(body) as { ks: string }).ks;
}

function hash(algorithm: string, text: string): string {
  return createHash(algorithm).update(text, 'utf8').digest('hex');
}

beforeAll(async () => {
  double = await startKalturaDouble({
    partners: [
      { partnerId: PARTNER, adminSecret: ADMIN, userSecret: USER, additionalAdminSecrets: [ADMIN2] },
      { partnerId: 555, adminSecret: 'v1-admin', userSecret: 'v1-user', ksVersion: 1 },
      { partnerId: 777, adminSecret: 'blocked-admin', userSecret: 'blocked-user', blocked: true },
    ],
    appTokens: [{ id: TOKEN_ID, token: TOKEN, hashType: 'SHA256', sessionUserId: 'svc-user', sessionDuration: 3600 }],
    now: () => clock,
  });
});

afterAll(async () => {
  await double.close();
});

beforeEach(() => {
  clock = NOW;
  double.clearFaults();
  const token = double.appTokens.get(TOKEN_ID)!;
  Object.assign(token, { status: 'active', expiry: null, sessionType: null, sessionUserId: 'svc-user', sessionDuration: 3600, sessionPrivileges: null, hashType: 'SHA256' });
});

describe('session.start', () => {
  it('answers the sample bodies in JSON and XML, for every URL style and parameter style', async () => {
    const params = { secret: USER, userId: 'john', type: 0, partnerId: PARTNER, expiry: 3600, privileges: 'sview:*' };
    const urls = [
      '/api_v3/service/session/action/start',
      '/api_v3/index.php/service/session/action/start',
      '/api_v3/?service=session&action=start',
      '/api_v3/index.php?service=session&action=start',
    ];
    for (const url of urls) {
      const sep = url.includes('?') ? '&' : '?';
      // POST form, XML (default format)
      const xml = await (await fetch(double.url + url, { method: 'POST', body: form(params) })).text();
      expectApiBody(xml, sample('session.start.success', 'xml'), [[PLACEHOLDER_KS, ksOf(xml)]]);
      // GET query, JSON
      const res = await fetch(`${double.url}${url}${sep}${form({ ...params, format: 1 })}`);
      expect(res.headers.get('content-type')).toBe('application/json');
      const json = await res.text();
      expectApiBody(json, sample('session.start.success', 'json'), [[PLACEHOLDER_KS, ksOf(json)]]);
      // POST JSON body
      const viaJson = await (
        await fetch(double.url + url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...params, type: 0, partnerId: Number(PARTNER), format: 1 }),
        })
      ).text();
      expectApiBody(viaJson, sample('session.start.success', 'json'), [[PLACEHOLDER_KS, ksOf(viaJson)]]);
      for (const ks of [ksOf(xml), ksOf(json), ksOf(viaJson)]) {
        const parsed = parse(ks);
        expect(parsed).toMatchObject({ valid: true, partnerId: PARTNER, userId: 'john', type: 0, privileges: 'sview:*', validUntil: NOW + 3600 });
      }
    }
  });

  it('format=1 JSON escapes "/" like PHP (KS v1 uses the standard Base64 alphabet)', async () => {
    for (let i = 0; i < 20; i++) {
      const body = await startSession({ secret: 'v1-admin', partnerId: 555, type: 2, userId: 'u', format: 1 });
      const ks = JSON.parse(body) as string;
      expect(body).toBe(`"${ks.replace(/\//g, '\\/')}"`);
      const parsed = parseKs(ks, { adminSecretsFor: (pid) => (pid === '555' ? ['v1-admin'] : null), now: clock });
      expect(parsed).toMatchObject({ valid: true, version: 1, type: 2 });
    }
  });

  it('applies the secret rules: user secret only for type 0, KS always signed with the admin secret', async () => {
    // user secret + USER session: fine, and the KS verifies with the admin secret only
    const userKs = ksOf(await startSession({ secret: USER, partnerId: PARTNER, type: 0, userId: 'x' }));
    expect(parse(userKs).valid).toBe(true);
    expect(parse(userKs, [USER]).valid).toBe(false);
    // user secret + ADMIN session: START_SESSION_ERROR
    expectApiBody(
      await startSession({ secret: USER, partnerId: PARTNER, type: 2, format: 1 }),
      sample('session.start.START_SESSION_ERROR', 'json'),
    );
    expectApiBody(await startSession({ secret: USER, partnerId: PARTNER, type: 2 }), sample('session.start.START_SESSION_ERROR', 'xml'));
    // a wrong secret
    expectApiBody(await startSession({ secret: 'nope', partnerId: PARTNER, type: 0 }), sample('session.start.START_SESSION_ERROR', 'xml'));
    // admin secrets (primary and additional) start ADMIN sessions signed with the primary admin secret
    for (const secret of [ADMIN, ADMIN2]) {
      const ks = ksOf(await startSession({ secret, partnerId: PARTNER, type: 2, userId: 'admin' }));
      expect(parse(ks, [ADMIN])).toMatchObject({ valid: true, type: 2, userId: 'admin' });
    }
    // type defaults to 0
    const defaultType = ksOf(await startSession({ secret: USER, partnerId: PARTNER }));
    expect(parse(defaultType)).toMatchObject({ valid: true, type: 0 });
  });

  it('caps the expiry at 86400 (the default when absent or not positive)', async () => {
    const cases: Array<[number | undefined, number]> = [
      [999_999, 86400],
      [86401, 86400],
      [60, 60],
      [0, 86400],
      [-5, 86400],
      [undefined, 86400],
    ];
    for (const [expiry, expected] of cases) {
      const params: Record<string, string | number> = { secret: ADMIN, partnerId: PARTNER, type: 2 };
      if (expiry !== undefined) params.expiry = expiry;
      const ks = ksOf(await startSession(params));
      expect(parse(ks).validUntil).toBe(NOW + expected);
    }
  });

  it('reports missing secrets, unknown and blocked partners and bad types like Kaltura', async () => {
    expectApiBody(await startSession({ partnerId: PARTNER, format: 1 }), sample('any.MISSING_MANDATORY_PARAMETER(secret)', 'json'));
    expectApiBody(await startSession({ partnerId: PARTNER }), sample('any.MISSING_MANDATORY_PARAMETER(secret)', 'xml'));
    for (const format of ['json', 'xml'] as const) {
      const f = format === 'json' ? { format: 1 } : {};
      expectApiBody(await startSession({ secret: ADMIN, partnerId: 99999, ...f }), sample('any.SERVICE_FORBIDDEN_CONTENT_BLOCKED(unknown partner)', format));
      expectApiBody(await startSession({ secret: 'blocked-admin', partnerId: 777, ...f }), sample('any.SERVICE_FORBIDDEN_CONTENT_BLOCKED(unknown partner)', format));
    }
    const badType = JSON.parse(await startSession({ secret: ADMIN, partnerId: PARTNER, type: 5, format: 1 })) as { code: string };
    expect(badType.code).toBe('INVALID_ENUM_VALUE');
    const badPartner = JSON.parse(await startSession({ secret: ADMIN, partnerId: 'abc', format: 1 })) as { code: string; message: string };
    expect(badPartner).toMatchObject({ code: 'INVALID_PARTNER_ID', message: 'Invalid partner id "abc"' });
    // errors come with HTTP 200
    const res = await post('/api_v3/service/session/action/start', { partnerId: PARTNER });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
  });

  it('rejects a bad ks parameter on any action with INVALID_KS', async () => {
    for (const format of ['json', 'xml'] as const) {
      const f = format === 'json' ? { format: 1 } : {};
      const body = await startSession({ secret: ADMIN, partnerId: PARTNER, ks: 'bm90LWEta3M=', ...f });
      expectApiBody(body, sample('any.INVALID_KS.parse_failure', format));
    }
  });

  it('answers unknown services and actions with Kaltura errors', async () => {
    const a = JSON.parse(await (await post('/api_v3/service/session/action/nope', { format: 1 })).text()) as { code: string };
    expect(a.code).toBe('ACTION_DOES_NOT_EXISTS');
    const s = JSON.parse(await (await post('/api_v3/service/playlist/action/list', { format: 1 })).text()) as { code: string };
    expect(s.code).toBe('SERVICE_DOES_NOT_EXISTS');
    // the media service exists, with only the actions the double implements
    const m = JSON.parse(await (await post('/api_v3/service/media/action/list', { format: 1 })).text()) as { code: string };
    expect(m.code).toBe('ACTION_DOES_NOT_EXISTS');
    expect((await fetch(`${double.url}/nowhere`)).status).toBe(404);
  });
});

describe('session.startWidgetSession, session.get, session.end', () => {
  it('starts widget sessions like the sample', async () => {
    for (const format of ['json', 'xml'] as const) {
      const body = await (
        await post('/api_v3/service/session/action/startWidgetSession', { widgetId: `_${PARTNER}`, ...(format === 'json' ? { format: 1 } : {}) })
      ).text();
      const ks = ksOf(body);
      expectApiBody(body, sample('session.startWidgetSession.success', format), [[PLACEHOLDER_KS, ks]]);
      expect(parse(ks)).toMatchObject({ valid: true, type: 0, userId: '0', privileges: 'view:*,widget:1', validUntil: NOW + 86400 });
      const unknown = await (
        await post('/api_v3/service/session/action/startWidgetSession', { widgetId: '_99999', ...(format === 'json' ? { format: 1 } : {}) })
      ).text();
      expectApiBody(unknown, sample('session.startWidgetSession.INVALID_WIDGET_ID', format));
    }
  });

  it('session.get describes the KS; missing, unparseable, expired and ended KSs fail like the samples', async () => {
    const ks = ksOf(await startSession({ secret: ADMIN, partnerId: PARTNER, type: 2, userId: 'me', privileges: 'list:*', expiry: 600 }));
    const info = JSON.parse(await (await post('/api_v3/service/session/action/get', { ks, format: 1 })).text()) as Record<string, unknown>;
    expect(info).toEqual({ sessionType: 2, partnerId: 1234, userId: 'me', expiry: NOW + 600, privileges: 'list:*', objectType: 'KalturaSessionInfo' });

    for (const format of ['json', 'xml'] as const) {
      const f = format === 'json' ? { format: 1 } : {};
      expectApiBody(await (await post('/api_v3/service/session/action/get', { ...f })).text(), sample('any.MISSING_KS', format));
      expectApiBody(await (await post('/api_v3/service/session/action/get', { ks: 'bm90LWEta3M=', ...f })).text(), sample('any.INVALID_KS.parse_failure', format));
      const expired = generateKs({ partnerId: PARTNER, secret: ADMIN, type: 2, expirySeconds: -10, now: clock });
      expectApiBody(await (await post('/api_v3/service/session/action/get', { ks: expired, ...f })).text(), sample('any.INVALID_KS.expired', format));
    }
    // session.end revokes (LOGOUT)
    const end = await (await post('/api_v3/service/session/action/end', { ks, format: 1 })).text();
    expect(end).toBe('null');
    for (const format of ['json', 'xml'] as const) {
      const body = await (await post('/api_v3/service/session/action/get', { ks, ...(format === 'json' ? { format: 1 } : {}) })).text();
      expectApiBody(body, sample('any.INVALID_KS.logout', format));
    }
  });

  it('checks iprestrict / urirestrict privileges against the caller', async () => {
    const ipKs = generateKs({ partnerId: PARTNER, secret: ADMIN, type: 2, privileges: 'iprestrict:10.9.8.7', now: clock });
    const ip = JSON.parse(await (await post('/api_v3/service/session/action/get', { ks: ipKs, format: 1 })).text()) as { message: string };
    expect(ip.message).toBe('Invalid KS "EXCEEDED_RESTRICTED_IP", Error "-1,INVALID_STR"');
    const okIp = generateKs({ partnerId: PARTNER, secret: ADMIN, type: 2, privileges: 'iprestrict:127.0.0.1', now: clock });
    expect(JSON.parse(await (await post('/api_v3/service/session/action/get', { ks: okIp, format: 1 })).text())).toMatchObject({ sessionType: 2 });
    const uriKs = generateKs({ partnerId: PARTNER, secret: ADMIN, type: 2, privileges: 'urirestrict:/elsewhere/*', now: clock });
    const uri = JSON.parse(await (await post('/api_v3/service/session/action/get', { ks: uriKs, format: 1 })).text()) as { message: string };
    expect(uri.message).toBe('Invalid KS "EXCEEDED_RESTRICTED_URI", Error "-1,INVALID_STR"');
  });

  it('honours the double clock: a KS expires when the clock passes it', async () => {
    const ks = ksOf(await startSession({ secret: ADMIN, partnerId: PARTNER, type: 2, expiry: 60 }));
    expect(JSON.parse(await (await post('/api_v3/service/session/action/get', { ks, format: 1 })).text())).toMatchObject({ sessionType: 2 });
    clock = NOW + 61;
    expectApiBody(await (await post('/api_v3/service/session/action/get', { ks })).text(), sample('any.INVALID_KS.expired', 'xml'));
  });
});

describe('appToken.startSession', () => {
  async function startWithToken(params: Params, wks?: string): Promise<string> {
    const ks = wks ?? (await widgetKs());
    return (await post('/api_v3/service/appToken/action/startSession', { ks, id: TOKEN_ID, tokenHash: hash('sha256', ks + TOKEN), ...params })).text();
  }

  it('answers the KalturaSessionInfo samples (JSON, XML, XML ignoreNull)', async () => {
    const json = await startWithToken({ format: 1 });
    expectApiBody(json, sample('appToken.startSession.success(KalturaSessionInfo)', 'json'), [[PLACEHOLDER_KS, ksOf(json)]]);
    const xml = await startWithToken({});
    expectApiBody(xml, sample('appToken.startSession.success(KalturaSessionInfo)', 'xml'), [[PLACEHOLDER_KS, ksOf(xml)]]);
    const xmlNoNull = await startWithToken({ ignoreNull: 1 });
    expectApiBody(xmlNoNull, sample('appToken.startSession.success(KalturaSessionInfo, ignoreNull=1)', 'xml'), [[PLACEHOLDER_KS, ksOf(xmlNoNull)]]);
    expect(parse(ksOf(json))).toMatchObject({
      valid: true,
      type: 0,
      userId: 'svc-user',
      validUntil: 1_800_000_000,
      privileges: `sessionid:${TOKEN_ID},apptoken:${TOKEN_ID}`,
    });
  });

  it('checks the hash for every hash type', async () => {
    const token = double.appTokens.get(TOKEN_ID)!;
    for (const [hashType, algorithm] of [
      ['SHA1', 'sha1'],
      ['MD5', 'md5'],
      ['SHA256', 'sha256'],
      ['SHA512', 'sha512'],
    ] as const) {
      token.hashType = hashType;
      const wks = await widgetKs();
      const ok = await (await post('/api_v3/service/appToken/action/startSession', { ks: wks, id: TOKEN_ID, tokenHash: hash(algorithm, wks + TOKEN), format: 1 })).text();
      expect(JSON.parse(ok)).toMatchObject({ objectType: 'KalturaSessionInfo', userId: 'svc-user' });
      const wrong = algorithm === 'md5' ? 'sha1' : 'md5';
      const bad = await (await post('/api_v3/service/appToken/action/startSession', { ks: wks, id: TOKEN_ID, tokenHash: hash(wrong, wks + TOKEN), format: 1 })).text();
      expectApiBody(bad, sample('appToken.startSession.INVALID_APP_TOKEN_HASH', 'json'));
    }
  });

  it('answers the app-token error samples', async () => {
    const token = double.appTokens.get(TOKEN_ID)!;
    for (const format of ['json', 'xml'] as const) {
      const f = format === 'json' ? { format: 1 } : {};
      expectApiBody(await startWithToken({ tokenHash: 'deadbeef', ...f }), sample('appToken.startSession.INVALID_APP_TOKEN_HASH', format));
      token.status = 'disabled';
      expectApiBody(await startWithToken(f), sample('appToken.startSession.APP_TOKEN_NOT_ACTIVE', format));
      token.status = 'active';
      token.expiry = NOW - 1;
      expectApiBody(await startWithToken(f), sample('appToken.startSession.APP_TOKEN_EXPIRED', format));
      token.expiry = null;
      double.deleteAppToken(TOKEN_ID);
      expectApiBody(await startWithToken(f), sample('appToken.startSession.APP_TOKEN_ID_NOT_FOUND', format));
      token.status = 'active';
      expectApiBody(
        await (await post('/api_v3/service/appToken/action/startSession', { id: TOKEN_ID, tokenHash: 'x', ...f })).text(),
        sample('any.MISSING_KS', format),
      );
      expectApiBody(await startWithToken(f, 'bm90LWEta3M='), sample('any.INVALID_KS.parse_failure', format));
    }
  });

  it("applies the token's own limits (user, type, duration, privileges)", async () => {
    const token = double.appTokens.get(TOKEN_ID)!;
    Object.assign(token, { sessionType: 2, sessionUserId: null, sessionDuration: 120, sessionPrivileges: 'list:*,sessionid:hijack' });
    const info = JSON.parse(await startWithToken({ format: 1, type: 0, userId: 'caller', expiry: 86400, sessionPrivileges: 'edit:*,list:0_x' })) as Record<string, unknown>;
    expect(info).toMatchObject({
      sessionType: 2,
      userId: 'caller',
      expiry: NOW + 120,
      privileges: `sessionid:${TOKEN_ID},apptoken:${TOKEN_ID},list:*,edit:*`,
    });
    const parsed = parse(info.ks as string);
    expect(parsed).toMatchObject({ valid: true, type: 2, userId: 'caller', validUntil: NOW + 120 });
    // a shorter requested expiry wins; the token's expiry bounds the session too
    token.expiry = NOW + 30;
    const short = JSON.parse(await startWithToken({ format: 1, expiry: 90 })) as { expiry: number };
    expect(short.expiry).toBe(NOW + 30);
    // deleting the token ends its sessions (LOGOUT)
    double.deleteAppToken(TOKEN_ID);
    const get = await (await post('/api_v3/service/session/action/get', { ks: info.ks as string })).text();
    expectApiBody(get, sample('any.INVALID_KS.logout', 'xml'));
  });
});

describe('partnerservices2 (k5uploader)', () => {
  const session = { subp_id: '123400', partner_id: PARTNER, uid: '42_1', serverTime: 1795793389, ui_conf_id: '23448' };

  function ps2Url(action: string, params: Record<string, string | number | boolean>): string {
    const withSig = { ...params, kalsig: kalsig(params) };
    // k5uploader's own encoding: encodeURIComponent, '&'-joined, in insertion order
    return `${double.url}/index.php/partnerservices2/${action}?${Object.entries(withSig)
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
      .join('&')}`;
  }

  async function userKs(): Promise<string> {
    return ksOf(await startSession({ secret: USER, partnerId: PARTNER, type: 0, userId: '42_1', privileges: 'edit:*' }));
  }

  async function upload(ks: string, fileId: string, name = 'my video.mov', bytes = Buffer.from('not really a movie')): Promise<Response> {
    const fd = new FormData();
    fd.append('Filename', name);
    fd.append('Filedata', new Blob([bytes], { type: 'video/quicktime' }), name);
    fd.append('Upload', 'Submit Query');
    return fetch(ps2Url('upload', { ks, ...session, filename: fileId }), { method: 'POST', body: fd });
  }

  it('getuiconf answers the sample, with the signature check reported in <debug>', async () => {
    for (const v of kalsigVectors.filter((x) => x.name === 'getuiconf')) {
      const res = await fetch(`${double.url}/index.php/partnerservices2/getuiconf${v.query_string}`);
      expect(res.headers.get('content-type')).toBe(samples['ps2.getuiconf.success(shape)']!.content_type);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const body = await res.text();
      expectPs2Body(body, sample('ps2.getuiconf.success(shape)', 'xml'));
      expect(body).toContain(`<signature>${v.kalsig}</signature>`);
      expect(body).toContain('<validateSignature>1</validateSignature>');
      expect(body).toContain('&lt;limits maxUploads=&quot;1&quot; maxFileSize=&quot;500&quot;');
      expect(body).toContain('extensions=&quot;*.mov;*.mp4;*.webm&quot;');
    }
    const bad = await (await fetch(ps2Url('getuiconf', { ...session, ui_conf_id: '99' }))).text();
    expectPs2Body(bad, sample('ps2.getuiconf.invalid_ui_conf_id', 'xml'));
    // Canvas's RCE sends no ui_conf_id (k5uploader writes `undefined`): the partner's default conf
    const unset = await (await fetch(ps2Url('getuiconf', { ...session, ui_conf_id: 'undefined' }))).text();
    expect(unset).toContain('<ui_conf><id>23448</id>');
    const otherPartner = await (await fetch(ps2Url('getuiconf', { ...session, partner_id: '555', ui_conf_id: 'undefined' }))).text();
    expect(otherPartner).toContain('<code>INVALID_UI_CONF_ID</code>');
    // a wrong kalsig is reported, never enforced
    const wrongSig = await (await fetch(`${double.url}/index.php/partnerservices2/getuiconf?ui_conf_id=23448&kalsig=0000`)).text();
    expect(wrongSig).toContain('<validateSignature></validateSignature>');
    expect(wrongSig).toContain('<ui_conf><id>23448</id>');
  });

  it('computes kalsig like the vectors', () => {
    for (const v of kalsigVectors) {
      const params = Object.fromEntries(Object.entries(v.params).map(([k, x]) => [k, x === '__undefined__' ? 'undefined' : x]));
      expect(kalsig(params)).toBe(v.kalsig);
      expect(kalsig(new URLSearchParams(v.query_string.slice(1)))).toBe(v.kalsig);
    }
  });

  it('runs getuiconf → multipart upload → addEntry and records the entry', async () => {
    const ks = await userKs();
    const fileId = '17957933890012';
    const up = await upload(ks, fileId);
    expect(up.headers.get('access-control-allow-origin')).toBe('*');
    const upBody = await up.text();
    const token = /<token>([^<]+)<\/token>/.exec(upBody)![1]!;
    expect(token).toMatch(/^1234\d{10}(\.\d{1,4})?$/);
    expectPs2Body(upBody, sample('ps2.upload.success', 'xml'), [['12341795793389.4611', token]]);
    expect(double.uploads.at(-1)).toMatchObject({ fileId, origFilename: 'my video.mov', partnerId: PARTNER, size: 18, entryId: null });
    expect(double.uploads.at(-1)!.data.toString()).toBe('not really a movie');

    const entryParams = {
      entry1_partnerData: "{'context_code': 'course_1'}",
      entry1_conversionProfile: 2,
      entry1_source: 1,
      kshow_id: -1,
      quick_edit: true,
      entry1_name: 'my video.mov',
      entry1_filename: fileId,
      entry1_realFilename: 'my video.mov',
      ks,
      ...session,
    };
    const added = await (await fetch(ps2Url('addEntry', entryParams))).text();
    const id = /<id>([^<]+)<\/id>/.exec(added)![1]!;
    expect(id).toMatch(/^0_[a-z0-9]{8}$/);
    expectPs2Body(added, sample('ps2.addentry.success(shape)', 'xml'), [['0_abcd1234', id]]);
    expect(added).toContain('<validateSignature>1</validateSignature>');
    const entry = double.entries.find((e) => e.id === id)!;
    expect(entry).toMatchObject({
      name: 'my video.mov',
      partnerData: "{'context_code': 'course_1'}",
      puserId: '42_1',
      subpId: '123400',
      partnerId: PARTNER,
      mediaType: 1,
      ksUserId: '42_1',
      conversionProfile: '2',
    });
    expect(entry.upload?.fileId).toBe(fileId);
    expect(double.uploads.at(-1)!.entryId).toBe(id);
    // the upload is used up
    const again = await (await fetch(ps2Url('addEntry', entryParams))).text();
    expectPs2Body(again, sample('ps2.addentry.invalid_file_name', 'xml'));
  });

  it('keys uploads to the KS: addEntry with another KS cannot find the file', async () => {
    const ks1 = await userKs();
    const ks2 = await userKs();
    await (await upload(ks1, 'f-keyed', 'song.mp3')).text();
    const body = await (
      await fetch(ps2Url('addEntry', { entry1_filename: 'f-keyed', entry1_name: 'x.mov', entry1_source: 1, ks: ks2, ...session }))
    ).text();
    expectPs2Body(body, sample('ps2.addentry.invalid_file_name', 'xml'));
    const ok = await (
      await fetch(ps2Url('addEntry', { entry1_filename: 'f-keyed', entry1_name: 'x.mp3', entry1_source: 1, ks: ks1, ...session }))
    ).text();
    expect(ok).toContain('<mediaType>5</mediaType>');
  });

  it('validates the KS on upload and addEntry like the samples', async () => {
    const expired = generateKs({ partnerId: PARTNER, secret: ADMIN, userId: '42_1', expirySeconds: -1, now: clock });
    const r1 = await (await upload(expired, 'f1')).text();
    expectPs2Body(r1, sample('ps2.upload.invalid_ks', 'xml'), [[PLACEHOLDER_KS, expired]]);
    const forged = generateKs({ partnerId: PARTNER, secret: USER, userId: '42_1', now: clock });
    expectPs2Body(await (await upload(forged, 'f2')).text(), sample('ps2.upload.bad_signature_or_unparseable_ks', 'xml'));
    expectPs2Body(await (await upload('', 'f3')).text(), sample('ps2.upload.missing_ks', 'xml'));
    const ks = await userKs();
    const noFile = await (await fetch(ps2Url('upload', { ks, ...session, filename: 'f4' }), { method: 'POST', body: form({ Filename: 'a.mov' }) })).text();
    expectPs2Body(noFile, sample('ps2.upload.no_file', 'xml'));
    const addExpired = await (await fetch(ps2Url('addEntry', { entry1_filename: 'f1', ks: expired, ...session }))).text();
    expect(addExpired).toContain(`<code>INVALID_KS</code><desc>Invalid KS [${expired}]. Error [-5,EXPIRED]</desc>`);
    expect(double.uploads.some((u) => ['f1', 'f2', 'f3', 'f4'].includes(u.fileId))).toBe(false);
  });

  it('allows cross-origin use: CORS headers and OPTIONS preflights', async () => {
    const pre = await fetch(`${double.url}/index.php/partnerservices2/upload?x=1`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:9999', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  it('caps upload bodies', async () => {
    const small = await startKalturaDouble({ maxUploadBytes: 1024 });
    try {
      const ks = generateKs({ partnerId: PARTNER, secret: ADMIN, userId: 'u' });
      const fd = new FormData();
      fd.append('Filedata', new Blob([Buffer.alloc(4096)]), 'big.mov');
      const res = await fetch(`${small.url}/index.php/partnerservices2/upload?ks=${encodeURIComponent(ks)}&filename=big`, { method: 'POST', body: fd }).catch((e: unknown) => e);
      if (res instanceof Response) expect(res.status).toBe(413);
      expect(small.uploads).toHaveLength(0);
      expect(small.requests.at(-1)?.bodyTruncated).toBe(true);
    } finally {
      await small.close();
    }
  });
});

describe('faults', () => {
  const startParams = { secret: ADMIN, partnerId: PARTNER, type: 2 };

  it('latency delays the real answer', async () => {
    double.enqueueFault({ kind: 'latency', ms: 300 });
    const t0 = performance.now();
    const body = await startSession(startParams);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    expect(parse(ksOf(body)).valid).toBe(true);
  });

  it('http5xx, html and kaltura-error replace the answer', async () => {
    double.enqueueFault({ kind: 'http5xx', status: 502 });
    const r1 = await post('/api_v3/service/session/action/start', startParams);
    expect(r1.status).toBe(502);
    expect(await r1.text()).toContain('<html>');

    double.enqueueFault({ kind: 'html' });
    const r2 = await post('/api_v3/service/session/action/start', startParams);
    expect(r2.status).toBe(200);
    expect(r2.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await r2.text()).toMatch(/^<!DOCTYPE html>/);

    double.enqueueFault({ kind: 'kaltura-error', code: 'START_SESSION_ERROR' });
    expectApiBody(await startSession({ ...startParams, format: 1 }), sample('session.start.START_SESSION_ERROR', 'json'));
    double.enqueueFault({ kind: 'kaltura-error', code: 'INVALID_PARTNER_ID' });
    expectApiBody(await startSession({ ...startParams, partnerId: 99999 }), sample('any.INVALID_PARTNER_ID', 'xml'));
    double.enqueueFault({ kind: 'kaltura-error', code: 'INVALID_KS', args: { KSID: 'EXPIRED' } });
    expectApiBody(await startSession(startParams), sample('any.INVALID_KS.expired', 'xml'));
    double.enqueueFault({ kind: 'kaltura-error', code: 'APP_TOKEN_ID_NOT_FOUND' });
    expectApiBody(
      await (await post('/api_v3/service/appToken/action/startSession', { id: TOKEN_ID, tokenHash: 'x', format: 1 })).text(),
      sample('appToken.startSession.APP_TOKEN_ID_NOT_FOUND', 'json'),
    );
    double.enqueueFault({ kind: 'kaltura-error', code: 'INTERNAL_SERVERL_ERROR' });
    expectApiBody(await startSession(startParams), sample('any.INTERNAL_SERVERL_ERROR', 'xml'));
    double.enqueueFault({ kind: 'kaltura-error', code: 'SERVICE_FORBIDDEN', args: { SERVICE: 'media->list' } });
    expectApiBody(await startSession(startParams), sample('any.SERVICE_FORBIDDEN', 'xml'));
    double.enqueueFault({ kind: 'kaltura-error', code: 'INVALID_KS', args: { KSID: '', ERR_CODE: '-4', ERR_DESC: 'INVALID_TYPE' } });
    expectApiBody(await startSession(startParams), sample('any.INVALID_KS.wrong_type(dispatcher)', 'xml'));
    // ps2 errors use the ps2 envelope
    double.enqueueFault({ kind: 'kaltura-error', code: 'MISSING_KS' }, { operation: 'ps2.*' });
    expectPs2Body(await (await fetch(`${double.url}/index.php/partnerservices2/upload`, { method: 'POST' })).text(), sample('ps2.upload.missing_ks', 'xml'));
  });

  it('truncated-xml cuts the real body', async () => {
    double.enqueueFault({ kind: 'truncated-xml' });
    const body = await startSession(startParams);
    expect(body.startsWith('<?xml version="1.0" encoding="utf-8"?><xml><result>')).toBe(true);
    expect(body).not.toContain('</xml>');
    double.enqueueFault({ kind: 'truncated-xml', bytes: 10 });
    expect(await startSession(startParams)).toBe('<?xml vers');
  });

  it('reset and no-answer break the transport', async () => {
    double.enqueueFault({ kind: 'reset' });
    await expect(post('/api_v3/service/session/action/start', startParams)).rejects.toThrow();
    double.enqueueFault({ kind: 'no-answer' });
    const t0 = performance.now();
    await expect(
      fetch(`${double.url}/api_v3/service/session/action/start`, { method: 'POST', body: form(startParams), signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
    // both requests were recorded
    const last = double.requests.slice(-2);
    expect(last.map((r) => r.fault?.kind)).toEqual(['reset', 'no-answer']);
  });

  it('slow-drip sends the real body slowly; huge-body sends more than 1 MiB', async () => {
    double.enqueueFault({ kind: 'slow-drip', chunkBytes: 64, intervalMs: 40 });
    const t0 = performance.now();
    const body = await startSession(startParams);
    const elapsed = performance.now() - t0;
    expect(parse(ksOf(body)).valid).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(Math.floor(body.length / 64) * 40 - 20);

    double.enqueueFault({ kind: 'huge-body' });
    const res = await post('/api_v3/service/session/action/start', startParams);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(1024 * 1024);
    expect((await res.arrayBuffer()).byteLength).toBe(2 * 1024 * 1024 + 1);

    double.enqueueFault({ kind: 'huge-body', bytes: 1_500_000, chunked: true });
    const res2 = await post('/api_v3/service/session/action/start', { ...startParams, format: 1 });
    expect(res2.headers.get('content-length')).toBeNull();
    const text = await res2.text();
    expect(text.length).toBe(1_500_000);
    expect(text.startsWith('"')).toBe(true);
  });

  it('global faults, filters, the fault header and the control API', async () => {
    double.setFault({ kind: 'http5xx', status: 503 }, { operation: 'appToken.startSession' });
    expect((await post('/api_v3/service/session/action/start', startParams)).status).toBe(200);
    expect((await post('/api_v3/service/appToken/action/startSession', {})).status).toBe(503);
    expect((await post('/api_v3/service/appToken/action/startSession', {})).status).toBe(503);
    double.setFault(null);
    expect((await post('/api_v3/service/appToken/action/startSession', {})).status).toBe(200);

    // queued faults are one-shot and wait for a matching operation
    double.enqueueFault({ kind: 'http5xx', status: 500 }, { operation: 'ps2.upload' });
    expect((await post('/api_v3/service/session/action/start', startParams)).status).toBe(200);
    expect(double.pendingFaults()).toHaveLength(1);
    expect((await fetch(`${double.url}/index.php/partnerservices2/upload`, { method: 'POST' })).status).toBe(500);
    expect(double.pendingFaults()).toHaveLength(0);

    const viaHeader = await fetch(`${double.url}/api_v3/service/session/action/start`, {
      method: 'POST',
      body: form(startParams),
      headers: { 'x-kaltura-double-fault': JSON.stringify({ kind: 'http5xx', status: 504 }) },
    });
    expect(viaHeader.status).toBe(504);

    const ctl = await fetch(`${double.url}/__double/faults`, {
      method: 'POST',
      body: JSON.stringify({ fault: { kind: 'kaltura-error', code: 'START_SESSION_ERROR' }, filter: { operation: 'session.start' } }),
    });
    expect(ctl.status).toBe(200);
    expectApiBody(await startSession(startParams), sample('session.start.START_SESSION_ERROR', 'xml'));
    const bad = await fetch(`${double.url}/__double/faults`, { method: 'POST', body: JSON.stringify({ fault: { kind: 'explode' } }) });
    expect(bad.status).toBe(400);
  });
});

describe('recording', () => {
  it('records request lines and bodies so secret leaks are visible', async () => {
    double.clearRecords();
    await startSession({ secret: ADMIN, partnerId: PARTNER, type: 2 });
    await fetch(`${double.url}/api_v3/?service=session&action=start&secret=${ADMIN}&partnerId=${PARTNER}`);
    expect(double.requestLines()).toEqual([
      'POST /api_v3/service/session/action/start',
      `GET /api_v3/?service=session&action=start&secret=${ADMIN}&partnerId=${PARTNER}`,
    ]);
    expect(double.requests[0]!.bodyText).toBe(`secret=${ADMIN}&partnerId=${PARTNER}&type=2`);
    expect(double.requests[0]!.params).toMatchObject({ secret: ADMIN, service: 'session', action: 'start' });
    expect(double.requests[0]!.operation).toBe('session.start');
    expect(double.requestsContaining(ADMIN, 'url').map((r) => r.seq)).toEqual([double.requests[1]!.seq]);
    expect(double.requestsContaining(ADMIN, 'body').map((r) => r.seq)).toEqual([double.requests[0]!.seq]);
    expect(double.requestsContaining(ADMIN)).toHaveLength(2);
    const viaControl = (await (await fetch(`${double.url}/__double/requests`)).json()) as Array<{ line: string }>;
    expect(viaControl.map((r) => r.line)).toEqual(double.requestLines());
    expect(double.requests).toHaveLength(2); // control calls are not recorded
    expect(double.sessions.map((x) => [x.operation, x.type])).toEqual([
      ['session.start', 2],
      ['session.start', 0],
    ]);
  });
});

describe('CLI', () => {
  it('`npm run kaltura-double -- --port 0 …` starts and answers', async () => {
    const child: ChildProcess = spawn(
      'npm',
      ['run', '--silent', 'kaltura-double', '--', '--port', '0', '--partner', '4321', '--admin-secret', 'cli-admin', '--user-secret', 'cli-user', '--app-token', '0_clitoken:abcdef:SHA256', '--quiet'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        const timer = setTimeout(() => reject(new Error(`no listening line; stdout=${out} stderr=${err}`)), 20_000);
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
        child.on('exit', (code) => reject(new Error(`exited ${code}; stderr=${err}`)));
      });
      const body = await (await fetch(`${url}/api_v3/service/session/action/start`, { method: 'POST', body: form({ secret: 'cli-user', partnerId: 4321, format: 1 }) })).text();
      const ks = JSON.parse(body) as string;
      expect(parseKs(ks, { adminSecretsFor: (pid) => (pid === '4321' ? ['cli-admin'] : null) }).valid).toBe(true);
      const wks = (JSON.parse(await (await fetch(`${url}/api_v3/service/session/action/startWidgetSession`, { method: 'POST', body: form({ widgetId: '_4321', format: 1 }) })).text()) as { ks: string }).ks;
      const info = JSON.parse(
        await (await fetch(`${url}/api_v3/service/appToken/action/startSession`, { method: 'POST', body: form({ ks: wks, id: '0_clitoken', tokenHash: hash('sha256', wks + 'abcdef'), format: 1 }) })).text(),
      ) as { objectType: string };
      expect(info.objectType).toBe('KalturaSessionInfo');
      const ui = await (await fetch(`${url}/index.php/partnerservices2/getuiconf?ui_conf_id=23448&partner_id=4321`)).text();
      expect(ui).toContain('<partnerId>4321</partnerId>');
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    }
  });
});
