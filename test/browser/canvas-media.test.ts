/**
 * Canvas's own media client, in Chromium, against the service and the Kaltura double: the real
 * `saveMediaRecording` of @instructure/canvas-media (what Canvas's rich content editor calls) takes
 * a recording made in the page (MediaRecorder, WebM) through the session request, k5uploader's
 * upload to the double and `POST /api/v1/media_objects`, and must end with the media object saved
 * and no error; then its `saveClosedCaptions` PUTs caption tracks. Then the player page
 * `/media_objects_iframe/:media_id` plays the object from the double's flavors with its captions,
 * and refuses people who may not see it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { bearer, createTestApp, saveSettings, seedUser, settingsForDouble, type TestApp } from '../helper.js';
import { DEFAULT_UI_CONF_ID, startKalturaDouble, type KalturaDouble } from '../kaltura-double/kaltura-double.js';
import { chromiumSkipReason, launchChromium, listenOnLoopback, PATIENCE, screenshot, watchPage } from './browser.js';
import { canvasMediaTestRoutes, CLIENT_PAGE_PATH } from './canvas-media-client.js';

const skip = chromiumSkipReason();
const PARTNER = { partnerId: 2468, adminSecret: 'canvas-media-admin-secret', userSecret: 'canvas-media-user-secret' };
const COURSE_ID = '42';

const VTT_EN = 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello from the recording\n';
const SRT_FR = '1\n00:00:00,000 --> 00:00:01,000\nBonjour\n';
const SRT_ES = '1\n00:00:00,000 --> 00:00:01,000\nHola desde la grabación\n';

interface SaveResult {
  error: string | null;
  status: number | null;
  data: unknown;
  mediaObject: { media_object: Record<string, unknown>; embedded_iframe_url: string } | null;
  progress: number[];
  recordedType: string;
  recordedBytes: number;
}

interface CaptionResult {
  ok: boolean;
  status: number | null;
  data: unknown;
  error: string | null;
}

interface ApiTrack {
  id: number;
  locale: string;
  kind: string;
  url: string;
}

interface ApiMediaObject {
  media_id: string;
  title: string;
  media_type: string;
  media_sources?: Array<{ url: string; src: string; content_type: string; fileExt: string; bitrate: string }>;
  media_tracks?: ApiTrack[];
  embedded_iframe_url: string;
}

describe.skipIf(skip !== null)("Canvas's media client (@instructure/canvas-media) in Chromium", () => {
  let t: TestApp;
  let kaltura: KalturaDouble;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  let teacher: Awaited<ReturnType<typeof seedUser>>;
  let other: Awaited<ReturnType<typeof seedUser>>;
  let mediaId = '';
  let watched: { problems: string[] };
  const serviceRequests: string[] = [];

  async function apiGet<T>(path: string, token = teacher.token): Promise<{ status: number; body: T }> {
    const res = await t.app.inject({ method: 'GET', url: path, headers: { host: '127.0.0.1', ...bearer(token) } });
    return { status: res.statusCode, body: res.json() as T };
  }

  async function tracksOf(id: string): Promise<ApiTrack[]> {
    const res = await apiGet<ApiTrack[]>(`/api/v1/media_objects/${id}/media_tracks`);
    expect(res.status).toBe(200);
    return res.body;
  }

  /** saveClosedCaptions in the page; `subtitles` as the RCE builds them (new ones carry a File). */
  function saveCaptions(id: string, subtitles: Array<{ locale: string; content?: string; name?: string }>): Promise<CaptionResult> {
    return page.evaluate(
      (args) => (globalThis as unknown as PageHelpers).canvasMediaTest.saveCaptions(args),
      { mediaId: id, subtitles, token: teacher.token },
    );
  }

  beforeAll(async () => {
    kaltura = await startKalturaDouble({ partners: [PARTNER] });
    t = await createTestApp({ testRoutes: canvasMediaTestRoutes(kaltura.url) });
    teacher = await seedUser(t.ctx, { accountName: 'Media U', domains: ['127.0.0.1'], userName: 'Tess Teacher' });
    other = await seedUser(t.ctx, { accountId: teacher.account.id, userName: 'Olly Other' });
    await saveSettings(
      t.ctx,
      settingsForDouble(kaltura.port, PARTNER, {
        resource_domain: `127.0.0.1:${kaltura.port}`,
        player_ui_conf: '1',
        kcw_ui_conf: '1',
        upload_ui_conf: String(DEFAULT_UI_CONF_ID),
      }),
      teacher.account.id,
    );
    await t.ctx.settings.setEnabled(teacher.account.id, true);
    baseUrl = await listenOnLoopback(t.app);
    browser = await launchChromium();
    page = await browser.newPage();
    watched = watchPage(page);
    if (process.env.DEBUG_CANVAS_MEDIA) {
      page.on('console', (m) => console.log('page console:', m.text()));
      page.on('response', (r) => console.log('response:', r.status(), r.request().method(), r.url().slice(0, 140)));
    }
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.origin === baseUrl && !u.pathname.startsWith('/__test__/')) serviceRequests.push(`${r.method()} ${u.pathname}`);
    });
    await page.goto(`${baseUrl}${CLIENT_PAGE_PATH}`);
    await page.locator('#status', { hasText: 'ready' }).waitFor(PATIENCE);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await kaltura?.close();
  });

  it('saveMediaRecording: session → k5uploader → POST /api/v1/media_objects ends with the object saved, no error', async () => {
    const result = await page.evaluate(
      (args) => (globalThis as unknown as PageHelpers).canvasMediaTest.recordAndSave(args),
      { token: teacher.token, contextType: 'course', contextId: COURSE_ID, name: 'my recording.webm', userEnteredTitle: 'Week 1 welcome' },
    );
    await screenshot(page, 'canvas-media-01-recording-saved');

    expect(result.error, `the client reported: ${result.error} (HTTP ${result.status}: ${JSON.stringify(result.data)})`).toBeNull();
    expect(kaltura.entries).toHaveLength(1);
    const entry = kaltura.entries[0]!;
    mediaId = entry.id;
    expect(result.mediaObject).not.toBeNull();
    expect(result.mediaObject!.media_object).toMatchObject({
      media_id: entry.id,
      context_code: `course_${COURSE_ID}`,
      user_id: teacher.user.id,
      title: 'my recording.webm',
      user_entered_title: 'Week 1 welcome',
    });
    expect(result.mediaObject!.embedded_iframe_url).toBe(`${baseUrl}/media_objects_iframe/${entry.id}`);
    expect(result.progress[0]).toBe(33);

    // the recording itself reached Kaltura: a WebM (EBML) file, under the name Canvas's client gave it
    expect(kaltura.uploads[0]!.origFilename).toBe('my recording.webm');
    expect(kaltura.uploads[0]!.data.subarray(0, 4)).toEqual(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
    expect(kaltura.uploads[0]!.size).toBe(result.recordedBytes);
    // the service's part of the flow, in order (k5uploader's calls went to the double)
    expect(serviceRequests).toEqual(['POST /api/v1/services/kaltura_session', 'POST /api/v1/media_objects']);
    expect(kaltura.requestLines().filter((l) => !l.startsWith('OPTIONS ')).map((l) => l.replace(/\?.*$/, ''))).toEqual(
      expect.arrayContaining(['GET /index.php/partnerservices2/getuiconf', 'POST /index.php/partnerservices2/upload', 'GET /index.php/partnerservices2/addEntry']),
    );

    // stored: through the API (the course's listing) and in the database
    const listed = await apiGet<ApiMediaObject[]>(`/api/v1/courses/${COURSE_ID}/media_objects?exclude[]=sources`);
    expect(listed.status).toBe(200);
    expect(listed.body.map((o) => [o.media_id, o.title])).toEqual([[entry.id, 'Week 1 welcome']]);
    const row = await t.ctx.db.kysely.selectFrom('media_objects').selectAll().where('media_id', '=', entry.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ root_account_id: teacher.account.id, user_id: teacher.user.id, context_code: `course_${COURSE_ID}`, user_entered_title: 'Week 1 welcome' });
    expect(watched.problems).toEqual([]);
  });

  it('saveClosedCaptions: PUT replaces the set; items without content keep their track; bad captions change nothing', async () => {
    expect(mediaId).not.toBe('');
    const first = await saveCaptions(mediaId, [
      { locale: 'en', content: VTT_EN },
      { locale: 'fr', content: SRT_FR, name: 'fr.srt' },
    ]);
    expect(first, JSON.stringify(first)).toMatchObject({ ok: true, status: 200 });
    const afterFirst = await tracksOf(mediaId);
    expect(afterFirst.map((x) => x.locale).sort()).toEqual(['en', 'fr']);
    const enId = afterFirst.find((x) => x.locale === 'en')!.id;

    // the RCE sends kept tracks as {locale} only: en stays as it was, fr goes, es comes
    const second = await saveCaptions(mediaId, [{ locale: 'en' }, { locale: 'es', content: SRT_ES, name: 'es.srt' }]);
    expect(second, JSON.stringify(second)).toMatchObject({ ok: true, status: 200 });
    const afterSecond = await tracksOf(mediaId);
    expect(afterSecond.map((x) => x.locale).sort()).toEqual(['en', 'es']);
    expect(afterSecond.find((x) => x.locale === 'en')!.id).toBe(enId);

    // not a caption file: a clear 4xx the client sees as a failure, and the tracks stay
    const bad = await saveCaptions(mediaId, [{ locale: 'en' }, { locale: 'de', content: '<p>not captions</p><script>alert(1)</script>' }]);
    expect(bad.ok).toBe(false);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.data)).toMatch(/"errors":\[\{"message":/);
    expect((await tracksOf(mediaId)).map((x) => x.locale).sort()).toEqual(['en', 'es']);

    const rows = await t.ctx.db.kysely.selectFrom('media_tracks').select(['locale']).execute();
    expect(rows.map((r) => r.locale).sort()).toEqual(['en', 'es']);
    await screenshot(page, 'canvas-media-02-captions-saved');
    expect(watched.problems.filter((p) => !p.startsWith('400 PUT /api/v1/media_objects/'))).toEqual([]);
  });

  describe('the player page /media_objects_iframe/:media_id', () => {
    /** A fresh tab that sends `token` (if any) to the service only, never to Kaltura, and records CSP violations. */
    async function playerTab(token: string | null): Promise<Page> {
      const tab = await browser.newPage();
      await tab.addInitScript(
        "window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));",
      );
      if (token) {
        await tab.route(`${baseUrl}/**`, (route) => route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${token}` } }));
      }
      return tab;
    }

    it('plays the object: <video> with the ready flavors as sources, captions as <track>s, no error, no CSP violation', async () => {
      expect(mediaId).not.toBe('');
      // the sources come from Kaltura (the double) once the listing asks for them
      await expect
        .poll(async () => (await apiGet<ApiMediaObject[]>('/api/v1/media_objects')).body.find((o) => o.media_id === mediaId)?.media_sources?.length ?? 0, PATIENCE)
        .toBeGreaterThan(0);

      const tab = await playerTab(teacher.token);
      const problems = watchPage(tab).problems;
      const response = await tab.goto(`${baseUrl}/media_objects_iframe/${mediaId}`);
      expect(response!.status()).toBe(200);
      const csp = response!.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).not.toContain("'unsafe-inline'");

      const video = tab.locator('video');
      await expect.poll(() => video.count(), PATIENCE).toBe(1);
      const sources = await tab.locator('video source').evaluateAll((els) => els.map((e) => ({ src: e.getAttribute('src') ?? '', type: e.getAttribute('type') ?? '' })));
      expect(sources.length).toBeGreaterThan(0);
      const flavors = kaltura.flavorsOf(mediaId);
      for (const s of sources) {
        expect(s.src).toMatch(new RegExp(`^${kaltura.url}/p/${PARTNER.partnerId}/sp/${PARTNER.partnerId}00/download/entry_id/${mediaId}/flavor/0_[a-z0-9]{8}/ks/[^/]+/relocate/download\\.[a-z0-9]+$`));
        const flavorId = /\/flavor\/([^/]+)\//.exec(s.src)![1]!;
        expect(flavors.find((f) => f.id === flavorId)?.status).toBe(2); // only ready flavors
        expect(s.type).toMatch(/^(video|audio)\//);
      }
      // the media element really loads one of the double's files
      await expect.poll(() => tab.evaluate("document.querySelector('video').readyState"), PATIENCE).toBeGreaterThanOrEqual(1);
      expect(await tab.evaluate("document.querySelector('video').error")).toBeNull();

      const tracks = tab.locator('video track');
      const trackInfo = await tracks.evaluateAll((els) => els.map((e) => ({ srclang: e.getAttribute('srclang'), kind: e.getAttribute('kind'), label: e.getAttribute('label') })));
      expect(trackInfo.map((x) => x.srclang).sort()).toEqual(['en', 'es']);
      for (const x of trackInfo) {
        expect(['captions', 'subtitles']).toContain(x.kind);
        expect(x.label).toBeTruthy();
      }
      // each track loads as WebVTT (a <track> reads nothing else; the SRT one must be served converted)
      await tab.evaluate("for (const tt of document.querySelector('video').textTracks) tt.mode = 'hidden'");
      await expect.poll(() => tab.evaluate("Array.from(document.querySelectorAll('video track'), (t) => t.readyState)"), PATIENCE).toEqual([2, 2]);
      const cues = (await tab.evaluate(
        "Array.from(document.querySelector('video').textTracks, (tt) => Array.from(tt.cues || [], (c) => c.text).join('|'))",
      )) as string[];
      expect(cues.sort()).toEqual(['Hello from the recording', 'Hola desde la grabación']);

      await screenshot(tab, 'canvas-media-03-player');
      expect(await tab.evaluate('window.cspViolations')).toEqual([]);
      expect(problems).toEqual([]);

      // no secret beyond the download KSs: not the upload KS, not the caller's token
      const html = await tab.content();
      const uploadKs = String(kaltura.requests.find((r) => r.operation === 'ps2.upload')!.params!.ks);
      expect(html).not.toContain(uploadKs);
      expect(html).not.toContain(teacher.token);
      await tab.close();
    });

    it('is refused to someone who may not see the object, and to no one signed in', async () => {
      expect(mediaId).not.toBe('');
      for (const [who, token] of [
        ['another user', other.token],
        ['nobody', null],
      ] as const) {
        const tab = await playerTab(token);
        const response = await tab.goto(`${baseUrl}/media_objects_iframe/${mediaId}`);
        expect([401, 403, 404], who).toContain(response!.status());
        expect(await tab.locator('video, audio').count(), who).toBe(0);
        expect(await tab.content(), who).not.toContain('/download/entry_id/');
        await screenshot(tab, `canvas-media-04-player-refused-${who.replace(/ /g, '-')}`);
        await tab.close();
      }
    });
  });
});

/** What canvas-media-page.js puts on the test page's window. */
interface PageHelpers {
  canvasMediaTest: {
    recordAndSave(args: { token: string; contextType: string; contextId: string; name: string; userEnteredTitle: string }): Promise<SaveResult>;
    saveCaptions(args: { mediaId: string; subtitles: Array<{ locale: string; content?: string; name?: string }>; token: string }): Promise<CaptionResult>;
  };
}
