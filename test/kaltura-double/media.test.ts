/**
 * The double's media side: api_v3 media.get, flavorAsset.list / getByEntryId (XML and JSON as
 * Kaltura's serializers render them, read back the way Canvas's kaltura_client_v3.rb reads them),
 * flavor downloads behind a `download:<entry>` KS, thumbnails at Canvas's URL, and faults on all of it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKs } from '../../src/ks/index.js';
import { FLAVOR_STATUS, kalsig, startKalturaDouble, type CreatedEntry, type KalturaDouble } from './kaltura-double.js';

const PARTNER = '1234';
const ADMIN = 'media-double-admin-secret';
const USER = 'media-double-user-secret';
const OTHER = { partnerId: 5678, adminSecret: 'other-partner-admin', userSecret: 'other-partner-user' };
const NOW = 1_800_000_000;

let double: KalturaDouble;
let clock = NOW;

type Params = Record<string, string | number>;

function ks(options: { type?: 0 | 2; privileges?: string; userId?: string; partnerId?: number; secret?: string; expiry?: number } = {}): string {
  return generateKs({
    version: 2,
    partnerId: options.partnerId ?? Number(PARTNER),
    secret: options.secret ?? ADMIN,
    userId: options.userId ?? '',
    type: options.type ?? 2,
    expirySeconds: options.expiry ?? 3600,
    privileges: options.privileges ?? '',
    now: clock,
  });
}

async function api(service: string, action: string, params: Params): Promise<string> {
  const body = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
  const res = await fetch(`${double.url}/api_v3/service/${service}/action/${action}`, { method: 'POST', body });
  return res.text();
}

/** Canvas's reading of an api_v3 XML result: each `<item>`'s child elements as name → text. */
function xmlItems(body: string): Array<Record<string, string>> {
  return [...body.matchAll(/<item>(.*?)<\/item>/g)].map((m) => childElements(m[1]!));
}

function childElements(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of xml.matchAll(/<([A-Za-z]+)>([^<]*)<\/\1>/g)) out[m[1]!] = m[2]!;
  return out;
}

function resultOf(body: string): string {
  const m = /^<\?xml version="1\.0" encoding="utf-8"\?><xml><result>(.*)<\/result><executionTime>[0-9.]+<\/executionTime><\/xml>$/.exec(body);
  if (!m) throw new Error(`not an api_v3 XML body: ${body.slice(0, 200)}`);
  return m[1]!;
}

/** Upload a file and add its entry the way k5uploader does (partnerservices2), returning the entry. */
async function uploadEntry(name: string, bytes: Buffer, contentType: string): Promise<CreatedEntry> {
  const userKs = ks({ type: 0, userId: 'uploader', privileges: 'edit:*' });
  const session = { subp_id: '123400', partner_id: PARTNER, uid: 'uploader' };
  const url = (action: string, params: Record<string, string | number>): string => {
    const all = { ...params, kalsig: kalsig(params) };
    return `${double.url}/index.php/partnerservices2/${action}?${new URLSearchParams(Object.entries(all).map(([k, v]): [string, string] => [k, String(v)]))}`;
  };
  const fd = new FormData();
  fd.append('Filename', name);
  fd.append('Filedata', new Blob([bytes], { type: contentType }), name);
  fd.append('Upload', 'Submit Query');
  const fileId = `f${Math.random().toString(36).slice(2)}`;
  await (await fetch(url('upload', { ks: userKs, ...session, filename: fileId }), { method: 'POST', body: fd })).text();
  const added = await (
    await fetch(url('addEntry', { ks: userKs, ...session, entry1_filename: fileId, entry1_name: name, entry1_source: 1, entry1_realFilename: name }))
  ).text();
  const id = /<id>([^<]+)<\/id>/.exec(added)?.[1];
  if (!id) throw new Error(`addEntry failed: ${added}`);
  return double.entries.find((e) => e.id === id)!;
}

