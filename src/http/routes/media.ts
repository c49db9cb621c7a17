/** Canvas's media layer over HTTP: media objects, tracks, the player page and the media audit log. */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { TrackUrlSigner } from '../../media/track-url-signer.js';
import { mediaObjectRoutes } from './media-objects.js';
import { mediaTrackRoutes } from './media-tracks.js';
import { mediaPlayerRoutes } from './media-player.js';
import { mediaEventRoutes } from './media-events.js';
import { mediaAccountObjectRoutes } from './media-account-objects.js';

/** Registers every media route. */
export async function mediaRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const signer = new TrackUrlSigner(opts.ctx.keyring);
  // the pages outside /api/ answer private data too: never stored unless a route says otherwise
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
  await app.register(mediaObjectRoutes, opts);
  await app.register(mediaTrackRoutes, { ...opts, signer });
  await app.register(mediaPlayerRoutes, { ...opts, signer });
  await app.register(mediaEventRoutes, opts);
  await app.register(mediaAccountObjectRoutes, opts);
}
