/**
 * Canvas's Media Objects API against the Kaltura double, on SQLite and PostgreSQL: registering an
 * entry (paths, form and JSON, create-or-update, context rules, background media.get and its
 * retry), listings (own, course/group, sort, search, exclude, Link), retitling, media_sources
 * with a locally minted download KS, thumbnails, redirects, deletion, the audit log, bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, saveSettings, seedUser, testDatabases } from '../helper.js';
import { verifyWithDouble } from '../kaltura/setup.js';
import { parseLinks, UNAUTHORIZED_BODY, UNAUTHENTICATED_BODY } from './admin-fixture.js';
import { expectError, HOST_A, mediaCounts, mediaWorld, metricValue, PARTNER, type MediaWorld } from './media-fixture.js';

const CREATE_KEYS = ['id', 'media_id', 'media_type', 'title', 'user_entered_title', 'context_code', 'user_id', 'root_account_id', 'workflow_state', 'created_at', 'updated_at'];
const API_KEYS = ['media_id', 'created_at', 'media_type', 'title', 'can_add_captions', 'media_sources', 'embedded_iframe_url', 'media_tracks'];
const SOURCE_KEYS = ['height', 'width', 'content_type', 'containerFormat', 'url', 'bitrate', 'size', 'isOriginal', 'fileExt', 'src', 'label'];

describe.each(await testDatabases())('media objects on %s', (database) => {
  let w: MediaWorld;
  beforeAll(async () => {
    w = await mediaWorld(database);
  });
  afterAll(async () => w?.close());

  it('POST /api/v1/media_objects registers the entry with Canvas\'s answer, stores it at once and fetches its details in the background', async () => {
    const entry = w.kaltura.addEntry({ name: 'Recorded lecture', mediaType: 5, durationMs: 7000 });
    const res = await w.call(w.user, 'POST', '/api/v1/media_objects', { id: entry.id, type: 'audio', context_code: `course_12`, title: '', user_entered_title: '' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['media_object', 'embedded_iframe_url']);
    expect(Object.keys(body.media_object)).toEqual(CREATE_KEYS);
    expect(body.media_object).toMatchObject({ media_id: entry.id, media_type: 'audio', title: null, user_entered_title: null, context_code: 'course_12', user_id: w.user.user.id, root_account_id: w.user.account.id, workflow_state: 'active' });
    expect(body.embedded_iframe_url).toBe(`http://${HOST_A}/media_objects_iframe/${entry.id}`);
    // stored before Kaltura answered; then media.get fills in the name and duration
    await w.t.ctx.media.idle();
    expect(w.kaltura.requests.some((r) => r.operation === 'media.get' && r.params?.entryId === entry.id)).toBe(true);
    const row = await w.t.ctx.media.find(w.user.account, entry.id);
    expect(row).toMatchObject({ title: 'Recorded lecture', duration: 7, mediaType: 'audio' });
    expect(row!.kalturaSyncedAt).not.toBeNull();
    const events = await w.t.ctx.media.events.list({ accountId: w.user.account.id, mediaId: entry.id }, 10, 0);
    expect(events.map((e) => e.event)).toEqual(['media_object_created']);
    expect(events[0]).toMatchObject({ userId: w.user.user.id, contextCode: 'course_12' });
  });

  it('takes the file\'s MIME type as `type`, as Canvas\'s client sends it (file.type || type)', async () => {
    for (const [type, expected] of [['video/webm', 'video'], ['audio/wav', 'audio'], ['video/mp4; codecs="avc1"', 'video'], ['', 'video']] as const) {
      const entry = w.kaltura.addEntry({ mediaType: expected === 'audio' ? 5 : 1 });
      const res = await w.register(w.user, { id: entry.id, type });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().media_object.media_type).toBe(expected);
    }
    expectError(await w.call(w.user, 'POST', '/api/v1/media_objects', { id: w.kaltura.addEntry().id, type: 'application/pdf' }), 400, /type parameter must be/);
  });

  it('takes a form body, and the /media_objects and /api/media_objects paths', async () => {
    for (const path of ['/media_objects', '/api/media_objects']) {
      const entry = w.kaltura.addEntry({ name: 'Form upload' });
      const res = await w.call(w.user, 'POST', path, `id=${entry.id}&type=video&context_code=user_${w.user.user.id}&title=clip.mp4&user_entered_title=My+clip`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().media_object).toMatchObject({ media_id: entry.id, title: 'clip.mp4', user_entered_title: 'My clip', context_code: `user_${w.user.user.id}` });
    }
    await w.t.ctx.media.idle();
  });

  it('registering the same entry in the same context again updates it; another context or another user is a 409', async () => {
    const entry = w.kaltura.addEntry();
    const first = await w.register(w.user, { id: entry.id, context_code: 'course_5', user_entered_title: 'First' });
    expect(first.statusCode).toBe(200);
    const again = await w.register(w.user, { id: entry.id, type: 'audio', context_code: 'course_5', user_entered_title: 'Second' });
    expect(again.statusCode).toBe(200);
    expect(again.json().media_object).toMatchObject({ id: first.json().media_object.id, user_entered_title: 'Second', media_type: 'audio' });
    const before = await mediaCounts(w.t);
    expectError(await w.call(w.user, 'POST', '/api/v1/media_objects', { id: entry.id, context_code: 'course_6' }), 409, /already registered/);
    expectError(await w.call(w.other, 'POST', '/api/v1/media_objects', { id: entry.id, context_code: 'course_5' }), 409, /already registered/);
    expect(await mediaCounts(w.t)).toEqual(before);
    expect((await w.t.ctx.media.find(w.user.account, entry.id))!.userEnteredTitle).toBe('Second');
    expect((await w.t.ctx.media.events.list({ accountId: w.user.account.id, mediaId: entry.id }, 10, 0)).map((e) => e.event)).toEqual(['media_object_created']);
  });

  it('a user_<id> context naming someone else is Canvas\'s 401 unauthorized, unless the caller is an admin', async () => {
    const entry = w.kaltura.addEntry();
    const before = await mediaCounts(w.t);
    const res = await w.call(w.user, 'POST', '/api/v1/media_objects', { id: entry.id, context_code: `user_${w.other.user.id}` });
    expect(res.statusCode).toBe(401);
    expect(res.body).toBe(UNAUTHORIZED_BODY);
    expect(await mediaCounts(w.t)).toEqual(before);
    const byAdmin = await w.register(w.admin, { id: entry.id, context_code: `user_${w.other.user.id}` });
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.json().media_object).toMatchObject({ context_code: `user_${w.other.user.id}`, user_id: w.admin.user.id });
  });

  it('an admin acting as a user (as_user_id) registers for that user; the audit log names both', async () => {
    const entry = w.kaltura.addEntry();
    const res = await w.register(w.admin, { id: entry.id, context_code: `user_${w.user.user.id}`, as_user_id: String(w.user.user.id) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().media_object.user_id).toBe(w.user.user.id);
    const [event] = await w.t.ctx.media.events.list({ accountId: w.user.account.id, mediaId: entry.id }, 1, 0);
    expect(event).toMatchObject({ userId: w.user.user.id, realUserId: w.admin.user.id, event: 'media_object_created' });
  });

  it('refuses bad input with a clear 400 and stores nothing', async () => {
    const before = await mediaCounts(w.t);
    const cases: Array<[unknown, RegExp]> = [
      [{}, /id parameter .* is required/],
      [{ id: 'not-an-entry' }, /must be a Kaltura entry id/],
      [{ id: '0_abc' }, /must be a Kaltura entry id/],
      [{ id: '0_abcd1234/../x' }, /must be a Kaltura entry id/],
      [{ id: ['0_abcd1234'] }, /must be a single value/],
      [{ id: '0_abcd1234', type: 'hologram' }, /type parameter must be/],
      [{ id: '0_abcd1234', context_code: 'course 12; drop table' }, /context_code parameter must look like/],
      [{ id: '0_abcd1234', title: { nested: true } }, /title parameter must be a single value/],
      [{ id: '0_abcd1234', user_entered_title: 'a\u0000b' }, /control characters/],
    ];
    for (const [body, message] of cases) expectError(await w.call(w.user, 'POST', '/api/v1/media_objects', body), 400, message);
    expectError(await w.call(w.user, 'POST', '/api/v1/media_objects', '{"id": "0_abcd1234",', { 'content-type': 'application/json' }), 400);
    const anon = await w.call(null, 'POST', '/api/v1/media_objects', { id: '0_abcd1234' });
    expect(anon.statusCode).toBe(401);
    expect(anon.body).toBe(UNAUTHENTICATED_BODY);
    expect(await mediaCounts(w.t)).toEqual(before);
  });

  it('an object is stored with its audit entry or not at all', async () => {
    const { sql } = await import('kysely');
    const entry = w.kaltura.addEntry();
    const before = await mediaCounts(w.t);
    await sql`alter table media_events rename to media_events_away`.execute(w.t.ctx.db.kysely);
    try {
      const res = await w.call(w.user, 'POST', '/api/v1/media_objects', { id: entry.id });
      expect(res.statusCode).toBe(500);
      expect(res.json().errors[0].error_code).toBe('internal_server_error');
    } finally {
      await sql`alter table media_events_away rename to media_events`.execute(w.t.ctx.db.kysely);
    }
    expect(await mediaCounts(w.t)).toEqual(before);
    expect((await w.register(w.user, { id: entry.id })).statusCode).toBe(200);
  });

  it('cuts 10,000-character titles at 255 characters', async () => {
    const entry = w.kaltura.addEntry();
    const long = 'é'.repeat(10_000);
    const res = await w.register(w.user, { id: entry.id, title: long, user_entered_title: `${'t'.repeat(9_999)}Z` });
    expect(res.statusCode).toBe(200);
    expect(res.json().media_object.title).toBe('é'.repeat(255));
    expect(res.json().media_object.user_entered_title).toBe('t'.repeat(255));
    const put = await w.call(w.user, 'PUT', `/api/v1/media_objects/${entry.id}`, { user_entered_title: 'x'.repeat(10_000) });
    expect(put.statusCode).toBe(200);
    expect(put.json().title).toBe('x'.repeat(255));
  });

  it('a Kaltura that is down, or that does not know the entry, leaves the row as it is; logged, counted, and the next listing tries again', async () => {
    const entry = w.kaltura.addEntry({ name: 'Late details' });
    const failuresBefore = await metricValue(w.t, 'media_kaltura_failures_total', { operation: 'media_get' });
    w.kaltura.setFault({ kind: 'http5xx', status: 503 }, { operation: 'media.get' });
    try {
      const res = await w.register(w.user, { id: entry.id, context_code: 'course_77' });
      expect(res.statusCode).toBe(200);
      const stale = await w.t.ctx.media.find(w.user.account, entry.id);
      expect(stale).toMatchObject({ title: null, kalturaSyncedAt: null });
      expect(await metricValue(w.t, 'media_kaltura_failures_total', { operation: 'media_get' })).toBe(failuresBefore + 1);
    } finally {
      w.kaltura.setFault(null);
    }
    // the next listing retries in the background
    const list = await w.call(w.user, 'GET', '/api/v1/courses/77/media_objects?exclude[]=sources');
    expect(list.statusCode).toBe(200);
    await w.t.ctx.media.idle();
    expect(await w.t.ctx.media.find(w.user.account, entry.id)).toMatchObject({ title: 'Late details' });

    // an entry Kaltura does not know: stored, counted as entry_not_found
    const unknownBefore = await metricValue(w.t, 'media_kaltura_failures_total', { operation: 'media_get', reason: 'entry_not_found' });
    const ghost = await w.register(w.user, { id: '1_ghost123', context_code: 'course_77' });
    expect(ghost.statusCode).toBe(200);
    expect(await w.t.ctx.media.find(w.user.account, '1_ghost123')).toMatchObject({ kalturaSyncedAt: null });
    expect(await metricValue(w.t, 'media_kaltura_failures_total', { operation: 'media_get', reason: 'entry_not_found' })).toBe(unknownBefore + 1);
  });

  it('media_sources: the ready flavors with Canvas\'s fields, each URL with a local download KS (USER, no user, download:<entry>, session_expiry)', async () => {
    const entry = w.kaltura.addEntry({ name: 'Sources' });
    await w.register(w.user, { id: entry.id, context_code: 'course_88' });
    const mark = w.kaltura.requests.length;
    const res = await w.call(w.user, 'GET', `/api/v1/courses/88/media_objects`);
    expect(res.statusCode).toBe(200);
    const [obj] = res.json();
    expect(Object.keys(obj)).toEqual(API_KEYS);
    const flavors = w.kaltura.flavorsOf(entry.id);
    const ready = flavors.filter((f) => f.status === 2);
    expect(obj.media_sources).toHaveLength(ready.length);
    // converted before the original (Canvas's order)
    expect(obj.media_sources.map((s: { isOriginal: string }) => s.isOriginal)).toEqual(['0', '1']);
    const converted = ready.find((f) => !f.isOriginal)!;
    const s = obj.media_sources[0];
    expect(Object.keys(s)).toEqual(SOURCE_KEYS);
    expect(s).toMatchObject({ height: String(converted.height), width: String(converted.width), content_type: 'video/mp4', containerFormat: converted.containerFormat, bitrate: String(converted.bitrate), size: String(converted.size), fileExt: 'mp4', label: `${Math.floor(converted.bitrate / 1024)} kbps` });
    expect(s.src).toBe(s.url);
    const m = new RegExp(`^http://127\\.0\\.0\\.1:${w.kaltura.port}/p/${PARTNER.partnerId}/sp/${PARTNER.partnerId}00/download/entry_id/${entry.id}/flavor/${converted.id}/ks/([^/]+)/relocate/download\\.mp4$`).exec(s.url);
    expect(m, s.url).not.toBeNull();
    const ks = decodeURIComponent(m![1]!);
    // minted locally: no session call went to Kaltura, only the flavor list
    expect(w.kaltura.requests.slice(mark).map((r) => r.operation)).toEqual(['flavorAsset.list']);
    const info = await verifyWithDouble(w.kaltura, ks);
    expect(info).toMatchObject({ sessionType: 0, partnerId: PARTNER.partnerId, privileges: `download:${entry.id}` });
    expect(info.userId ?? '').toBe('');
    const expiry = Number(info.expiry);
    expect(expiry - Math.floor(Date.now() / 1000)).toBeGreaterThan(1800 - 120);
    expect(expiry - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(1800);
    // the URL plays: the double serves the flavor for that KS
    const download = await fetch(s.url);
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBeGreaterThan(0);
    // the upload KS is never what is handed out here
    expect(w.kaltura.sessions.filter((x) => x.ks === ks)).toEqual([]);
    // changed settings reach the next listing: a new download KS with the new lifetime
    await saveSettings(w.t.ctx, { session_expiry: '900' });
    try {
      const again = (await w.call(w.user, 'GET', '/api/v1/courses/88/media_objects')).json()[0].media_sources[0].url as string;
      const ks2 = decodeURIComponent(/\/ks\/([^/]+)\//.exec(again)![1]!);
      expect(ks2).not.toBe(ks);
      const info2 = await verifyWithDouble(w.kaltura, ks2);
      expect(Number(info2.expiry) - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(900);
    } finally {
      await saveSettings(w.t.ctx, { session_expiry: '1800' });
    }
  });

  it('caches a complete listing briefly; exclude[]=sources makes no Kaltura call at all', async () => {
    const entry = w.kaltura.addEntry({ name: 'All ready' });
    for (const f of w.kaltura.flavorsOf(entry.id)) f.status = 2;
    await w.register(w.user, { id: entry.id, context_code: 'course_99' });
    let mark = w.kaltura.requests.length;
    const a = await w.call(w.user, 'GET', '/api/v1/courses/99/media_objects');
    const b = await w.call(w.user, 'GET', '/api/v1/courses/99/media_objects');
    expect(a.json()[0].media_sources.length).toBeGreaterThan(0);
    expect(b.json()[0].media_sources).toEqual(a.json()[0].media_sources);
    expect(w.kaltura.requests.slice(mark).filter((r) => r.operation === 'flavorAsset.list')).toHaveLength(1);
    mark = w.kaltura.requests.length;
    const none = await w.call(w.user, 'GET', '/api/v1/media_objects?exclude[]=sources&exclude[]=tracks&per_page=100');
    expect(none.statusCode).toBe(200);
    for (const o of none.json()) {
      expect(o).not.toHaveProperty('media_sources');
      expect(o).not.toHaveProperty('media_tracks');
    }
    expect(w.kaltura.requests.slice(mark)).toEqual([]);
  });

  it('when Kaltura fails, the object is answered with media_sources [] (logged and counted)', async () => {
    const entry = w.kaltura.addEntry();
    await w.register(w.user, { id: entry.id, context_code: 'course_66' });
    const before = await metricValue(w.t, 'media_kaltura_failures_total', { operation: 'flavors' });
    w.kaltura.setFault({ kind: 'html', status: 200 }, { operation: 'flavorAsset.list' });
    try {
      const res = await w.call(w.user, 'GET', '/api/v1/courses/66/media_objects');
      expect(res.statusCode).toBe(200);
      expect(res.json()[0].media_sources).toEqual([]);
    } finally {
      w.kaltura.setFault(null);
    }
    expect(await metricValue(w.t, 'media_kaltura_failures_total', { operation: 'flavors' })).toBe(before + 1);
  });

  it('lists the caller\'s own objects, sorted by title or created_at, searched, paginated with Link', async () => {
    const me = w.other;
    const titles = ['banana', 'Apple', 'cherry'];
    for (const t of titles) await w.register(me, { id: w.kaltura.addEntry().id, user_entered_title: t });
    const byTitle = await w.call(me, 'GET', '/api/v1/media_objects?exclude[]=sources');
    expect(byTitle.json().map((o: { title: string }) => o.title)).toEqual(['Apple', 'banana', 'cherry']);
    const desc = await w.call(me, 'GET', '/api/v1/media_objects?exclude[]=sources&sort=created_at&order=desc');
    expect(desc.json().map((o: { title: string }) => o.title)).toEqual(['cherry', 'Apple', 'banana']);
    const search = await w.call(me, 'GET', '/api/v1/media_objects?exclude[]=sources&search_term=ANA');
    expect(search.json().map((o: { title: string }) => o.title)).toEqual(['banana']);
    const wild = await w.call(me, 'GET', '/api/v1/media_objects?exclude[]=sources&search_term=%25');
    expect(wild.json()).toEqual([]);
    const page = await w.call(me, 'GET', '/api/v1/media_objects?exclude[]=sources&per_page=2&page=2');
    expect(page.json().map((o: { title: string }) => o.title)).toEqual(['cherry']);
    const links = parseLinks(page.headers.link);
    expect(links.prev).toBe(`http://${HOST_A}/api/v1/media_objects?exclude%5B%5D=sources&page=1&per_page=2`);
    expect(links.last).toBe(`http://${HOST_A}/api/v1/media_objects?exclude%5B%5D=sources&page=2&per_page=2`);
    // the origin variant lists the same
    const api = await w.call(me, 'GET', '/api/media_objects?exclude[]=sources');
    expect(api.json().map((o: { title: string }) => o.title)).toEqual(['Apple', 'banana', 'cherry']);
    for (const [q, m] of [['sort=size', /sort parameter/], ['order=up', /order parameter/], ['per_page=x', /per_page/], ['search_term=' + 'x'.repeat(300), /search_term/]] as const) {
      expectError(await w.call(me, 'GET', `/api/v1/media_objects?${q}`), 400, m);
    }
  });

  it('the Link\'s last page is right whether the page is full, the last one, or past the end', async () => {
    const me = await seedUser(w.t.ctx, { accountId: w.admin.account.id, userName: 'Pager', login: 'pager' });
    for (const t of ['p1', 'p2', 'p3', 'p4']) await w.register(me, { id: w.kaltura.addEntry().id, user_entered_title: t });
    const lastOf = async (query: string) => {
      const res = await w.call(me, 'GET', `/api/v1/media_objects?exclude[]=sources&${query}`);
      expect(res.statusCode, res.body).toBe(200);
      const last = new URL(parseLinks(res.headers.link).last!);
      return { titles: res.json().map((o: { title: string }) => o.title), last: last.searchParams.get('page'), next: parseLinks(res.headers.link).next !== undefined };
    };
    expect(await lastOf('per_page=4')).toEqual({ titles: ['p1', 'p2', 'p3', 'p4'], last: '1', next: false });
    expect(await lastOf('per_page=2')).toEqual({ titles: ['p1', 'p2'], last: '2', next: true });
    expect(await lastOf('per_page=3&page=2')).toEqual({ titles: ['p4'], last: '2', next: false });
    expect(await lastOf('per_page=2&page=2')).toEqual({ titles: ['p3', 'p4'], last: '2', next: false });
    expect(await lastOf('per_page=3&page=7')).toEqual({ titles: [], last: '2', next: false });
    expect(await lastOf('per_page=3&search_term=nothing')).toEqual({ titles: [], last: '1', next: false });
  });

  it('a course or group listing: the caller\'s own objects in that context, every one for an admin', async () => {
    const mine = w.kaltura.addEntry().id;
    const theirs = w.kaltura.addEntry().id;
    await w.register(w.user, { id: mine, context_code: 'group_42', user_entered_title: 'mine' });
    await w.register(w.other, { id: theirs, context_code: 'group_42', user_entered_title: 'theirs' });
    const titles = async (who: typeof w.user) => (await w.call(who, 'GET', '/api/v1/groups/42/media_objects?exclude[]=sources')).json().map((o: { title: string; can_add_captions: boolean }) => `${o.title}:${o.can_add_captions}`);
    expect(await titles(w.user)).toEqual(['mine:true']);
    expect(await titles(w.other)).toEqual(['theirs:true']);
    expect(await titles(w.admin)).toEqual(['mine:true', 'theirs:true']);
    expect((await w.call(w.admin, 'GET', '/api/v1/courses/42/media_objects?exclude[]=sources')).json()).toEqual([]);
    expectError(await w.call(w.admin, 'GET', '/api/v1/groups/abc/media_objects'), 404);
  });

  it('PUT retitles (owner or admin); blank is Canvas\'s 400; others, other accounts and unknown ids are 404', async () => {
    const entry = w.kaltura.addEntry();
    await w.register(w.user, { id: entry.id, user_entered_title: 'Old' });
    const blank = await w.call(w.user, 'PUT', `/api/v1/media_objects/${entry.id}`, { user_entered_title: '  ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json()).toEqual({ message: 'The user_entered_title parameter must have a value' });
    const missing = await w.call(w.user, 'PUT', `/api/v1/media_objects/${entry.id}`, {});
    expect(missing.statusCode).toBe(400);
    const ok = await w.call(w.user, 'PUT', `/api/v1/media_objects/${entry.id}?exclude[]=sources`, 'user_entered_title=New+title');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ media_id: entry.id, title: 'New title', can_add_captions: true });
    const byAdmin = await w.call(w.admin, 'PUT', `/api/media_objects/${entry.id}?exclude[]=sources`, { user_entered_title: 'Admin title' });
    expect(byAdmin.statusCode).toBe(200);
    expectError(await w.call(w.other, 'PUT', `/api/v1/media_objects/${entry.id}`, { user_entered_title: 'Mine now' }), 404);
    expectError(await w.call(w.userB, 'PUT', `/api/v1/media_objects/${entry.id}`, { user_entered_title: 'B' }), 404);
    expectError(await w.call(w.user, 'PUT', '/api/v1/media_objects/0_zzzzzzzz', { user_entered_title: 'x' }), 404);
    expectError(await w.call(w.user, 'PUT', '/api/v1/media_objects/garbage', { user_entered_title: 'x' }), 404);
    expect((await w.t.ctx.media.find(w.user.account, entry.id))!.userEnteredTitle).toBe('Admin title');
    expectError(await w.call(w.userB, 'GET', `/api/v1/media_objects/${entry.id}`), 404);
  });

  it('another account\'s object is a 404 everywhere, and the same entry id may exist in each account', async () => {
    const entry = w.kaltura.addEntry();
    await w.register(w.user, { id: entry.id });
    const inB = await w.register(w.userB, { id: entry.id });
    expect(inB.statusCode).toBe(200);
    expect(inB.json().media_object.root_account_id).toBe(w.userB.account.id);
    expect((await w.call(w.userB, 'GET', '/api/v1/media_objects?exclude[]=sources')).json().map((o: { media_id: string }) => o.media_id)).toEqual([entry.id]);
  });

  it('thumbnail: a 301 to Kaltura\'s thumbnail URL as Canvas builds it; unknown entries 404', async () => {
    const entry = w.kaltura.addEntry();
    await w.register(w.user, { id: entry.id });
    const res = await w.call(null, 'GET', `/media_objects/${entry.id}/thumbnail?width=320&height=180&type=3`);
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe(`http://127.0.0.1:${w.kaltura.port}/p/${PARTNER.partnerId}/thumbnail/entry_id/${entry.id}/width/320/height/180/bgcolor/ffffff/type/3/vid_sec/5`);
    const img = await fetch(String(res.headers.location));
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toMatch(/^image\//);
    const dflt = await w.call(null, 'GET', `/media_objects/${entry.id}/thumbnail`);
    expect(dflt.headers.location).toContain('/width/140/height/100/bgcolor/ffffff/type/2/vid_sec/5');
    expectError(await w.call(null, 'GET', '/media_objects/0_unknown1/thumbnail'), 404);
    expectError(await w.call(null, 'GET', `/media_objects/${entry.id}/thumbnail?width=-5`), 400);
  });

  it('redirect: to the chosen flavor\'s download URL (closest bitrate), for someone allowed to see it', async () => {
    const entry = w.kaltura.addEntry();
    await w.register(w.user, { id: entry.id });
    const best = await w.call(w.user, 'GET', `/media_objects/${entry.id}/redirect`);
    expect(best.statusCode).toBe(302);
    const original = w.kaltura.flavorsOf(entry.id).find((f) => f.isOriginal)!;
    const converted = w.kaltura.flavorsOf(entry.id).find((f) => !f.isOriginal && f.status === 2)!;
    expect(best.headers.location).toContain(`/flavor/${converted.id}/`);
    const high = await w.call(w.user, 'GET', `/media_objects/${entry.id}/redirect?bitrate=${original.bitrate}`);
    expect(high.headers.location).toContain(`/flavor/${original.id}/`);
    expect((await fetch(String(high.headers.location))).status).toBe(200);
    expectError(await w.call(w.other, 'GET', `/media_objects/${entry.id}/redirect`), 404);
    expect((await w.call(null, 'GET', `/media_objects/${entry.id}/redirect`)).statusCode).toBe(401);
    expectError(await w.call(w.user, 'GET', `/media_objects/${entry.id}/redirect?bitrate=fast`), 400);
  });

  it('DELETE removes the object and its tracks (owner or admin) and records both in the audit log an admin can list', async () => {
    const entry = w.kaltura.addEntry();
    await w.register(w.user, { id: entry.id, context_code: 'course_3' });
    const put = await w.call(w.user, 'PUT', `/api/v1/media_objects/${entry.id}/media_tracks`, [{ locale: 'en', content: 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello' }]);
    expect(put.statusCode, put.body).toBe(200);
    expectError(await w.call(w.other, 'DELETE', `/api/v1/media_objects/${entry.id}`), 404);
    const del = await w.call(w.user, 'DELETE', `/api/v1/media_objects/${entry.id}`);
    expect(del.statusCode).toBe(200);
    expect(del.json().media_id).toBe(entry.id);
    expect(await w.t.ctx.media.find(w.user.account, entry.id)).toBeNull();
    expectError(await w.call(w.user, 'DELETE', `/api/v1/media_objects/${entry.id}`), 404);
    const events = await w.call(w.admin, 'GET', `/api/v1/accounts/self/media_events?media_id=${entry.id}`);
    expect(events.statusCode).toBe(200);
    expect(events.json().map((e: { event: string }) => e.event)).toEqual(['media_object_deleted', 'media_track_deleted', 'media_track_created', 'media_object_created']);
    expect(events.json()[0]).toMatchObject({ user_id: w.user.user.id, media_id: entry.id, context_code: 'course_3', account_id: w.user.account.id });
    expect(typeof events.json()[0].request_id).toBe('string');
    const filtered = await w.call(w.admin, 'GET', `/api/v1/accounts/${w.admin.account.id}/media_events?event=media_object_deleted&per_page=1`);
    expect(filtered.json()).toHaveLength(1);
    expect(parseLinks(filtered.headers.link).current).toContain('event=media_object_deleted');
    const notAdmin = await w.call(w.user, 'GET', `/api/v1/accounts/${w.admin.account.id}/media_events`);
    expect(notAdmin.statusCode).toBe(401);
    expect((await w.call(w.admin, 'GET', `/api/v1/accounts/self/media_events?event=exploded`)).statusCode).toBe(400);
    // the session audit log is unchanged by media events
    const sessions = await w.call(w.admin, 'GET', `/api/v1/accounts/self/kaltura_sessions`);
    expect(sessions.statusCode).toBe(200);
    expect(sessions.json()).toEqual([]);
  });
});

describe.each(await testDatabases())('media objects in remote and app_token modes on %s', (database) => {
  for (const mode of ['remote', 'app_token'] as const) {
    it(`${mode}: the download KS comes from the one call the mode allows, and is reused`, async () => {
      const w = await mediaWorld(database, { mode, sourcesTtlMs: 0 });
      try {
        const entry = w.kaltura.addEntry();
        await w.register(w.user, { id: entry.id });
        const sessionMark = w.kaltura.sessions.length;
        const first = await w.call(w.user, 'GET', '/api/v1/media_objects');
        expect(first.statusCode).toBe(200);
        const url: string = first.json()[0].media_sources[0].url;
        expect((await fetch(url)).status).toBe(200);
        const issuing = mode === 'remote' ? 'session.start' : 'appToken.startSession';
        const downloadSessions = w.kaltura.sessions.slice(sessionMark).filter((s) => s.privileges.includes(`download:${entry.id}`));
        expect(downloadSessions).toHaveLength(1);
        expect(downloadSessions[0]).toMatchObject({ type: 0, operation: issuing });
        expect(downloadSessions[0]!.userId ?? '').toBe('');
        const mark = w.kaltura.requests.length;
        const second = await w.call(w.user, 'GET', '/api/v1/media_objects');
        expect(second.json()[0].media_sources[0].url).toBe(url);
        expect(w.kaltura.requests.slice(mark).map((r) => r.operation)).toEqual(['flavorAsset.list']);
      } finally {
        await w.close();
      }
    });
  }
});

describe('CORS for registering an upload from Canvas\'s editor on another origin', () => {
  it('answers the preflight of a listed origin on both create paths, and no other origin', async () => {
    const t = await createTestApp({ env: { CORS_ORIGINS: 'https://canvas.example.edu' } });
    try {
      const { token } = await seedUser(t.ctx);
      for (const url of ['/api/v1/media_objects', '/api/media_objects']) {
        const pre = await t.app.inject({ method: 'OPTIONS', url, headers: { origin: 'https://canvas.example.edu', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
        expect(pre.statusCode).toBe(204);
        expect(pre.headers['access-control-allow-origin']).toBe('https://canvas.example.edu');
        const post = await t.app.inject({ method: 'POST', url, headers: { origin: 'https://canvas.example.edu', authorization: `Bearer ${token}` }, payload: { id: '0_cors1234' } });
        expect(post.statusCode).toBe(200);
        expect(post.headers['access-control-allow-origin']).toBe('https://canvas.example.edu');
        const other = await t.app.inject({ method: 'OPTIONS', url, headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } });
        expect(other.headers['access-control-allow-origin']).toBeUndefined();
      }
    } finally {
      await t.ctx.media.idle();
      await t.close();
    }
  });
});

describe.each(await testDatabases())('developer-key scopes on the media routes on %s', (database) => {
  it('a token whose key requires scopes reaches only the media routes its scopes name, API and page routes alike', async () => {
    const w = await mediaWorld(database);
    try {
      const entry = w.kaltura.addEntry();
      expect((await w.register(w.user, { id: entry.id })).statusCode).toBe(200);
      const scopes = ['url:GET|/api/v1/media_objects', 'url:GET|/media_objects_iframe/:media_object_id'];
      const key = await w.t.ctx.developerKeys.create({ accountId: w.user.account.id, name: 'media reader', requireScopes: true, scopes });
      const { token } = await w.t.ctx.tokens.create({ userId: w.user.user.id, developerKeyId: key.id, scopes });
      const as = (method: string, url: string, body?: unknown) => w.t.app.inject({ method: method as 'GET', url, headers: { host: HOST_A, authorization: `Bearer ${token}` }, ...(body ? { payload: body as object } : {}) });
      expect((await as('GET', '/api/v1/media_objects?exclude[]=sources')).statusCode).toBe(200);
      expect((await as('GET', `/media_objects_iframe/${entry.id}`)).statusCode).toBe(200);
      const refused = await as('POST', '/api/v1/media_objects', { id: w.kaltura.addEntry().id });
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual({ errors: [{ message: 'Insufficient scopes on access token.' }] });
      expect((await as('PUT', `/api/v1/media_objects/${entry.id}/media_tracks`, [{ locale: 'en', content: 'WEBVTT\n\n00:00.000 --> 00:01.000\nx' }])).statusCode).toBe(401);
      expect((await as('GET', `/media_objects/${entry.id}/redirect`)).statusCode).toBe(401);
      // every media scope is one a developer key may name
      await expect(w.t.ctx.developerKeys.create({ accountId: w.user.account.id, name: 'all media', requireScopes: true, scopes: ['url:PUT|/api/v1/media_objects/:media_object_id/media_tracks', 'url:GET|/media_objects/:media_object_id/media_tracks/:id', 'url:GET|/api/v1/accounts/:account_id/media_events'] })).resolves.toBeDefined();
    } finally {
      await w.close();
    }
  });
});

describe('failed authentications on the media pages count toward the per-IP limit', () => {
  it('bad tokens on /media_objects… and the player page are limited like on /api/', async () => {
    const t = await createTestApp({ env: { RATE_LIMIT_AUTH_FAILURES_PER_IP: '3', RATE_LIMIT_WINDOW_MS: '600000' } });
    try {
      await seedUser(t.ctx);
      const bad = { authorization: `Bearer ${'x'.repeat(64)}` };
      for (const url of ['/media_objects_iframe/0_abcd1234', '/media_objects/0_abcd1234/media_tracks', '/media_objects/0_abcd1234/redirect']) {
        expect((await t.app.inject({ method: 'GET', url, headers: bad })).statusCode).toBe(401);
      }
      const limited = await t.app.inject({ method: 'GET', url: '/media_objects_iframe/0_abcd1234', headers: bad });
      expect(limited.statusCode).toBe(429);
      expect(limited.json().errors[0].error_code).toBe('rate_limit_exceeded');
    } finally {
      await t.close();
    }
  });
});