/** A mono 16-bit PCM WAV of `ms` milliseconds of silence at 8 kHz. */
function wav(ms: number): Buffer {
  const rate = 8000;
  const data = Buffer.alloc(Math.round((rate * ms) / 1000) * 2);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8, 'latin1');
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36, 'latin1');
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

/** Top-level ISO BMFF boxes of an MP4 file, with nested ones under moov/trak/mdia/minf/stbl. */
function boxTypes(data: Buffer, start = 0, end = data.length): string[] {
  const out: string[] = [];
  for (let off = start; off + 8 <= end; ) {
    const size = data.readUInt32BE(off);
    const type = data.toString('latin1', off + 4, off + 8);
    if (size < 8 || off + size > end) throw new Error(`bad box ${type} at ${off}`);
    out.push(type);
    if (['moov', 'trak', 'mdia', 'minf', 'stbl'].includes(type)) out.push(...boxTypes(data, off + 8, off + size).map((t) => `${type}/${t}`));
    off += size;
  }
  return out;
}

function downloadUrl(entry: CreatedEntry, flavorId: string, withKs: string, ext: string): string {
  return `${double.url}/p/${entry.partnerId}/sp/${entry.subpId}/download/entry_id/${entry.id}/flavor/${flavorId}/ks/${withKs}/relocate/download.${ext}`;
}

/** Canvas's thumbnail_url path (kaltura_client_v3.rb), on the double. */
function thumbnailUrl(entryId: string, width: number, height: number, type = 2, partnerId = PARTNER): string {
  return `${double.url}/p/${partnerId}/thumbnail/entry_id/${entryId}/width/${width}/height/${height}/bgcolor/ffffff/type/${type}/vid_sec/5`;
}

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

beforeAll(async () => {
  double = await startKalturaDouble({
    partners: [{ partnerId: PARTNER, adminSecret: ADMIN, userSecret: USER }, OTHER],
    now: () => clock,
  });
});

afterAll(async () => {
  await double.close();
});

beforeEach(() => {
  clock = NOW;
  double.clearFaults();
});

