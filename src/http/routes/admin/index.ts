/**
 * The admin API, one module per resource: users, access tokens, developer keys, Kaltura
 * settings, the session audit log, error reports, the overview and the KS inspector. Form bodies with bracket keys
 * (`user[name]=…`) are nested Rails-style before validation, so forms and JSON read alike.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app-context.js';
import { nestParams, NestedParamsError } from '../../../canvas/nested-params.js';
import { ApiError } from '../../../canvas/api-error.js';
import { userRoutes } from './users.js';
import { tokenRoutes } from './tokens.js';
import { developerKeyRoutes } from './developer-keys.js';
import { kalturaSettingsRoutes } from './kaltura-settings.js';
import { kalturaSessionRoutes } from './kaltura-sessions.js';
import { errorReportRoutes } from './error-reports.js';
import { overviewRoutes } from './overview.js';
import { ksInspectionRoutes } from './ks-inspection.js';

/** Registers every admin route (encapsulated: the form nesting applies only here). */
export async function adminRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  // Schema violations reach the handler, which reports them after authorizing the caller.
  app.addHook('onRoute', (route) => {
    route.attachValidation = true;
  });
  app.addHook('preValidation', async (request) => {
    const type = request.headers['content-type'] ?? '';
    if (!/^application\/x-www-form-urlencoded\b/i.test(type)) return;
    if (request.body === null || typeof request.body !== 'object') return;
    try {
      request.body = nestParams(request.body as Record<string, unknown>);
    } catch (err) {
      if (err instanceof NestedParamsError) throw ApiError.badRequest(err.message, 'invalid_parameter');
      throw err;
    }
  });
  await app.register(userRoutes, opts);
  await app.register(tokenRoutes, opts);
  await app.register(developerKeyRoutes, opts);
  await app.register(kalturaSettingsRoutes, opts);
  await app.register(kalturaSessionRoutes, opts);
  await app.register(errorReportRoutes, opts);
  await app.register(overviewRoutes, opts);
  await app.register(ksInspectionRoutes, opts);
}
