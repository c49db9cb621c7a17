/**
 * Authenticates every `/api/` request once, before its handler: resolves the root account from
 * the Host header and the caller from the token. Handlers read `request.account` and
 * `request.identity` (null when no token was presented).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Account } from '../../accounts/account-repository.js';
import type { Authenticator, Identity } from '../../auth/authenticator.js';
import type { AccountResolver } from '../../accounts/account-resolver.js';
import { param, requestPath } from '../request-params.js';

declare module 'fastify' {
  interface FastifyRequest {
    account: Account | null;
    identity: Identity | null;
  }
}

/**
 * Adds the account/identity decorators and the pre-handler that fills them. A route whose
 * `config.public` is true (the OpenAPI document) is served without looking at credentials.
 */
export function installAuthentication(app: FastifyInstance, resolver: AccountResolver, authenticator: Authenticator): void {
  app.decorateRequest('account', null);
  app.decorateRequest('identity', null);
  app.addHook('preHandler', async (request: FastifyRequest, reply) => {
    if (!request.url.startsWith('/api/') || (request.routeOptions.config as { public?: boolean }).public === true) return;
    const account = await resolver.forHost(request.headers.host);
    request.account = account;
    const identity = await authenticator.authenticate({
      method: request.method,
      path: requestPath(request),
      authorization: request.headers.authorization,
      accessTokenParam: param(request, 'access_token'),
      asUserIdParam: param(request, 'as_user_id'),
      account,
    });
    request.identity = identity;
    if (identity) {
      reply.header('x-canvas-user-id', String(identity.user.id));
      if (identity.realUser) reply.header('x-canvas-real-user-id', String(identity.realUser.id));
    }
  });
}