describe('entries created by an upload get flavors', () => {
  it('a video upload: the original (the uploaded bytes), one ready mp4 and one converting', async () => {
    const bytes = Buffer.concat([Buffer.from('\0\0\0\x18ftypmp42'), Buffer.alloc(3000, 7)]);
    const entry = await uploadEntry('lecture.mp4', bytes, 'video/mp4');
    expect(entry).toMatchObject({ mediaType: 1, status: 2, puserId: 'uploader', durationMs: 3000 });
    const flavors = double.flavorsOf(entry.id);
    expect(flavors.map((f) => [f.isOriginal, f.fileExt, f.status])).toEqual([
      [true, 'mp4', FLAVOR_STATUS.READY],
      [false, 'mp4', FLAVOR_STATUS.READY],
      [false, 'mp4', FLAVOR_STATUS.CONVERTING],
    ]);
    expect(flavors[0]!.data).toEqual(bytes);
    expect(flavors[0]!.contentType).toBe('video/mp4');
    expect(flavors[2]!.data).toBeNull();
    for (const f of flavors) expect(f.id).toMatch(/^0_[a-z0-9]{8}$/);
  });

  it('an audio upload: a WAV keeps its real length; flavors are the original, an mp3 and a converting one', async () => {
    const entry = await uploadEntry('voice memo.wav', wav(1500), 'audio/wav');
    expect(entry).toMatchObject({ mediaType: 5, durationMs: 1500 });
    const flavors = double.flavorsOf(entry.id);
    expect(flavors.map((f) => [f.fileExt, f.status, f.contentType])).toEqual([
      ['wav', FLAVOR_STATUS.READY, 'audio/wav'],
      ['mp3', FLAVOR_STATUS.READY, 'audio/mpeg'],
      ['mp4', FLAVOR_STATUS.CONVERTING, 'audio/mp4'],
    ]);
    // the mp3 flavor is real MPEG-1 Layer III frames (sync word, 104-byte frames) about as long as the entry
    const mp3 = flavors[1]!.data!;
    expect(mp3.readUInt16BE(0) & 0xffe0).toBe(0xffe0);
    expect(mp3.length % 104).toBe(0);
    expect(Math.round(((mp3.length / 104) * 1152) / 44.1)).toBeGreaterThanOrEqual(1500);
  });

  it('addEntry (API and control API) makes entries with flavors without an upload; images get only the original', async () => {
    const video = double.addEntry({ name: 'From a test', userId: 'u1', durationMs: 4200 });
    const mp4 = double.flavorsOf(video.id)[1]!.data!;
    expect(boxTypes(mp4)).toEqual(
      expect.arrayContaining(['ftyp', 'moov', 'moov/mvhd', 'moov/trak/tkhd', 'moov/trak/mdia/minf/stbl/stsd', 'moov/trak/mdia/minf/stbl/stco', 'mdat']),
    );
    // the chunk offset points at the first MP3 frame inside mdat
    const stco = mp4.indexOf(Buffer.from('stco'));
    const offset = mp4.readUInt32BE(stco + 12);
    expect(mp4.readUInt16BE(offset) & 0xffe0).toBe(0xffe0);

    const image = double.addEntry({ name: 'pic', mediaType: 2 });
    expect(double.flavorsOf(image.id).map((f) => [f.fileExt, f.isOriginal])).toEqual([['png', true]]);
    const none = double.addEntry({ flavors: false });
    expect(double.flavorsOf(none.id)).toEqual([]);
    expect(() => double.addEntry({ id: 'not-an-id' })).toThrow(/entry id/);
    expect(() => double.addEntry({ mediaType: 3 })).toThrow(/mediaType/);

    const res = await fetch(`${double.url}/__double/entries`, { method: 'POST', body: JSON.stringify({ name: 'via control', mediaType: 5 }) });
    const created = (await res.json()) as { id: string; flavors: Array<{ fileExt: string; status: number }> };
    expect(created.flavors.map((f) => f.status)).toEqual([2, 2, 1]);
    const listed = (await (await fetch(`${double.url}/__double/flavors`)).json()) as Array<{ entryId: string }>;
    expect(listed.filter((f) => f.entryId === created.id)).toHaveLength(3);
  });
});

describe('media.get', () => {
  it('answers a KalturaMediaEntry in XML (Canvas reads its children) and JSON', async () => {
    const entry = await uploadEntry('my <talk>.webm', Buffer.alloc(2048, 1), 'video/webm');
    const xml = await api('media', 'get', { ks: ks(), entryId: entry.id });
    const result = resultOf(xml);
    expect(result.startsWith('<objectType>KalturaMediaEntry</objectType><relatedObjects></relatedObjects><id>')).toBe(true);
    const item = childElements(result);
    expect(item).toMatchObject({
      id: entry.id,
      name: 'my &lt;talk&gt;.webm',
      partnerId: PARTNER,
      userId: 'uploader',
      status: '2',
      type: '1',
      mediaType: '1',
      duration: '3',
      msDuration: '3000',
      width: '1280',
      height: '720',
      flavorParamsIds: '0,301951,301971',
    });
    expect(item.thumbnailUrl).toBe(`${double.url}/p/${PARTNER}/sp/123400/thumbnail/entry_id/${entry.id}/version/100000`);

    const json = JSON.parse(await api('media', 'get', { ks: ks(), entryId: entry.id, format: 1 })) as Record<string, unknown>;
    expect(json).toMatchObject({ id: entry.id, name: 'my <talk>.webm', mediaType: 1, duration: 3, msDuration: 3000, objectType: 'KalturaMediaEntry' });
    expect(Object.keys(json).at(-1)).toBe('objectType');
    expect(json).not.toHaveProperty('description'); // null properties are left out of JSON
    expect(json.operationAttributes).toEqual([]);
  });

  it('an unknown entry, another partner’s entry or a missing KS fail like Kaltura', async () => {
    const entry = double.addEntry({ name: 'mine' });
    const expectedXml = (id: string) =>
      `<error><code>ENTRY_ID_NOT_FOUND</code><message>Entry id &quot;${id}&quot; not found</message><objectType>KalturaAPIException</objectType>` +
      `<args><item><objectType>KalturaApiExceptionArg</objectType><name>ENTRY_ID</name><value>${id}</value></item></args></error>`;
    expect(resultOf(await api('media', 'get', { ks: ks(), entryId: '0_nothere1' }))).toBe(expectedXml('0_nothere1'));
    expect(await api('media', 'get', { ks: ks(), entryId: '0_nothere1', format: 1 })).toBe(
      '{"code":"ENTRY_ID_NOT_FOUND","message":"Entry id \\"0_nothere1\\" not found","objectType":"KalturaAPIException","args":{"ENTRY_ID":"0_nothere1"}}',
    );
    const otherKs = ks({ partnerId: OTHER.partnerId, secret: OTHER.adminSecret });
    expect(resultOf(await api('media', 'get', { ks: otherKs, entryId: entry.id }))).toBe(expectedXml(entry.id));
    expect(resultOf(await api('media', 'get', { entryId: entry.id }))).toContain('<code>MISSING_KS</code>');
    expect(resultOf(await api('media', 'get', { ks: ks() }))).toContain('<code>MISSING_MANDATORY_PARAMETER</code>');
    clock = NOW;
    const expired = ks({ expiry: 10 });
    clock = NOW + 60;
    expect(resultOf(await api('media', 'get', { ks: expired, entryId: entry.id }))).toContain('<code>INVALID_KS</code>');
  });
});

