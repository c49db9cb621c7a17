/**
 * Authenticates every `/api/` request once, before its handler: resolves the root account from
 * the Host header and the caller from the token. Handlers read `request.account` and
 * `request.identity` (null when no token was presented).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../../accounts/account-repository.js';
import type { Authenticator, Credentials, Identity } from '../../auth/authenticator.js';
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
  const credentials = (request: FastifyRequest, account: Account): Credentials => ({
    method: request.method,
    path: requestPath(request),
    authorization: request.headers.authorization,
    accessTokenParam: param(request, 'access_token'),
    asUserIdParam: param(request, 'as_user_id'),
    account,
  });
  const settle = (request: FastifyRequest, reply: FastifyReply, identity: Identity | null): void => {
    request.identity = identity;
    if (identity) {
      reply.header('x-canvas-user-id', String(identity.user.id));
      if (identity.realUser) reply.header('x-canvas-real-user-id', String(identity.realUser.id));
    }
  };
  const fullPath = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const account = await resolver.forHost(request.headers.host);
    request.account = account;
    settle(request, reply, await authenticator.authenticate(credentials(request, account)));
  };
  // A callback hook: most requests are answered from the caches (account, token, user, login)
  // without creating a promise; anything not cached takes the full, asynchronous path.
  app.addHook('preHandler', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (!request.url.startsWith('/api/') || (request.routeOptions.config as { public?: boolean }).public === true) return done();
    try {
      const account = resolver.cachedForHost(request.headers.host);
      if (account !== undefined) {
        request.account = account;
        const identity = authenticator.authenticateFromCache(credentials(request, account));
        if (identity !== undefined) {
          settle(request, reply, identity);
          return done();
        }
      }
    } catch (err) {
      return done(err as Error);
    }
    fullPath(request, reply).then(() => done(), done);
  });
}
