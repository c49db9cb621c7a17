/**
 * The player page `embedded_iframe_url` points at: `/media_objects_iframe/:media_object_id`.
 * Only someone who may see the object opens it (Bearer token or `access_token`). Its caption
 * tracks are signed, expiring links (a `<track>` cannot send a token); its sources are the
 * flavor download URLs. The console's CSP, with media and images from the Kaltura origin and
 * framing allowed by this origin and the configured CORS origins.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { consoleCspDirectives, renderCsp } from '../plugins/admin-console-csp.js';
import { renderPlayerPage, type PlayerTrack } from '../../media/player-page.js';
import type { TrackUrlSigner } from '../../media/track-url-signer.js';
import { guaranteedTitle } from '../../media/media-ids.js';
import { trackUrl } from '../../media/media-object-json.js';
import { captionLanguageName } from '../../media/caption-languages.js';
import { isConfigured, sessionPolicy } from '../../settings/kaltura-settings.js';
import { urlBaseOf } from '../../media/media-sources.js';
import { normalizeOrigins } from '../plugins/cors.js';
import { baseUrlOf, mediaActor } from './media-access.js';
import { pathMediaId } from './media-objects.js';
import { commonQuery, errorResponses, mediaIdParams } from './media-schemas.js';

/** How long the page's caption links work (seconds). */
const TRACK_LINK_SECONDS = 3600;

/** Registers the player page. */
export async function mediaPlayerRoutes(app: FastifyInstance, opts: { ctx: AppContext; signer: TrackUrlSigner }): Promise<void> {
  const { ctx, signer } = opts;
  const frameOrigins = [...normalizeOrigins(ctx.config.corsOrigins).origins];

  app.get(
    '/media_objects_iframe/:media_object_id',
    {
      schema: {
        summary: 'The player page of a media object (HTML; owner or admin)',
        tags: ['media'],
        params: mediaIdParams,
        querystring: { type: 'object', properties: commonQuery },
        response: { 200: { type: 'string', description: 'an HTML page' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const mediaId = pathMediaId(request);
      const { account, actor } = await mediaActor(ctx, request);
      const object = await ctx.media.visible(account, actor, mediaId);
      const [sources, tracks, settings] = await Promise.all([ctx.media.sources(account, object, request.log), ctx.media.tracks(object), ctx.settings.effective(account.id)]);
      const baseUrl = baseUrlOf(request);
      const expires = Math.floor(Date.now() / 1000) + TRACK_LINK_SECONDS;
      const playerTracks: PlayerTrack[] = tracks.map((t) => {
        const signed = signer.sign(account.id, mediaId, t.id, expires);
        return {
          kind: t.kind,
          locale: t.locale,
          label: captionLanguageName(t.locale),
          // as WebVTT: a <track> element reads nothing else
          src: `${trackUrl(baseUrl, mediaId, t.id)}?format=vtt&verifier=${encodeURIComponent(signed.verifier)}&expires=${signed.expires}`,
        };
      });
      const kalturaOrigin = isConfigured(settings) ? kalturaResourceOrigin(settings.plain) : null;
      const directives = consoleCspDirectives();
      directives['media-src'] = ["'self'", ...(kalturaOrigin ? [kalturaOrigin] : [])];
      directives['img-src'] = ["'self'", ...(kalturaOrigin ? [kalturaOrigin] : [])];
      directives['script-src'] = ["'none'"];
      directives['style-src'] = ["'none'"];
      directives['connect-src'] = ["'none'"];
      directives['frame-ancestors'] = ["'self'", ...frameOrigins];
      const html = renderPlayerPage({
        title: guaranteedTitle(object.userEnteredTitle, object.title),
        mediaType: object.mediaType,
        sources,
        tracks: playerTracks,
        poster: `${baseUrl}/media_objects/${encodeURIComponent(mediaId)}/thumbnail?width=640&height=360`,
      });
      return reply
        .header('content-security-policy', renderCsp(directives))
        // CSP frame-ancestors decides where it may be framed; browsers ignore this header beside it
        .header('x-frame-options', 'SAMEORIGIN')
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'private, no-store')
        .type('text/html; charset=utf-8')
        .send(html);
    },
  );

  function kalturaResourceOrigin(plain: Parameters<typeof urlBaseOf>[0]): string | null {
    const base = urlBaseOf(plain);
    if (!base) return null;
    try {
      return new URL(`${sessionPolicy(plain).protocol}://${base.host}`).origin;
    } catch {
      return null;
    }
  }
}