describe('flavorAsset.getByEntryId and flavorAsset.list', () => {
  it('getByEntryId answers a KalturaFlavorAsset array; Canvas’s reading finds the ready and the converting flavors', async () => {
    const entry = double.addEntry({ name: 'flavored' });
    const flavors = double.flavorsOf(entry.id);
    const xml = await api('flavorAsset', 'getByEntryId', { ks: ks(), entryId: entry.id });
    const items = xmlItems(resultOf(xml));
    expect(items).toHaveLength(3);
    expect(items.map((i) => [i.id, i.entryId, i.status, i.isOriginal, i.fileExt])).toEqual([
      [flavors[0]!.id, entry.id, '2', '1', 'mp4'],
      [flavors[1]!.id, entry.id, '2', '0', 'mp4'],
      [flavors[2]!.id, entry.id, '1', '0', 'mp4'],
    ]);
    expect(items[1]).toMatchObject({ width: '640', height: '360', bitrate: '900', containerFormat: 'isom', tags: 'mobile,web,mbr,iphone,iphonenew' });
    expect(Number(items[1]!.size)).toBe(Math.ceil(flavors[1]!.data!.length / 1024));
    expect(resultOf(xml).startsWith('<item><objectType>KalturaFlavorAsset</objectType><relatedObjects></relatedObjects><id>')).toBe(true);

    const json = JSON.parse(await api('flavorAsset', 'getByEntryId', { ks: ks(), entryId: entry.id, format: 1 })) as Array<Record<string, unknown>>;
    expect(json.map((f) => [f.status, f.isOriginal, f.objectType])).toEqual([
      [2, true, 'KalturaFlavorAsset'],
      [2, false, 'KalturaFlavorAsset'],
      [1, false, 'KalturaFlavorAsset'],
    ]);
    expect(resultOf(await api('flavorAsset', 'getByEntryId', { ks: ks(), entryId: '0_nothere2' }))).toContain('<code>ENTRY_ID_NOT_FOUND</code>');
  });

  it('list filters by entryIdEqual (both parameter styles, and JSON bodies), status and pages', async () => {
    const a = double.addEntry({ name: 'a' });
    const b = double.addEntry({ name: 'b', mediaType: 5 });
    const listXml = await api('flavorAsset', 'list', { ks: ks(), 'filter:entryIdEqual': a.id });
    const result = resultOf(listXml);
    expect(result).toMatch(/^<objectType>KalturaFlavorAssetListResponse<\/objectType><relatedObjects><\/relatedObjects><objects><item>/);
    expect(result).toMatch(/<\/objects><totalCount>3<\/totalCount>$/);
    expect(xmlItems(result).map((i) => i.entryId)).toEqual([a.id, a.id, a.id]);

    const brackets = JSON.parse(await api('flavorAsset', 'list', { ks: ks(), 'filter[entryIdEqual]': b.id, 'filter[statusEqual]': 2, format: 1 })) as {
      objects: Array<{ entryId: string; status: number; fileExt: string }>;
      totalCount: number;
      objectType: string;
    };
    expect(brackets.objectType).toBe('KalturaFlavorAssetListResponse');
    expect(brackets.totalCount).toBe(2);
    expect(brackets.objects.map((f) => [f.entryId, f.status, f.fileExt])).toEqual([
      [b.id, 2, 'mp3'],
      [b.id, 2, 'mp3'],
    ]);

    const viaJson = await fetch(`${double.url}/api_v3/service/flavorasset/action/list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ks: ks(), format: 1, filter: { entryIdIn: `${a.id},${b.id}`, statusIn: '1' }, pager: { pageSize: 1, pageIndex: 2 } }),
    });
    const paged = (await viaJson.json()) as { objects: Array<{ entryId: string; status: number }>; totalCount: number };
    expect(paged.totalCount).toBe(2);
    expect(paged.objects).toHaveLength(1);
    expect(paged.objects[0]).toMatchObject({ entryId: b.id, status: 1 });

    const none = JSON.parse(await api('flavorAsset', 'list', { ks: ks(), 'filter:entryIdEqual': '0_nothere3', format: 1 })) as { objects: unknown[]; totalCount: number };
    expect(none).toEqual({ objects: [], totalCount: 0, objectType: 'KalturaFlavorAssetListResponse' });
    // another partner sees none of these flavors
    const other = JSON.parse(
      await api('flavorAsset', 'list', { ks: ks({ partnerId: OTHER.partnerId, secret: OTHER.adminSecret }), 'filter:entryIdEqual': a.id, format: 1 }),
    ) as { totalCount: number };
    expect(other.totalCount).toBe(0);
    expect(resultOf(await api('flavorAsset', 'list', {}))).toContain('<code>MISSING_KS</code>');
  });
});

describe('flavor downloads', () => {
  it('serve a ready flavor to a download:<entry> KS, with its content type and byte ranges', async () => {
    const entry = await uploadEntry('talk.mp3', Buffer.alloc(5000, 3), 'audio/mpeg');
    const [original, mp3, converting] = double.flavorsOf(entry.id);
    const downloadKs = ks({ type: 0, privileges: `download:${entry.id}` });

    const whole = await fetch(downloadUrl(entry, mp3!.id, downloadKs, 'mp3'));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/mpeg');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(mp3!.data);

    const part = await fetch(downloadUrl(entry, original!.id, downloadKs, 'mp3'), { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/5000');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(Buffer.alloc(10, 3));
    const tail = await fetch(downloadUrl(entry, original!.id, downloadKs, 'mp3'), { headers: { range: 'bytes=-4' } });
    expect(tail.headers.get('content-range')).toBe('bytes 4996-4999/5000');
    await tail.arrayBuffer();
    const beyond = await fetch(downloadUrl(entry, original!.id, downloadKs, 'mp3'), { headers: { range: 'bytes=6000-' } });
    expect(beyond.status).toBe(416);
    await beyond.arrayBuffer();

    const head = await fetch(downloadUrl(entry, mp3!.id, downloadKs, 'mp3'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(mp3!.data!.length));

    // a KS percent-encoded in the path works as well; so does an ADMIN KS and `download:*`
    expect((await fetch(downloadUrl(entry, mp3!.id, encodeURIComponent(downloadKs), 'mp3'))).status).toBe(200);
    expect((await fetch(downloadUrl(entry, mp3!.id, ks({ type: 2 }), 'mp3'))).status).toBe(200);
    expect((await fetch(downloadUrl(entry, mp3!.id, ks({ type: 0, privileges: 'download:*' }), 'mp3'))).status).toBe(200);
    // a converting flavor has nothing to serve yet
    expect((await fetch(downloadUrl(entry, converting!.id, downloadKs, 'mp4'))).status).toBe(404);
    // once it is ready (a test can flip it), it does
    converting!.status = FLAVOR_STATUS.READY;
    converting!.data = Buffer.from('converted');
    expect(await (await fetch(downloadUrl(entry, converting!.id, downloadKs, 'mp4'))).text()).toBe('converted');
  });

  it('refuse a missing, wrong-entry, upload (edit:*), expired or foreign KS with 403, and unknown ids with 404', async () => {
    const entry = double.addEntry({ name: 'guarded' });
    const other = double.addEntry({ name: 'other' });
    const flavor = double.flavorsOf(entry.id)[1]!;
    const noKs = `${double.url}/p/${PARTNER}/sp/123400/download/entry_id/${entry.id}/flavor/${flavor.id}/relocate/download.mp4`;
    expect((await fetch(noKs)).status).toBe(403);
    const refused = [
      ks({ type: 0, privileges: `download:${other.id}` }),
      ks({ type: 0, privileges: 'edit:*', userId: 'uploader' }),
      ks({ type: 0, privileges: `download:${entry.id}`, partnerId: OTHER.partnerId, secret: OTHER.adminSecret }),
      'not-a-ks',
    ];
    for (const bad of refused) {
      const res = await fetch(downloadUrl(entry, flavor.id, bad, 'mp4'));
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toBe('text/html');
    }
    const shortLived = ks({ type: 0, privileges: `download:${entry.id}`, expiry: 5 });
    expect((await fetch(downloadUrl(entry, flavor.id, shortLived, 'mp4'))).status).toBe(200);
    clock = NOW + 10;
    expect((await fetch(downloadUrl(entry, flavor.id, shortLived, 'mp4'))).status).toBe(403);
    clock = NOW;

    const good = ks({ type: 0, privileges: `download:${entry.id}` });
    expect((await fetch(downloadUrl(entry, '0_nothere4', good, 'mp4'))).status).toBe(404);
    expect((await fetch(downloadUrl(entry, double.flavorsOf(other.id)[1]!.id, good, 'mp4'))).status).toBe(404);
    expect((await fetch(downloadUrl({ ...entry, id: '0_nothere5' }, flavor.id, good, 'mp4'))).status).toBe(404);
    expect((await fetch(downloadUrl({ ...entry, partnerId: String(OTHER.partnerId) }, flavor.id, good, 'mp4'))).status).toBe(404);
    expect((await fetch(downloadUrl(entry, flavor.id, good, 'mp4'), { method: 'POST' })).status).toBe(405);
  });
});

describe('thumbnails', () => {
  it('answer Canvas’s thumbnail URL with a PNG of the asked size, distinct per entry', async () => {
    const a = double.addEntry({ name: 'thumb a' });
    const b = double.addEntry({ name: 'thumb b' });
    const res = await fetch(thumbnailUrl(a.id, 140, 100));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect(pngSize(png)).toEqual({ width: 140, height: 100 });
    const other = Buffer.from(await (await fetch(thumbnailUrl(b.id, 140, 100))).arrayBuffer());
    expect(other.equals(png)).toBe(false);
    // with the sub-partner, Kaltura's own thumbnailUrl form, and defaults for missing sides
    const sp = await fetch(`${double.url}/p/${PARTNER}/sp/123400/thumbnail/entry_id/${a.id}/version/100000`);
    expect(pngSize(Buffer.from(await sp.arrayBuffer()))).toEqual({ width: 120, height: 90 });
    const widthOnly = await fetch(`${double.url}/p/${PARTNER}/thumbnail/entry_id/${a.id}/width/200`);
    expect(pngSize(Buffer.from(await widthOnly.arrayBuffer()))).toEqual({ width: 200, height: 150 });
    const huge = await fetch(thumbnailUrl(a.id, 99999, 10));
    expect(pngSize(Buffer.from(await huge.arrayBuffer()))).toEqual({ width: 2048, height: 10 });
  });

  it('answer 404 for unknown entries, another partner’s path and bad types', async () => {
    const a = double.addEntry({ name: 'thumb c' });
    expect((await fetch(thumbnailUrl('0_nothere6', 140, 100))).status).toBe(404);
    expect((await fetch(thumbnailUrl(a.id, 140, 100, 2, String(OTHER.partnerId)))).status).toBe(404);
    expect((await fetch(thumbnailUrl(a.id, 140, 100, 9))).status).toBe(404);
    expect((await fetch(`${double.url}/p/${PARTNER}/thumbnail`)).status).toBe(404);
  });
});

describe('faults on the media calls', () => {
  it('kaltura-error, http5xx and truncated-xml apply to media.get and flavorAsset.*', async () => {
    const entry = double.addEntry({ name: 'faulty' });
    double.enqueueFault({ kind: 'kaltura-error', code: 'ENTRY_ID_NOT_FOUND' }, { operation: 'media.get' });
    expect(JSON.parse(await api('media', 'get', { ks: ks(), entryId: entry.id, format: 1 }))).toEqual({
      code: 'ENTRY_ID_NOT_FOUND',
      message: `Entry id "${entry.id}" not found`,
      objectType: 'KalturaAPIException',
      args: { ENTRY_ID: entry.id },
    });
    expect(resultOf(await api('media', 'get', { ks: ks(), entryId: entry.id }))).toContain('<objectType>KalturaMediaEntry</objectType>');

    double.enqueueFault({ kind: 'http5xx', status: 503 }, { operation: 'flavorAsset.list' });
    const res = await fetch(`${double.url}/api_v3/service/flavorAsset/action/list`, { method: 'POST', body: new URLSearchParams({ ks: ks() }) });
    expect(res.status).toBe(503);
    await res.text();

    double.enqueueFault({ kind: 'truncated-xml', bytes: 80 }, { operation: 'flavorAsset.getByEntryId' });
    const cut = await api('flavorAsset', 'getByEntryId', { ks: ks(), entryId: entry.id });
    expect(cut).toHaveLength(80);
    expect(cut).not.toContain('</xml>');
    expect(double.requests.at(-1)).toMatchObject({ operation: 'flavorAsset.getByEntryId', fault: { kind: 'truncated-xml' } });
  });

  it('download and thumbnail requests take faults by their own names; api_v3.* leaves them alone', async () => {
    const entry = double.addEntry({ name: 'faulty files' });
    const flavor = double.flavorsOf(entry.id)[1]!;
    const url = downloadUrl(entry, flavor.id, ks({ type: 0, privileges: `download:${entry.id}` }), 'mp4');

    double.setFault({ kind: 'http5xx', status: 500 }, { operation: 'api_v3.*' });
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(thumbnailUrl(entry.id, 10, 10))).status).toBe(200);
    double.setFault(null);

    double.enqueueFault({ kind: 'reset' }, { operation: 'serve.download' });
    await expect(fetch(url)).rejects.toThrow();
    double.enqueueFault({ kind: 'http5xx', status: 502 }, { operation: 'serve.*' });
    expect((await fetch(thumbnailUrl(entry.id, 10, 10))).status).toBe(502);
    double.enqueueFault({ kind: 'truncated-xml', bytes: 100 }, { operation: 'serve.download' });
    const cut = await fetch(url);
    expect((await cut.arrayBuffer()).byteLength).toBe(100);
    expect(double.requests.filter((r) => r.operation === 'serve.download').at(-1)).toMatchObject({
      params: { entry_id: entry.id, flavor: flavor.id, relocate: 'download.mp4' },
      fault: { kind: 'truncated-xml' },
    });
  });
});
