/**
 * Who may use the admin API: Canvas's rules, answered with Canvas's 401s. Account routes need an
 * admin of that root account (site admins may act on every account); a user may manage their own
 * tokens; admins may manage users holding a login in their account.
 */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app-context.js';
import type { Account } from '../../../accounts/account-repository.js';
import type { Identity } from '../../../auth/authenticator.js';
import type { User } from '../../../users/user-repository.js';
import { ApiError, unauthenticatedError, unauthorizedError } from '../../../canvas/api-error.js';
import { fieldError, schemaViolationError } from './admin-input.js';

/** The caller, or Canvas's 401 "user authorization required". */
export function caller(request: FastifyRequest): Identity {
  if (!request.identity) throw unauthenticatedError();
  return request.identity;
}

/**
 * Admin routes check their schemas before the handler but report violations only once the
 * caller is known to be allowed (a stranger learns nothing from a 400): call after authorizing.
 */
export function rejectInvalidInput(request: FastifyRequest): void {
  const err = request.validationError as (Error & { validation?: unknown[]; validationContext?: string }) | undefined;
  if (err) throw schemaViolationError((err.validation ?? []) as Parameters<typeof schemaViolationError>[0], err.validationContext ?? 'body');
}

/** Reads an id path parameter (`self` allowed where Canvas allows it). */
export function pathId(value: unknown, name: string, selfId?: number): number {
  if (value === 'self' && selfId !== undefined) return selfId;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value) && Number(value) > 0) return Number(value);
  throw fieldError(name, selfId !== undefined ? `${name} must be a positive whole number or "self"` : `${name} must be a positive whole number`);
}

/** True when the user administers the root account, or is a site admin. */
export async function isAccountAdmin(ctx: AppContext, userId: number, accountId: number): Promise<boolean> {
  if (await ctx.users.adminRole(userId, accountId)) return true;
  return ctx.users.isSiteAdmin(userId);
}

/** Resolves `:account_id` (a number or `self`) and requires the caller to administer it. */
export async function adminAccount(ctx: AppContext, request: FastifyRequest, accountIdParam: unknown): Promise<{ account: Account; identity: Identity }> {
  const identity = caller(request);
  const id = pathId(accountIdParam, 'account_id', request.account!.id);
  const account = id === request.account!.id ? request.account! : await ctx.accounts.findById(id);
  if (!account) throw ApiError.notFound();
  if (!(await isAccountAdmin(ctx, identity.user.id, account.id))) throw unauthorizedError();
  rejectInvalidInput(request);
  return { account, identity };
}

/** Requires a site admin. */
export async function requireSiteAdmin(ctx: AppContext, request: FastifyRequest): Promise<Identity> {
  const identity = caller(request);
  if (!(await ctx.users.isSiteAdmin(identity.user.id))) throw unauthorizedError();
  rejectInvalidInput(request);
  return identity;
}

/** True when `actor` may see and manage `target`: themself, a site admin, or an admin of an account where target has a login. */
export async function mayManageUser(ctx: AppContext, actor: User, target: User): Promise<boolean> {
  if (actor.id === target.id) return true;
  if (await ctx.users.isSiteAdmin(actor.id)) return true;
  for (const login of await ctx.users.loginsOf(target.id)) {
    if (login.workflowState !== 'deleted' && (await ctx.users.adminRole(actor.id, login.accountId))) return true;
  }
  return false;
}

/** Resolves `:user_id`/`:id` (a number or `self`) to a user the caller may manage, else 404/401. */
export async function managedUser(ctx: AppContext, request: FastifyRequest, userIdParam: unknown, name: string): Promise<{ user: User; identity: Identity }> {
  const identity = caller(request);
  const id = pathId(userIdParam, name, identity.user.id);
  const user = id === identity.user.id ? identity.user : await ctx.users.findById(id);
  if (!user) throw ApiError.notFound();
  if (!(await mayManageUser(ctx, identity.user, user))) throw unauthorizedError();
  rejectInvalidInput(request);
  return { user, identity };
}
