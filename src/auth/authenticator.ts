/**
 * Canvas's API authentication: a Bearer token (or `access_token` parameter) names a user; the
 * token must be usable in the request's root account and, for a developer key that requires
 * scopes, cover the request; an admin may act as another user with `as_user_id`.
 */
import { ApiError, WWW_AUTHENTICATE } from '../canvas/api-error.js';
import { scopesAllow } from '../canvas/scopes.js';
import type { Account } from '../accounts/account-repository.js';
import type { AccessTokenService, TokenCheck } from '../tokens/access-token-service.js';
import type { DeveloperKey } from '../developer-keys/developer-key-repository.js';
import type { AccessTokenRecord } from '../tokens/access-token-repository.js';
import type { User } from '../users/user-repository.js';
import type { UserDirectory } from '../users/user-directory.js';

/** Who is calling. */
export interface Identity {
  /** the effective user (the masqueraded one when masquerading) */
  user: User;
  /** the admin behind a masquerade, else null */
  realUser: User | null;
  token: AccessTokenRecord;
}

/** What the HTTP layer extracted from a request. */
export interface Credentials {
  method: string;
  /** path without query string */
  path: string;
  authorization: string | undefined;
  accessTokenParam: unknown;
  asUserIdParam: unknown;
  account: Account;
}

function invalidToken(message: string, extra: Record<string, unknown> = {}): ApiError {
  return new ApiError(401, { errors: [{ message, ...extra }] }, { 'www-authenticate': WWW_AUTHENTICATE });
}

/** The token a request presents: `Authorization: Bearer …` first, then `access_token`. */
export function presentedToken(authorization: string | undefined, param: unknown): string | undefined {
  if (authorization !== undefined) {
    const space = authorization.indexOf(' ');
    if (space > 0 && authorization.slice(0, space) === 'Bearer') {
      const token = authorization.slice(space + 1).trim();
      if (token !== '') return token;
    }
  }
  if (typeof param === 'string' && param !== '') return param;
  return undefined;
}

/** The token of an `ok` check; Canvas's 401 for any other outcome. */
function acceptedToken(check: TokenCheck): { token: AccessTokenRecord; developerKey: DeveloperKey | null } {
  switch (check.status) {
    case 'invalid':
      throw invalidToken('Invalid access token.');
    case 'revoked':
      throw invalidToken('Revoked access token.');
    case 'expired':
      throw invalidToken('Expired access token.', { expired_at: check.expiredAt });
    case 'ok':
      return check;
  }
}

/** Canvas's 401 when the token's developer key requires scopes and none covers the request. */
function requireScopes(token: AccessTokenRecord, developerKey: DeveloperKey | null, c: Credentials): void {
  if (developerKey?.requireScopes && !scopesAllow(token.scopes, c.method, c.path)) {
    throw new ApiError(401, { errors: [{ message: 'Insufficient scopes on access token.' }] });
  }
}

/** Authenticates requests against tokens, logins and admin roles. */
export class Authenticator {
  constructor(
    private readonly tokens: AccessTokenService,
    private readonly users: UserDirectory,
  ) {}

  /**
   * Resolves the caller, or null when no token was presented. Throws Canvas's 401s for a bad
   * token, missing scopes, or a refused masquerade.
   */
  async authenticate(c: Credentials): Promise<Identity | null> {
    const presented = presentedToken(c.authorization, c.accessTokenParam);
    if (presented === undefined) return null;
    const { token, developerKey } = acceptedToken(await this.tokens.check(presented));
    const user = await this.users.user(token.userId);
    if (!user || !(await this.users.hasActiveLogin(user.id, c.account.id))) throw invalidToken('Invalid access token.');
    requireScopes(token, developerKey, c);

    let identity: Identity = { user, realUser: null, token };
    if (token.realUserId !== null) {
      const real = await this.users.user(token.realUserId);
      if (!real) throw invalidToken('Invalid access token.');
      identity = { user, realUser: real, token };
    }
    if (c.asUserIdParam !== undefined && c.asUserIdParam !== null && c.asUserIdParam !== '') {
      identity = await this.masquerade(identity, c.asUserIdParam, c.account);
    }
    return identity;
  }

  /**
   * {@link authenticate} for the common request — a token with no masquerade — answered from
   * this instance's caches without a promise; undefined when anything it needs is not cached
   * (or the request masquerades), and the caller must use `authenticate`. Throws the same 401s.
   */
  authenticateFromCache(c: Credentials): Identity | null | undefined {
    const presented = presentedToken(c.authorization, c.accessTokenParam);
    if (presented === undefined) return null;
    if (c.asUserIdParam !== undefined && c.asUserIdParam !== null && c.asUserIdParam !== '') return undefined;
    const check = this.tokens.checkCached(presented);
    if (check === undefined) return undefined;
    const { token, developerKey } = acceptedToken(check);
    if (token.realUserId !== null) return undefined;
    const user = this.users.cachedUser(token.userId);
    if (user === undefined) return undefined;
    const hasLogin = user ? this.users.cachedHasActiveLogin(user.id, c.account.id) : false;
    if (hasLogin === undefined) return undefined;
    if (!user || !hasLogin) throw invalidToken('Invalid access token.');
    requireScopes(token, developerKey, c);
    return { user, realUser: null, token };
  }

  private async masquerade(identity: Identity, asUserId: unknown, account: Account): Promise<Identity> {
    const target = await this.findTarget(asUserId, account);
    if (identity.realUser) {
      if (target && target.id === identity.user.id) return identity;
      throw new ApiError(401, { errors: 'Cannot change masquerade' });
    }
    if (!target) throw new ApiError(401, { errors: 'Invalid as_user_id' });
    if (target.id === identity.user.id) return identity;
    if (!(await this.mayBecome(identity.user, target, account))) throw new ApiError(401, { errors: 'Invalid as_user_id' });
    return { user: target, realUser: identity.user, token: identity.token };
  }

  private async findTarget(asUserId: unknown, account: Account): Promise<User | undefined> {
    if (typeof asUserId !== 'string' && typeof asUserId !== 'number') return undefined;
    const text = String(asUserId);
    let user: User | undefined;
    if (text.startsWith('sis_user_id:')) {
      user = await this.users.findBySisUserId(account.id, text.slice('sis_user_id:'.length));
    } else if (/^\d{1,15}$/.test(text)) {
      user = (await this.users.user(Number(text))) ?? undefined;
    }
    if (!user || !(await this.users.hasActiveLogin(user.id, account.id))) return undefined;
    return user;
  }

  /** Canvas's rule: an admin with become_user, over a user holding no admin role the caller lacks. */
  private async mayBecome(caller: User, target: User, account: Account): Promise<boolean> {
    const callerRole = await this.users.adminRole(caller.id, account.id);
    if (!callerRole?.becomeUser) return false;
    const targetRole = await this.users.adminRole(target.id, account.id);
    if (!targetRole) return true;
    if (targetRole.siteAdmin && !callerRole.siteAdmin) return false;
    return targetRole.role === callerRole.role || callerRole.siteAdmin;
  }
}
