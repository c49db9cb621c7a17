/**
 * Two instances of the service as separate processes on different ports, sharing one
 * PostgreSQL schema and one Redis (with a prefix of this run's own): settings changed through
 * one are served by the other, a token revoked (or a developer key deleted) through one is
 * refused by the other within 2 s (their caches live 5 s, so only the Redis invalidation can
 * make it), a rate limit is shared, and 20,000 session requests over both lose nothing:
 * every 200's request id is in the audit log exactly once. Media objects and tracks written
 * through one are read through the other, and one entry registered through both at once is one row.
 * A media listing kept by one instance reflects a change made through the other within 2 s.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANVAS_SPEC_SETTINGS, freshDatabase, newSecretKey } from '../helper.js';
import { eventually, runNode, startService, type ServiceProcess } from '../process.js';
import { auditCountsByRequestId, call, missingServices, REDIS_TEST_URL, sessionLoad, sqlOnTestDatabase, uniqueRedisPrefix } from './scale-helper.js';

const skip = await missingServices({ postgres: true, redis: true });

describe.skipIf(skip !== null)('two instances sharing PostgreSQL and Redis', () => {
  let a: ServiceProcess;
  let b: ServiceProcess;
  let token: string;
  let drop: () => Promise<void>;
  let schema: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const db = freshDatabase('postgres');
    drop = db.drop;
    schema = new URL(db.url).searchParams.get('schema')!;
    env = {
      DATABASE_URL: db.url,
      DATA_DIR: db.dataDir,
      SECRET_KEYS: newSecretKey(),
      REDIS_URL: REDIS_TEST_URL,
      REDIS_PREFIX: uniqueRedisPrefix(),
      // caches outlive the 2 s bound: only the shared invalidation can meet it
      CACHE_TTL_MS: '5000',
      TRUST_PROXY: 'true',
      RATE_LIMIT_SESSION_PER_TOKEN: '0',
      RATE_LIMIT_SESSION_PER_IP: '0',
      RATE_LIMIT_AUTH_FAILURES_PER_IP: '6',
      RATE_LIMIT_WINDOW_MS: '600000',
      DATABASE_POOL_SIZE: '8',
    };
    [a, b] = await Promise.all([startService(env), startService(env)]);
    const m = /access token \(shown once, keep it safe\): (\S+)/.exec(a.stdout() + b.stdout());
    token = m![1]!;
  }, 60_000);

  afterAll(async () => {
    const codes = await Promise.all([a?.stop(), b?.stop()]);
    await drop?.();
    expect(codes).toEqual([0, 0]);
  });

  it('runs on two ports', () => {
    expect(new URL(a.url).port).not.toBe(new URL(b.url).port);
  });

  it('settings changed through one instance are served by the other', async () => {
    // B has cached "not configured" for its 5 s TTL
    expect((await call(`${b.url}/api/v1/services/kaltura`, { token })).body).toEqual({ enabled: false });
    const put = await call(`${a.url}/api/v1/kaltura_settings`, { method: 'PUT', token, body: JSON.stringify({ settings: CANVAS_SPEC_SETTINGS, enabled: true }) });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const seen = await eventually(async () => (await call(`${b.url}/api/v1/services/kaltura`, { token })).body?.enabled === true, 2000, 50);
    expect(seen).toBe(true);
    const session = await call(`${b.url}/api/v1/services/kaltura_session`, { method: 'POST', token });
    expect(session.status).toBe(200);
    expect(session.body.partner_id).toBe('100');
  });

  it('a token revoked through one instance is refused by the other within 2 seconds', async () => {
    const created = await call(`${a.url}/api/v1/users/self/tokens`, { method: 'POST', token, body: JSON.stringify({ token: { purpose: 'revoke me' } }) });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const second: string = created.body.visible_token;
    const xff = { 'x-forwarded-for': '198.51.100.20' };
    // B now holds the token in its cache
    expect((await call(`${b.url}/api/v1/services/kaltura`, { token: second, headers: xff })).status).toBe(200);
    const del = await call(`${a.url}/api/v1/users/self/tokens/${created.body.id}`, { method: 'DELETE', token });
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    const refused = await eventually(async () => (await call(`${b.url}/api/v1/services/kaltura`, { token: second, headers: xff })).status === 401, 2000, 50);
    expect(refused).toBe(true);
    const last = await call(`${b.url}/api/v1/services/kaltura`, { token: second, headers: xff });
    expect(last.body).toEqual({ errors: [{ message: 'Revoked access token.' }] });
  });

  it('a change made with the CLI (another process on the same PostgreSQL and Redis) reaches both within 2 seconds', async () => {
    const xff = { 'x-forwarded-for': '198.51.100.21' };
    const created = await call(`${a.url}/api/v1/users/self/tokens`, { method: 'POST', token, body: JSON.stringify({ token: { purpose: 'cli revokes me' } }) });
    const third: string = created.body.visible_token;
    for (const url of [a.url, b.url]) expect((await call(`${url}/api/v1/services/kaltura`, { token: third, headers: xff })).status).toBe(200);
    const cli = await runNode(['--import', 'tsx', 'src/cli/run.ts', 'tokens', 'revoke', String(created.body.id)], env);
    expect(cli.code, cli.stderr).toBe(0);
    for (const url of [a.url, b.url]) {
      expect(await eventually(async () => (await call(`${url}/api/v1/services/kaltura`, { token: third, headers: xff })).status === 401, 2000, 50)).toBe(true);
    }
  });

  it('a developer key deleted through one instance stops its tokens on the other within 2 seconds', async () => {
    const xff = { 'x-forwarded-for': '198.51.100.22' };
    const key = await call(`${a.url}/api/v1/accounts/self/developer_keys`, { method: 'POST', token, body: JSON.stringify({ developer_key: { name: 'scale test' } }) });
    expect(key.status, JSON.stringify(key.body)).toBe(200);
    const cli = await runNode(['--import', 'tsx', 'src/cli/run.ts', 'tokens', 'create', '--user', '1', '--developer-key', String(key.body.id), '--json'], env);
    expect(cli.code, cli.stderr).toBe(0);
    const keyed: string = JSON.parse(cli.stdout).token;
    expect((await call(`${b.url}/api/v1/services/kaltura`, { token: keyed, headers: xff })).status).toBe(200);
    const del = await call(`${a.url}/api/v1/developer_keys/${key.body.id}`, { method: 'DELETE', token });
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect(await eventually(async () => (await call(`${b.url}/api/v1/services/kaltura`, { token: keyed, headers: xff })).status === 401, 2000, 50)).toBe(true);
  });

  it('shares a rate limit: failed authentications through both count together', async () => {
    const xff = { 'x-forwarded-for': '203.0.113.9' };
    const bad = 'x'.repeat(64);
    for (const url of [a.url, b.url, a.url, b.url, a.url, b.url]) {
      expect((await call(`${url}/api/v1/services/kaltura`, { token: bad, headers: xff })).status).toBe(401);
    }
    // each instance saw 3 of the 6 allowed; together they used them up
    for (const url of [b.url, a.url]) {
      const r = await call(`${url}/api/v1/services/kaltura`, { token: bad, headers: xff });
      expect(r.status).toBe(429);
      expect(r.body.errors[0].error_code).toBe('rate_limit_exceeded');
    }
    // another client is not affected
    expect((await call(`${a.url}/api/v1/services/kaltura`, { token, headers: { 'x-forwarded-for': '203.0.113.10' } })).status).toBe(200);
  });

  it('media objects and tracks written through one instance are seen by the other; the same entry registered on both at once is one row', async () => {
    const xff = { 'x-forwarded-for': '198.51.100.30' };
    const entry = `0_sc${randomBytes(3).toString('hex')}`;
    const created = await call(`${a.url}/api/v1/media_objects`, { method: 'POST', token, headers: xff, body: JSON.stringify({ id: entry, type: 'video', context_code: 'course_5', user_entered_title: 'Scale' }) });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const listed = await call(`${b.url}/api/v1/courses/5/media_objects?exclude[]=sources`, { token, headers: xff });
    expect(listed.status).toBe(200);
    expect(listed.body.map((o: { media_id: string; title: string }) => `${o.media_id}:${o.title}`)).toEqual([`${entry}:Scale`]);
    const vtt = 'WEBVTT\n\n00:00.000 --> 00:01.000\nScaled\n';
    const put = await call(`${b.url}/api/v1/media_objects/${entry}/media_tracks`, { method: 'PUT', token, headers: xff, body: JSON.stringify([{ locale: 'en', content: vtt }]) });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const tracks = await call(`${a.url}/api/v1/media_objects/${entry}/media_tracks?include[]=content`, { token, headers: xff });
    expect(tracks.body.map((t: { locale: string; content: string }) => `${t.locale}:${t.content}`)).toEqual([`en:${vtt}`]);
    const served = await call(`${a.url}/media_objects/${entry}/media_tracks/${tracks.body[0].id}`, { token, headers: xff });
    expect(served.body).toBe(vtt);
    const retitled = await call(`${a.url}/api/v1/media_objects/${entry}?exclude[]=sources`, { method: 'PUT', token, headers: xff, body: JSON.stringify({ user_entered_title: 'Renamed' }) });
    expect(retitled.status).toBe(200);
    expect((await call(`${b.url}/api/v1/media_objects/${entry}?exclude[]=sources`, { token, headers: xff })).body.title).toBe('Renamed');
    const del = await call(`${b.url}/api/v1/media_objects/${entry}`, { method: 'DELETE', token, headers: xff });
    expect(del.status).toBe(200);
    expect((await call(`${a.url}/api/v1/media_objects/${entry}/media_tracks`, { token, headers: xff })).status).toBe(404);
    const events = await call(`${a.url}/api/v1/accounts/self/media_events?media_id=${entry}`, { token, headers: xff });
    expect(events.body.map((e: { event: string }) => e.event)).toEqual(['media_object_deleted', 'media_track_deleted', 'media_track_created', 'media_object_created']);

    // both instances register the same entries at once: one row each, every answer 200
    const ids = Array.from({ length: 10 }, (_, i) => `0_cc${randomBytes(2).toString('hex')}${i}${i}`.slice(0, 10));
    const answers = await Promise.all(
      ids.flatMap((id) => [a.url, b.url].map((url) => call(`${url}/api/v1/media_objects`, { method: 'POST', token, headers: xff, body: JSON.stringify({ id, context_code: 'course_6' }) }))),
    );
    expect(answers.map((x) => x.status)).toEqual(answers.map(() => 200));
    const all = await call(`${b.url}/api/v1/courses/6/media_objects?exclude[]=sources&per_page=100`, { token, headers: xff });
    expect(all.body.map((o: { media_id: string }) => o.media_id).sort()).toEqual([...ids].sort());
    const createdEvents = await call(`${a.url}/api/v1/accounts/self/media_events?event=media_object_created&per_page=100`, { token, headers: xff });
    for (const id of ids) expect(createdEvents.body.filter((e: { media_id: string }) => e.media_id === id)).toHaveLength(1);
  });

  it('a media listing kept by one instance reflects every change made through the other within 2 seconds', async () => {
    const xff = { 'x-forwarded-for': '198.51.100.31' };
    const entry = `0_lc${randomBytes(3).toString('hex')}`;
    const listed = async () => {
      const r = await call(`${b.url}/api/v1/courses/41/media_objects?exclude[]=sources`, { token, headers: xff });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return (r.body as { title: string; media_tracks: { locale: string }[] }[]).map((o) => `${o.title}:${o.media_tracks.map((t) => t.locale).join(',')}`);
    };
    const seenByB = async (expected: string[]) => {
      const ok = await eventually(async () => JSON.stringify(await listed()) === JSON.stringify(expected), 2000, 50);
      expect(await listed()).toEqual(expected);
      expect(ok).toBe(true);
    };
    const created = await call(`${a.url}/api/v1/media_objects`, { method: 'POST', token, headers: xff, body: JSON.stringify({ id: entry, context_code: 'course_41', user_entered_title: 'First' }) });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    // no Kaltura answers here: mark the entry described, as media.get would (a listing holding an undescribed one is not kept)
    await sqlOnTestDatabase(`update "${schema}".media_objects set kaltura_synced_at = created_at where media_id = $1`, [entry]);
    expect(await listed()).toEqual(['First:']);
    // B keeps its answer: a row changed behind both instances' backs is not seen
    await sqlOnTestDatabase(`update "${schema}".media_objects set user_entered_title = 'Behind' where media_id = $1`, [entry]);
    expect(await listed()).toEqual(['First:']);

    const retitled = await call(`${a.url}/api/v1/media_objects/${entry}?exclude[]=sources`, { method: 'PUT', token, headers: xff, body: JSON.stringify({ user_entered_title: 'Second' }) });
    expect(retitled.status).toBe(200);
    await seenByB(['Second:']);
    const vtt = 'WEBVTT\n\n00:00.000 --> 00:01.000\nKept\n';
    const put = await call(`${a.url}/api/v1/media_objects/${entry}/media_tracks`, { method: 'PUT', token, headers: xff, body: JSON.stringify([{ locale: 'en', content: vtt }]) });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await seenByB(['Second:en']);
    const del = await call(`${a.url}/api/v1/media_objects/${entry}`, { method: 'DELETE', token, headers: xff });
    expect(del.status).toBe(200);
    await seenByB([]);
    const again = await call(`${a.url}/api/v1/media_objects`, { method: 'POST', token, headers: xff, body: JSON.stringify({ id: entry, context_code: 'course_41', user_entered_title: 'Third' }) });
    expect(again.status).toBe(200);
    await seenByB(['Third:']);
  });

  it('20,000 session requests over both instances lose nothing: each 200 is audited exactly once', async () => {
    const runId = `load-${randomBytes(4).toString('hex')}`;
    const answers = await sessionLoad([a.url, b.url], token, 20_000, 48, runId);
    const byStatus = new Map<number, number>();
    for (const x of answers) byStatus.set(x.status, (byStatus.get(x.status) ?? 0) + 1);
    expect(Object.fromEntries(byStatus)).toEqual({ 200: 20_000 });

    const audited = await auditCountsByRequestId(schema, runId);
    const ok = answers.filter((x) => x.status === 200).map((x) => x.requestId);
    expect(ok.filter((id) => audited.get(id) !== 1)).toEqual([]);
    expect(audited.size).toBe(ok.length);
  }, 120_000);
});
