/**
 * Listings without sources are kept (src/media/media-listing-cache.ts) with caches that live 5 s
 * here: a row changed behind the service's back stays unseen, which shows the answer is kept;
 * every change made through the service (create, update, retitle, tracks, delete, the background
 * media.get) is seen by the next listing at once; one caller never gets another's answer; a
 * listing holding an object Kaltura has not described yet is not kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helper.js';
import { parseLinks } from './admin-fixture.js';
import { mediaWorld, type MediaWorld } from './media-fixture.js';

type Listed = { media_id: string; title: string; can_add_captions: boolean; media_tracks?: { locale: string }[] };

describe.each(await testDatabases())('kept media listings on %s', (database) => {
  let w: MediaWorld;
  beforeAll(async () => {
    w = await mediaWorld(database, { env: { CACHE_TTL_MS: '5000' } });
  });
  afterAll(async () => w?.close());

  const listing = async (who: MediaWorld['user'], url: string) => {
    const res = await w.call(who, 'GET', url);
    expect(res.statusCode, res.body).toBe(200);
    return { items: res.json() as Listed[], link: res.headers.link as string, body: res.body };
  };
  const titles = (items: Listed[]) => items.map((o) => o.title);
  /** changes a title in the database itself, behind the service's back */
  const retitleBehind = (mediaId: string, title: string) =>
    w.t.ctx.db.kysely.updateTable('media_objects').set({ user_entered_title: title }).where('media_id', '=', mediaId).where('root_account_id', '=', w.user.account.id).execute();

  it('answers the same listing again from what it kept, and sees every change made through the service at once', async () => {
    const url = '/api/v1/courses/31/media_objects?exclude[]=sources&sort=title';
    const first = w.kaltura.addEntry({ name: 'one' });
    expect((await w.register(w.user, { id: first.id, context_code: 'course_31', user_entered_title: 'Alpha' })).statusCode).toBe(200);
    const before = await listing(w.user, url);
    expect(titles(before.items)).toEqual(['Alpha']);

    // kept: a change behind the service's back is not seen, and the answer is byte for byte the same
    await retitleBehind(first.id, 'Behind');
    const again = await listing(w.user, url);
    expect(again.body).toBe(before.body);
    expect(again.link).toBe(before.link);

    // create
    const second = w.kaltura.addEntry({ name: 'two' });
    expect((await w.register(w.user, { id: second.id, context_code: 'course_31', user_entered_title: 'Beta' })).statusCode).toBe(200);
    expect(titles((await listing(w.user, url)).items)).toEqual(['Behind', 'Beta']);

    // registered again in the same context (an update)
    expect((await w.register(w.user, { id: second.id, context_code: 'course_31', user_entered_title: 'Gamma' })).statusCode).toBe(200);
    expect(titles((await listing(w.user, url)).items)).toEqual(['Behind', 'Gamma']);

    // retitle
    expect((await w.call(w.user, 'PUT', `/api/v1/media_objects/${first.id}`, { user_entered_title: 'Delta' })).statusCode).toBe(200);
    expect(titles((await listing(w.user, url)).items)).toEqual(['Delta', 'Gamma']);

    // tracks: set, add, delete one
    const vtt = 'WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n';
    expect((await w.call(w.user, 'PUT', `/api/v1/media_objects/${first.id}/media_tracks`, [{ locale: 'en', content: vtt }])).statusCode).toBe(200);
    const locales = async () => (await listing(w.user, url)).items.map((o) => (o.media_tracks ?? []).map((t) => t.locale).join(','));
    expect(await locales()).toEqual(['en', '']);
    expect((await w.call(w.user, 'POST', `/api/v1/media_objects/${first.id}/media_tracks`, { locale: 'fr', content: vtt })).statusCode).toBe(200);
    expect(await locales()).toEqual(['en,fr', '']);
    const tracks = (await w.call(w.user, 'GET', `/api/v1/media_objects/${first.id}/media_tracks`)).json() as { id: number; locale: string }[];
    const fr = tracks.find((t) => t.locale === 'fr')!;
    expect((await w.call(w.user, 'DELETE', `/api/v1/media_objects/${first.id}/media_tracks/${fr.id}`)).statusCode).toBe(200);
    expect(await locales()).toEqual(['en', '']);

    // delete
    expect((await w.call(w.user, 'DELETE', `/api/v1/media_objects/${second.id}`)).statusCode).toBe(200);
    const after = await listing(w.user, url);
    expect(titles(after.items)).toEqual(['Delta']);
    expect(parseLinks(after.link).last).toContain('page=1&');
  });

  it("the caller's own listing too, under both of its paths, and the Link of each path", async () => {
    const entry = w.kaltura.addEntry({ name: 'mine' });
    expect((await w.register(w.other, { id: entry.id, user_entered_title: 'Own one' })).statusCode).toBe(200);
    const v1 = await listing(w.other, '/api/v1/media_objects?exclude[]=sources');
    const rce = await listing(w.other, '/api/media_objects?exclude[]=sources');
    expect(titles(v1.items)).toEqual(['Own one']);
    expect(rce.body).toBe(v1.body);
    expect(parseLinks(v1.link).current).toMatch(/\/api\/v1\/media_objects\?/);
    expect(parseLinks(rce.link).current).toMatch(/\/api\/media_objects\?/);
    await retitleBehind(entry.id, 'Behind');
    expect(titles((await listing(w.other, '/api/v1/media_objects?exclude[]=sources')).items)).toEqual(['Own one']);
    expect((await w.call(w.other, 'PUT', `/api/v1/media_objects/${entry.id}`, { user_entered_title: 'Renamed' })).statusCode).toBe(200);
    for (const url of ['/api/v1/media_objects?exclude[]=sources', '/api/media_objects?exclude[]=sources']) {
      expect(titles((await listing(w.other, url)).items)).toEqual(['Renamed']);
    }
  });

  it("never answers one caller's listing to another: same URL, each their own (an admin sees the context's every object)", async () => {
    const url = '/api/v1/courses/32/media_objects?exclude[]=sources';
    const mine = w.kaltura.addEntry();
    const theirs = w.kaltura.addEntry();
    expect((await w.register(w.user, { id: mine.id, context_code: 'course_32', user_entered_title: 'Pat’s' })).statusCode).toBe(200);
    expect((await w.register(w.other, { id: theirs.id, context_code: 'course_32', user_entered_title: 'Oli’s' })).statusCode).toBe(200);
    for (let round = 0; round < 2; round++) {
      expect(titles((await listing(w.user, url)).items)).toEqual(['Pat’s']);
      expect(titles((await listing(w.other, url)).items)).toEqual(['Oli’s']);
      expect((await listing(w.admin, url)).items.map((o) => `${o.title}:${o.can_add_captions}`)).toEqual(['Oli’s:true', 'Pat’s:true']);
      expect(titles((await listing(w.user, '/api/v1/media_objects?exclude[]=sources&search_term=s')).items)).toContain('Pat’s');
      expect(titles((await listing(w.other, '/api/v1/media_objects?exclude[]=sources&search_term=s')).items)).not.toContain('Pat’s');
    }
    // another root account on the same path: its own (no) objects
    expect((await listing(w.userB, url)).items).toEqual([]);
    // a token in the query names the caller as well
    const byQuery = await w.call(null, 'GET', `${url}&access_token=${w.other.token}`);
    expect(titles(byQuery.json() as Listed[])).toEqual(['Oli’s']);
    expect(byQuery.headers.link).not.toContain('access_token');
  });

  it('a listing holding an object Kaltura has not described yet is not kept, and the background media.get writing it is seen at once', async () => {
    const entry = w.kaltura.addEntry({ name: 'Named by Kaltura' });
    const url = '/api/v1/courses/33/media_objects?exclude[]=sources';
    const search = '/api/v1/courses/33/media_objects?exclude[]=sources&search_term=named+by';
    w.kaltura.setFault({ kind: 'http5xx', status: 503 }, { operation: 'media.get' });
    try {
      expect((await w.register(w.user, { id: entry.id, context_code: 'course_33' })).statusCode).toBe(200);
      expect(titles((await listing(w.user, url)).items)).toEqual(['Untitled']);
      // kept: nothing in it waits for Kaltura
      expect((await listing(w.user, search)).items).toEqual([]);
      await w.t.ctx.media.idle();
    } finally {
      w.kaltura.setFault(null);
    }
    // not kept (it holds the undescribed object): this listing asks Kaltura again, which now answers
    expect(titles((await listing(w.user, url)).items)).toEqual(['Untitled']);
    await w.t.ctx.media.idle();
    expect(titles((await listing(w.user, url)).items)).toEqual(['Named by Kaltura']);
    expect(titles((await listing(w.user, search)).items)).toEqual(['Named by Kaltura']);
  });

  it('an admin whose role goes is answered as a plain user at once', async () => {
    const url = '/api/v1/courses/34/media_objects?exclude[]=sources';
    const entry = w.kaltura.addEntry();
    expect((await w.register(w.user, { id: entry.id, context_code: 'course_34', user_entered_title: 'Pat in 34' })).statusCode).toBe(200);
    const extra = await w.t.ctx.users.create({ accountId: w.user.account.id, name: 'Temp Admin', login: 'temp-admin', admin: { becomeUser: false, siteAdmin: false } });
    const { token } = await w.t.ctx.tokens.create({ userId: extra.user.id });
    const who = { ...w.user, user: extra.user, token };
    expect(titles((await listing(who, url)).items)).toEqual(['Pat in 34']);
    await w.t.ctx.db.kysely.deleteFrom('account_admins').where('user_id', '=', extra.user.id).execute();
    expect((await listing(who, url)).items).toEqual([]);
  });
});
