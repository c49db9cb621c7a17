/**
 * Canvas's media tracks (captions) and the player page, on SQLite and PostgreSQL: replacing the
 * set with saveClosedCaptions' JSON array, adding one, serving one as WebVTT or SRT, deleting,
 * validation (locales, kinds, SRT/WebVTT, size limit, no markup), who may do it, and the player
 * page with its signed caption links and CSP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveSettings, testDatabases } from '../helper.js';
import { expectError, HOST_A, mediaCounts, mediaWorld, type MediaWorld } from './media-fixture.js';

const VTT = 'WEBVTT\n\n00:00.000 --> 00:01.500\nHello <b>there</b>\n\n00:01.500 --> 00:03.000 align:start\n<v Narrator>General Kenobi</v>\n';
const SRT = '1\r\n00:00:00,000 --> 00:00:01,500\r\nBonjour\r\n\r\n2\r\n00:00:01,500 --> 00:00:03,000\r\n<i>le monde</i>\r\n';

describe.each(await testDatabases())('media tracks on %s', (database) => {
  let w: MediaWorld;
  let entryId: string;
  const tracksUrl = () => `/api/v1/media_objects/${entryId}/media_tracks`;
  beforeAll(async () => {
    w = await mediaWorld(database);
    entryId = w.kaltura.addEntry({ name: 'Captioned' }).id;
    expect((await w.register(w.user, { id: entryId, context_code: 'course_1' })).statusCode).toBe(200);
  });
  afterAll(async () => w?.close());

  it('PUT with saveClosedCaptions\' array replaces the set: new content is written, an item without content keeps its track, the rest go', async () => {
    const first = await w.call(w.user, 'PUT', tracksUrl(), [
      { locale: 'en', content: VTT },
      { locale: 'fr', content: SRT, kind: 'subtitles' },
    ]);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().map((t: { locale: string; kind: string }) => `${t.locale}:${t.kind}`)).toEqual(['en:captions', 'fr:subtitles']);
    expect(Object.keys(first.json()[0])).toEqual(['id', 'locale', 'kind', 'media_object_id', 'user_id']);
    expect(first.headers['cache-control']).toBe('no-store');
    expect((await w.call(w.user, 'GET', `/media_objects/${entryId}/media_tracks`)).headers['cache-control']).toBe('no-store');
    const enId = first.json()[0].id;
    const second = await w.call(w.user, 'PUT', `${tracksUrl()}?include[]=content`, [{ locale: 'en' }, { locale: 'de', content: VTT.replace('Hello', 'Hallo') }]);
    expect(second.statusCode).toBe(200);
    expect(second.json().map((t: { locale: string }) => t.locale)).toEqual(['de', 'en']);
    expect(second.json().find((t: { locale: string }) => t.locale === 'en')).toMatchObject({ id: enId, content: VTT });
    const events = (await w.t.ctx.media.events.list({ accountId: w.user.account.id, mediaId: entryId }, 20, 0)).map((e) => `${e.event}:${e.locale ?? ''}`);
    expect(events.slice(0, 4)).toEqual(['media_track_deleted:fr', 'media_track_created:de', 'media_track_created:fr', 'media_track_created:en']);
    // the origin variant of the path takes the same array
    const viaApi = await w.call(w.user, 'PUT', `/api/media_objects/${entryId}/media_tracks`, [{ locale: 'en' }, { locale: 'de' }, { locale: 'fr', content: SRT }]);
    expect(viaApi.json().map((t: { locale: string }) => t.locale)).toEqual(['de', 'en', 'fr']);
  });

  it('GET lists the tracks with include[]; the API JSON lists them with their URLs', async () => {
    const res = await w.call(w.user, 'GET', `${tracksUrl()}?include[]=content&include[]=webvtt_content&include[]=created_at&include[]=nonsense`);
    expect(res.statusCode).toBe(200);
    const fr = res.json().find((t: { locale: string }) => t.locale === 'fr');
    expect(Object.keys(fr)).toEqual(['id', 'locale', 'kind', 'media_object_id', 'user_id', 'content', 'webvtt_content', 'created_at']);
    expect(fr.content).toBe(SRT);
    expect(fr.webvtt_content).toMatch(/^WEBVTT\n\n1\n00:00:00\.000 --> 00:00:01\.500\nBonjour/);
    const obj = (await w.call(w.user, 'GET', `/api/v1/media_objects/${entryId}?exclude[]=sources`)).json();
    expect(obj.media_tracks.map((t: { locale: string }) => t.locale)).toEqual(['de', 'en', 'fr']);
    expect(Object.keys(obj.media_tracks[0])).toEqual(['kind', 'created_at', 'updated_at', 'id', 'locale', 'url']);
    expect(obj.media_tracks[0].url).toBe(`http://${HOST_A}/media_objects/${entryId}/media_tracks/${obj.media_tracks[0].id}`);
  });

  it('GET /media_objects/:id/media_tracks/:id serves the track as sent, with the right content type', async () => {
    const list = (await w.call(w.user, 'GET', tracksUrl())).json();
    const en = list.find((t: { locale: string }) => t.locale === 'en');
    const fr = list.find((t: { locale: string }) => t.locale === 'fr');
    const vtt = await w.call(w.user, 'GET', `/media_objects/${entryId}/media_tracks/${en.id}`);
    expect(vtt.statusCode).toBe(200);
    expect(vtt.headers['content-type']).toBe('text/vtt; charset=utf-8');
    expect(vtt.body).toBe(VTT);
    const srt = await w.call(w.admin, 'GET', `/media_objects/${entryId}/media_tracks/${fr.id}`);
    expect(srt.headers['content-type']).toBe('application/x-subrip; charset=utf-8');
    expect(srt.body).toBe(SRT);
    expect(srt.headers['x-content-type-options']).toBe('nosniff');
    // as WebVTT on request (what the player page's <track> links ask for)
    const converted = await w.call(w.admin, 'GET', `/media_objects/${entryId}/media_tracks/${fr.id}?format=vtt`);
    expect(converted.headers['content-type']).toBe('text/vtt; charset=utf-8');
    expect(converted.body).toBe('WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\nBonjour\n\n2\n00:00:01.500 --> 00:00:03.000\n<i>le monde</i>\n');
    expect((await w.call(w.admin, 'GET', `/media_objects/${entryId}/media_tracks/${en.id}?format=vtt`)).body).toBe(VTT);
    expectError(await w.call(w.admin, 'GET', `/media_objects/${entryId}/media_tracks/${fr.id}?format=html`), 400);
    expectError(await w.call(w.other, 'GET', `/media_objects/${entryId}/media_tracks/${fr.id}`), 404);
    expectError(await w.call(w.user, 'GET', `/media_objects/${entryId}/media_tracks/999999`), 404);
    expect((await w.call(null, 'GET', `/media_objects/${entryId}/media_tracks/${fr.id}`)).statusCode).toBe(401);
  });

  it('POST adds or replaces one locale (Canvas\'s /media_objects path answers the media object); DELETE removes one', async () => {
    const res = await w.call(w.user, 'POST', `/media_objects/${entryId}/media_tracks`, `locale=es&kind=captions&content=${encodeURIComponent(VTT)}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ media_id: entryId, can_add_captions: true });
    expect(res.json().media_tracks.map((t: { locale: string }) => t.locale)).toEqual(['de', 'en', 'es', 'fr']);
    const es = res.json().media_tracks.find((t: { locale: string }) => t.locale === 'es');
    expectError(await w.call(w.other, 'DELETE', `/media_objects/${entryId}/media_tracks/${es.id}`), 404);
    const del = await w.call(w.user, 'DELETE', `/api/v1/media_objects/${entryId}/media_tracks/${es.id}`);
    expect(del.statusCode).toBe(200);
    expect(del.json().media_tracks.map((t: { locale: string }) => t.locale)).toEqual(['de', 'en', 'fr']);
    expectError(await w.call(w.user, 'DELETE', `/api/v1/media_objects/${entryId}/media_tracks/${es.id}`), 404);
    const events = await w.t.ctx.media.events.list({ accountId: w.user.account.id, mediaId: entryId }, 2, 0);
    expect(events.map((e) => `${e.event}:${e.locale}`)).toEqual(['media_track_deleted:es', 'media_track_created:es']);
  });

  it('refuses bad captions with a clear 400 and stores nothing', async () => {
    const before = await mediaCounts(w.t);
    const beforeTracks = (await w.call(w.user, 'GET', `${tracksUrl()}?include[]=content`)).body;
    const cases: Array<[unknown, RegExp]> = [
      [[{ locale: 'xx-YY', content: VTT }], /not a caption language/],
      [[{ content: VTT }], /locale parameter is required/],
      [[{ locale: 'en', content: VTT, kind: 'karaoke' }], /kind must be one of/],
      [[{ locale: 'en', content: 'just some words' }], /must be WebVTT .* or SRT/],
      [[{ locale: 'en', content: 'WEBVTT\n\n00:00.000 -> 00:01.000\nHi' }], /no timing line|malformed/],
      [[{ locale: 'en', content: 'WEBVTT\n\n00:02.000 --> 00:01.000\nHi' }], /ends before it starts/],
      [[{ locale: 'en', content: '1\n00:00:00,000 --> 00:00:01\nHi' }], /SRT cue timing line is malformed/],
      [[{ locale: 'en', content: 'WEBVTT\n\n00:00.000 --> 00:01.000\n<script>alert(1)</script>' }], /must not contain HTML or script/],
      [[{ locale: 'en', content: 'WEBVTT\n\n00:00.000 --> 00:01.000\n<img src=x onerror=alert(1)>' }], /must not contain HTML or script/],
      [[{ locale: 'en', content: 'WEBVTT\n\n00:00.000 --> 00:01.000\n<b onclick="x()">hi</b>' }], /must not contain HTML or script/],
      [[{ locale: 'en', content: '1\n00:00:00,000 --> 00:00:01,000\n<font color="red">x</font>' }], /must not contain HTML or script/],
      [[{ locale: 'en', content: 'WEBVTT\n\n00:00.000 --> 00:01.000\n&lt;script&gt;alert(1)' }], /escaped tags/],
      [[{ locale: 'en', content: 'WEBVTT\n\n00:00.000 --> 00:01.000\n<!-- x -->' }], /comments/],
      [[{ locale: 'en', content: 'WEBVTT\n\n00:00.000 --> 00:01.000\nclick javascript:alert(1)' }], /script URLs/],
      [[{ locale: 'en', content: 'WEBVTT\n\n00:00.000 --> 00:01.000\nnul\u0000' }], /control characters/],
      [[{ locale: 'en', content: 42 }], /content must be text/],
      [[{ locale: 'en', content: VTT }, { locale: 'EN', content: VTT }], /given twice/],
      [['not an object'], /must be object/],
      [{ something: 'else' }, /JSON array/],
      [{}, /JSON array/],
    ];
    for (const [body, message] of cases) expectError(await w.call(w.user, 'PUT', tracksUrl(), body), 400, message);
    expectError(await w.call(w.user, 'POST', tracksUrl(), { locale: 'en' }), 400, /content parameter is required/);
    expect(await mediaCounts(w.t)).toEqual(before);
    expect((await w.call(w.user, 'GET', `${tracksUrl()}?include[]=content`)).body).toBe(beforeTracks);
  });

  it('the size limit: max_caption_bytes (default 1 MiB); over it a 400 naming the limit', async () => {
    const cue = '00:00.000 --> 00:01.000\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n\n';
    const big = `WEBVTT\n\n${cue.repeat(Math.ceil((1024 * 1024) / cue.length) + 1)}`;
    expect(Buffer.byteLength(big)).toBeGreaterThan(1024 * 1024);
    const under = big.slice(0, big.lastIndexOf('00:00.000', 1024 * 1024 - 100));
    const before = await mediaCounts(w.t);
    expectError(await w.call(w.user, 'PUT', tracksUrl(), [{ locale: 'ja', content: big }]), 400, /limit of 1048576 bytes \(max_caption_bytes\)/);
    expect(await mediaCounts(w.t)).toEqual(before);
    const ok = await w.call(w.user, 'POST', tracksUrl(), [{ locale: 'ja', content: under }]);
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(200);
    await saveSettings(w.t.ctx, { max_caption_bytes: '2048' });
    try {
      expectError(await w.call(w.user, 'POST', tracksUrl(), [{ locale: 'ko', content: under.slice(0, 3000) + '\n' }]), 400, /limit of 2048 bytes/);
    } finally {
      await saveSettings(w.t.ctx, { max_caption_bytes: '1048576' });
    }
    expect((await w.t.ctx.settings.update(null, { max_caption_bytes: '12' })).ok).toBe(false);
  });

  it('only the owner or an admin changes tracks; other users, other accounts and unknown objects are 404', async () => {
    const body = [{ locale: 'en', content: VTT }];
    expectError(await w.call(w.other, 'PUT', tracksUrl(), body), 404);
    expectError(await w.call(w.userB, 'PUT', tracksUrl(), body), 404);
    expectError(await w.call(w.user, 'PUT', '/api/v1/media_objects/0_nothere1/media_tracks', body), 404);
    expectError(await w.call(w.other, 'GET', tracksUrl()), 404);
    const byAdmin = await w.call(w.admin, 'PUT', tracksUrl(), [{ locale: 'en' }, { locale: 'de' }, { locale: 'fr' }, { locale: 'ja' }, { locale: 'it', content: VTT }]);
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.json().find((t: { locale: string }) => t.locale === 'it').user_id).toBe(w.admin.user.id);
  });

  it('an explicit empty array clears the set; a PUT without a body changes nothing', async () => {
    const id = w.kaltura.addEntry().id;
    await w.register(w.user, { id });
    const url = `/api/v1/media_objects/${id}/media_tracks`;
    expect((await w.call(w.user, 'PUT', url, [{ locale: 'en', content: VTT }])).json()).toHaveLength(1);
    expectError(await w.call(w.user, 'PUT', url), 400);
    expect((await w.call(w.user, 'GET', url)).json()).toHaveLength(1);
    const cleared = await w.call(w.user, 'PUT', url, []);
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).toEqual([]);
  });

  it('the player page: a <video> with the flavors and the captions as signed <track>s, for those allowed to see it, under a strict CSP', async () => {
    const res = await w.call(w.user, 'GET', `/media_objects_iframe/${entryId}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.body;
    expect(html).toContain('<video id="player" controls');
    const sources = [...html.matchAll(/<source src="([^"]+)" type="([^"]+)"/g)];
    expect(sources.length).toBe(w.kaltura.flavorsOf(entryId).filter((f) => f.status === 2).length);
    const tracks = [...html.matchAll(/<track kind="([^"]+)" srclang="([^"]+)" label="([^"]+)" src="([^"]+)"/g)];
    expect(tracks.map((t) => t[2])).toEqual(['de', 'en', 'fr', 'it', 'ja']);
    expect(tracks[1]![3]).toBe('English');
    // the signed link works without a token; a changed one does not
    const link = new URL(tracks[1]![4]!.replace(/&amp;/g, '&').replace(/&#38;/g, '&'));
    const caption = await w.call(null, 'GET', link.pathname + link.search);
    expect(caption.statusCode).toBe(200);
    expect(caption.body).toBe(VTT);
    const forged = await w.call(null, 'GET', link.pathname.replace(/\d+$/, String(Number(link.pathname.split('/').pop()) + 1)) + link.search);
    expect(forged.statusCode).toBe(401);
    // no token and no secret in the page; KSs only inside the download URLs
    expect(html).not.toContain(w.user.token);
    const ksLike = html.replace(/<source src="[^"]+"/g, '').match(/djJ8[A-Za-z0-9_%-]{20,}/g);
    expect(ksLike).toBeNull();
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain(`media-src 'self' http://127.0.0.1:${w.kaltura.port}`);
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    // only those who may see it
    expectError(await w.call(w.other, 'GET', `/media_objects_iframe/${entryId}`), 404);
    expectError(await w.call(w.userB, 'GET', `/media_objects_iframe/${entryId}`), 404);
    expect((await w.call(null, 'GET', `/media_objects_iframe/${entryId}`)).statusCode).toBe(401);
    expect((await w.call(w.admin, 'GET', `/media_objects_iframe/${entryId}`)).statusCode).toBe(200);
    // a token as access_token works for an iframe
    expect((await w.call(null, 'GET', `/media_objects_iframe/${entryId}?access_token=${w.user.token}`)).statusCode).toBe(200);
    expectError(await w.call(w.user, 'GET', '/media_objects_iframe/0_nothere1'), 404);
  });

  it('escapes titles in the player page', async () => {
    const id = w.kaltura.addEntry({ mediaType: 5 }).id;
    await w.register(w.user, { id, user_entered_title: '"><script>alert(1)</script>', type: 'audio' });
    const html = (await w.call(w.user, 'GET', `/media_objects_iframe/${id}`)).body;
    expect(html).not.toContain('<script>');
    expect(html).toContain('<audio id="player"');
    expect(html).toContain('&#34;&#62;&#60;script&#62;');
  });
});
