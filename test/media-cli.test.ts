/**
 * `canvas-kaltura media list|show`, run in-process against the database a real app wrote through
 * the Media Objects API (SQLite and PostgreSQL): filters, JSON and text output, the tracks of an
 * object without their content, exit codes and messages on bad input, and Kaltura only asked with
 * `--sources`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../src/cli/main.js';
import { bearer, createTestApp, saveSettings, seedUser, settingsForDouble, testDatabases, type TestApp } from './helper.js';
import { startKalturaDouble, type KalturaDouble } from './kaltura-double/kaltura-double.js';

interface Run {
  code: number;
  out: string;
  err: string;
  json: any;
}

async function run(...argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (s) => (out += s), err: (s) => (err += s) };
  const code = await main(argv, io);
  let json: unknown;
  try {
    json = JSON.parse(out);
  } catch {
    json = undefined;
  }
  return { code, out, err, json };
}

const PARTNER = { partnerId: 8642, adminSecret: 'media-cli-admin-secret', userSecret: 'media-cli-user-secret' };
const VTT = 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello\n';
const SRT = '1\n00:00:00,000 --> 00:00:01,000\nHallo\n';

describe.each(await testDatabases())('canvas-kaltura media (%s)', (database) => {
  let t: TestApp;
  let kaltura: KalturaDouble;
  let teacher: Awaited<ReturnType<typeof seedUser>>;
  let student: Awaited<ReturnType<typeof seedUser>>;
  let elsewhere: Awaited<ReturnType<typeof seedUser>>;
  const ids = { intro: '', lab: '', essay: '' };
  const saved: Record<string, string | undefined> = {};

  async function call(method: 'POST' | 'PUT', url: string, who: { token: string }, host: string, payload: unknown): Promise<void> {
    const res = await t.app.inject({ method, url, headers: { host, ...bearer(who.token), 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
    if (res.statusCode !== 200) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  }

  beforeAll(async () => {
    kaltura = await startKalturaDouble({ partners: [PARTNER] });
    t = await createTestApp({ database });
    teacher = await seedUser(t.ctx, { accountName: 'North U', domains: ['north.example'], userName: 'Tess Teacher' });
    student = await seedUser(t.ctx, { accountId: teacher.account.id, userName: 'Sam Student' });
    elsewhere = await seedUser(t.ctx, { accountName: 'South U', domains: ['south.example'], userName: 'Olly Other' });
    await saveSettings(t.ctx, settingsForDouble(kaltura.port, PARTNER, { resource_domain: `127.0.0.1:${kaltura.port}` }), teacher.account.id);
    await t.ctx.settings.setEnabled(teacher.account.id, true);

    for (const [key, name] of [['intro', 'Course intro'], ['lab', 'Lab demo'], ['essay', 'Essay reading']] as const) {
      ids[key] = kaltura.addEntry({ name, partnerId: PARTNER.partnerId }).id;
    }
    await call('POST', '/api/v1/media_objects', teacher, 'north.example', { id: ids.intro, type: 'video', context_code: 'course_1', title: 'intro.mp4', user_entered_title: 'Course intro' });
    await call('POST', '/api/v1/media_objects', teacher, 'north.example', { id: ids.lab, type: 'video', context_code: 'course_1', title: 'lab.mp4' });
    await call('POST', '/api/v1/media_objects', student, 'north.example', { id: ids.essay, type: 'audio', context_code: `user_${student.user.id}`, title: 'Essay reading' });
    // the same entry registered in another account too (media ids are unique per account only)
    await call('POST', '/api/v1/media_objects', elsewhere, 'south.example', { id: ids.lab, type: 'video', title: 'South copy of the lab' });
    await call('PUT', `/api/v1/media_objects/${ids.intro}/media_tracks`, teacher, 'north.example', [
      { locale: 'en', content: VTT },
      { locale: 'de', content: SRT },
    ]);
    await t.ctx.media.idle();

    for (const name of ['DATABASE_URL', 'DATA_DIR', 'SECRET_KEYS']) saved[name] = process.env[name];
    process.env.DATABASE_URL = t.config.databaseUrl;
    process.env.DATA_DIR = t.config.dataDir;
    process.env.SECRET_KEYS = t.config.secretKeys;
  });

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await t?.close();
    await kaltura?.close();
  });

  it('media list --json: every account, newest first, with owner, context and caption locales; no Kaltura call', async () => {
    const before = kaltura.requests.length;
    const all = await run('media', 'list', '--json');
    expect(all.code).toBe(0);
    expect(all.json.map((o: { media_id: string; account_id: number }) => [o.account_id, o.media_id])).toEqual([
      [elsewhere.account.id, ids.lab],
      [teacher.account.id, ids.essay],
      [teacher.account.id, ids.lab],
      [teacher.account.id, ids.intro],
    ]);
    const intro = all.json.find((o: { media_id: string }) => o.media_id === ids.intro);
    expect(intro).toMatchObject({
      account_id: teacher.account.id,
      media_type: 'video',
      title: 'Course intro',
      user_entered_title: 'Course intro',
      context_code: 'course_1',
      user_id: teacher.user.id,
      workflow_state: 'active',
      track_locales: ['de', 'en'],
    });
    // the background media.get filled in the duration from the double (3 s)
    expect(intro.duration).toBe(3);
    expect(kaltura.requests.length).toBe(before);
  });

  it('media list filters by account, user and title; text output is one line per object', async () => {
    const north = await run('media', 'list', '--account', String(teacher.account.id), '--json');
    expect(north.json).toHaveLength(3);
    const mine = await run('media', 'list', '--account', String(teacher.account.id), '--user', String(student.user.id), '--json');
    expect(mine.json.map((o: { media_id: string }) => o.media_id)).toEqual([ids.essay]);
    const search = await run('media', 'list', '--search', 'LAB', '--json');
    expect(search.json.map((o: { title: string }) => o.title).sort()).toEqual(['South copy of the lab', 'lab.mp4']);
    const none = await run('media', 'list', '--search', 'nothing like this');
    expect(none).toMatchObject({ code: 0, out: 'no media objects\n' });

    const text = await run('media', 'list', '--account', String(teacher.account.id));
    expect(text.code).toBe(0);
    const lines = text.out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]!.split('\t')).toEqual([
      expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      `account ${teacher.account.id}`,
      ids.intro,
      'video',
      `user ${teacher.user.id}`,
      'course_1',
      'Course intro',
      'captions: de,en',
    ]);
  });

  it('media show: the object and its tracks (size, never the content)', async () => {
    const shown = await run('media', 'show', ids.intro, '--json');
    expect(shown.code).toBe(0);
    expect(shown.json).toMatchObject({ media_id: ids.intro, title: 'Course intro', user_id: teacher.user.id });
    expect(shown.json.tracks.map((x: { locale: string; kind: string; format: string; bytes: number }) => [x.locale, x.kind, x.format, x.bytes])).toEqual([
      ['de', 'captions', 'srt', Buffer.byteLength(SRT)],
      ['en', 'captions', 'vtt', Buffer.byteLength(VTT)],
    ]);
    expect(shown.out).not.toContain('Hello');
    expect(shown.json).not.toHaveProperty('media_sources');

    const text = await run('media', 'show', ids.intro);
    expect(text.out).toContain(`${ids.intro} (video) in account ${teacher.account.id}: Course intro`);
    expect(text.out).toContain('caption');
    expect(text.out).toMatch(/: en captions \(vtt, \d+ bytes\)/);
  });

  it('media show --sources asks Kaltura for the ready flavors, with download-only URLs', async () => {
    const before = kaltura.requests.length;
    const shown = await run('media', 'show', ids.intro, '--sources', '--json');
    expect(shown.code).toBe(0);
    expect(shown.json.media_sources.length).toBe(2); // the double's two ready flavors, not the converting one
    for (const s of shown.json.media_sources as Array<{ url: string }>) {
      expect(s.url.startsWith(`${kaltura.url}/p/${PARTNER.partnerId}/sp/${PARTNER.partnerId}00/download/entry_id/${ids.intro}/flavor/`)).toBe(true);
      expect((await fetch(s.url)).status).toBe(200);
    }
    expect(kaltura.requests.length).toBeGreaterThan(before);
  });

  it('refuses bad input with exit 1 and a clear message', async () => {
    const ambiguous = await run('media', 'show', ids.lab);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.err).toBe(`error: ${ids.lab} is registered in accounts ${[teacher.account.id, elsewhere.account.id].sort((a, b) => a - b).join(', ')}; pass --account\n`);
    const south = await run('media', 'show', ids.lab, '--account', String(elsewhere.account.id), '--json');
    expect(south.json).toMatchObject({ account_id: elsewhere.account.id, title: 'South copy of the lab' });

    expect(await run('media', 'show', '0_nothere1')).toMatchObject({ code: 1, err: 'error: no media object 0_nothere1\n' });
    expect(await run('media', 'show', 'not-an-id')).toMatchObject({
      code: 1,
      err: 'error: "not-an-id" is not a Kaltura entry id (a digit, "_" and 8 letters or digits, e.g. 0_abcd1234)\n',
    });
    expect(await run('media', 'list', '--account', '999999')).toMatchObject({ code: 1, err: 'error: no account 999999\n' });
    expect((await run('media', 'list', '--user', 'x')).code).toBe(1);
    expect((await run('media', 'list', '--search', 'x'.repeat(300))).err).toBe('error: --search is at most 255 characters\n');
    expect((await run('media', 'show')).code).toBe(1);
  });
});
