/**
 * Who calls a media route. `/api/` routes are authenticated by the authentication plugin; the
 * media pages outside `/api/` (Canvas's `/media_objects/…` paths, the player page) are resolved
 * here the same way: the root account from the Host header, the caller from a Bearer token or
 * an `access_token` parameter.
 */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import type { Account } from '../../accounts/account-repository.js';
import type { Identity } from '../../auth/authenticator.js';
import type { MediaActor, MediaRequestInfo } from '../../media/media-service.js';
import { unauthenticatedError } from '../../canvas/api-error.js';
import { param, requestPath } from '../request-params.js';
import { isAccountAdmin } from './admin/admin-access.js';

/** The account and the caller (null when no token came). */
export async function resolveCaller(ctx: AppContext, request: FastifyRequest): Promise<{ account: Account; identity: Identity | null }> {
  if (request.account) return { account: request.account, identity: request.identity };
  const account = await ctx.accountResolver.forHost(request.headers.host);
  const identity = await ctx.authenticator.authenticate({
    method: request.method,
    path: requestPath(request),
    authorization: request.headers.authorization,
    accessTokenParam: param(request, 'access_token'),
    asUserIdParam: param(request, 'as_user_id'),
    account,
  });
  request.account = account;
  request.identity = identity;
  return { account, identity };
}

/** The signed-in caller as a media actor, or Canvas's 401 "user authorization required". */
export async function mediaActor(ctx: AppContext, request: FastifyRequest): Promise<{ account: Account; actor: MediaActor }> {
  const { account, identity } = await resolveCaller(ctx, request);
  if (!identity) throw unauthenticatedError();
  return { account, actor: { user: identity.user, realUser: identity.realUser, isAdmin: await isAccountAdmin(ctx, identity.user.id, account.id) } };
}

/**
 * The caller as an actor over their own objects only, without looking up whether they administer
 * the account: the owner may see and manage each of their objects either way, so it changes
 * nothing there. `isAdmin` is false here; never use this actor for anyone else's objects.
 */
export async function ownMediaActor(ctx: AppContext, request: FastifyRequest): Promise<{ account: Account; actor: MediaActor }> {
  const { account, identity } = await resolveCaller(ctx, request);
  if (!identity) throw unauthenticatedError();
  return { account, actor: { user: identity.user, realUser: identity.realUser, isAdmin: false } };
}

/** Request facts for the audit log. */
export function requestInfo(request: FastifyRequest): MediaRequestInfo {
  return { clientIp: request.ip ?? null, requestId: String(request.id), log: request.log };
}

/** `<scheme>://<host>` of the request, for the absolute URLs Canvas answers. */
export function baseUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
