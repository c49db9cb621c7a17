/**
 * `GET /api/v1/accounts/:account_id/media_objects` (the console's media page), on SQLite and
 * PostgreSQL: account admins only, every owner's objects of that account and no other's, title
 * search, owner filter, Canvas's sort/order/exclude[] and Link pagination, field errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, saveSettings, seedUser, settingsForDouble, testDatabases, type TestApp } from './helper.js';
import { startKalturaDouble, type KalturaDouble } from './kaltura-double/kaltura-double.js';

const PARTNER = { partnerId: 9753, adminSecret: 'account-media-admin-secret', userSecret: 'account-media-user-secret' };

interface Item {
  media_id: string;
  title: string;
  user_id: number;
  user_name: string | null;
  context_code: string | null;
  media_sources?: unknown[];
  media_tracks?: unknown[];
}

describe.each(await testDatabases())('GET /api/v1/accounts/:account_id/media_objects (%s)', (database) => {
  let t: TestApp;
  let kaltura: KalturaDouble;
  let admin: Awaited<ReturnType<typeof seedUser>>;
  let teacher: Awaited<ReturnType<typeof seedUser>>;
  let outsider: Awaited<ReturnType<typeof seedUser>>;
  const ids = { a: '', b: '', c: '', other: '' };

  async function get(url: string, token: string, host = 'east.example') {
    const res = await t.app.inject({ method: 'GET', url, headers: { host, ...bearer(token) } });
    return { status: res.statusCode, body: res.json() as unknown, link: String(res.headers.link ?? '') };
  }

  async function register(token: string, host: string, payload: Record<string, unknown>): Promise<void> {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/media_objects', headers: { host, ...bearer(token), 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
    if (res.statusCode !== 200) throw new Error(`register → ${res.statusCode} ${res.body}`);
  }

  beforeAll(async () => {
    kaltura = await startKalturaDouble({ partners: [PARTNER] });
    t = await createTestApp({ database });
    admin = await seedUser(t.ctx, { accountName: 'East U', domains: ['east.example'], userName: 'Ada Admin', admin: true });
    teacher = await seedUser(t.ctx, { accountId: admin.account.id, userName: 'Tess Teacher' });
    outsider = await seedUser(t.ctx, { accountName: 'West U', domains: ['west.example'], userName: 'Wes West', admin: true });
    await saveSettings(t.ctx, settingsForDouble(kaltura.port, PARTNER, { resource_domain: `127.0.0.1:${kaltura.port}` }), admin.account.id);
    await t.ctx.settings.setEnabled(admin.account.id, true);
    for (const key of ['a', 'b', 'c', 'other'] as const) ids[key] = kaltura.addEntry({ partnerId: PARTNER.partnerId }).id;
    await register(teacher.token, 'east.example', { id: ids.a, context_code: 'course_3', user_entered_title: 'Biology week 1' });
    await register(teacher.token, 'east.example', { id: ids.b, context_code: 'course_3', user_entered_title: 'Chemistry lab' });
    await register(admin.token, 'east.example', { id: ids.c, type: 'audio', user_entered_title: 'Announcements' });
    await register(outsider.token, 'west.example', { id: ids.other, user_entered_title: 'Biology elsewhere' });
    await t.ctx.media.idle();
  });

  afterAll(async () => {
    await t?.close();
    await kaltura?.close();
  });

  it("lists every owner's objects of the account (and no other account's) with owner and context", async () => {
    const res = await get('/api/v1/accounts/self/media_objects?exclude[]=sources', admin.token);
    expect(res.status).toBe(200);
    const items = res.body as Item[];
    expect(items.map((o) => [o.title, o.user_id, o.user_name, o.context_code])).toEqual([
      ['Announcements', admin.user.id, 'Ada Admin', `user_${admin.user.id}`],
      ['Biology week 1', teacher.user.id, 'Tess Teacher', 'course_3'],
      ['Chemistry lab', teacher.user.id, 'Tess Teacher', 'course_3'],
    ]);
    expect(items[0]).not.toHaveProperty('media_sources');
    const byId = await get(`/api/v1/accounts/${admin.account.id}/media_objects`, admin.token);
    expect((byId.body as Item[]).map((o) => o.media_sources?.length)).toEqual([2, 2, 2]);
  });

  it('searches titles, filters by owner, sorts, and pages with Link', async () => {
    expect(((await get('/api/v1/accounts/self/media_objects?search_term=bio&exclude[]=sources', admin.token)).body as Item[]).map((o) => o.title)).toEqual(['Biology week 1']);
    expect(((await get(`/api/v1/accounts/self/media_objects?user_id=${admin.user.id}&exclude[]=sources`, admin.token)).body as Item[]).map((o) => o.media_id)).toEqual([ids.c]);
    const desc = await get('/api/v1/accounts/self/media_objects?sort=title&order=desc&exclude[]=sources', admin.token);
    expect((desc.body as Item[]).map((o) => o.title)).toEqual(['Chemistry lab', 'Biology week 1', 'Announcements']);
    const page = await get('/api/v1/accounts/self/media_objects?per_page=2&exclude[]=sources', admin.token);
    expect((page.body as Item[]).length).toBe(2);
    expect(page.link).toContain('rel="next"');
    expect(page.link).toContain('/api/v1/accounts/self/media_objects?');
  });

  it('is for admins of that account; bad filters are field errors', async () => {
    expect((await get('/api/v1/accounts/self/media_objects', teacher.token)).status).toBe(401);
    expect((await get(`/api/v1/accounts/${admin.account.id}/media_objects`, outsider.token, 'west.example')).status).toBe(401);
    const own = await get('/api/v1/accounts/self/media_objects?exclude[]=sources', outsider.token, 'west.example');
    expect((own.body as Item[]).map((o) => o.title)).toEqual(['Biology elsewhere']);
    expect(await get('/api/v1/accounts/self/media_objects?user_id=tess', admin.token)).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'user_id', message: 'The user id must be a whole number.' }] },
    });
    expect((await get(`/api/v1/accounts/self/media_objects?search_term=${'x'.repeat(300)}`, admin.token)).body).toMatchObject({ errors: [{ field: 'search_term' }] });
    expect((await get('/api/v1/accounts/self/media_objects?sort=size', admin.token)).status).toBe(400);
  });
});
