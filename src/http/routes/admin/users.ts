/**
 * Canvas's Users API, the parts an admin needs: `POST /api/v1/accounts/:account_id/users`
 * (user[name], pseudonym[unique_id], pseudonym[sis_user_id]), `GET /api/v1/accounts/:account_id/users`
 * and `GET /api/v1/users/:id`, in Canvas's user JSON.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app-context.js';
import type { Login, User } from '../../../users/user-repository.js';
import { DuplicateLoginError } from '../../../users/user-repository.js';
import { sortableName } from '../../../canvas/sortable-name.js';
import { adminAccount, managedUser } from './admin-access.js';
import { fieldError, section, text } from './admin-input.js';
import { errorResponses, idParams, nullableString, pageQuery, plainQuery, textField } from './admin-schemas.js';
import { pageOf, setLinkHeader } from './paginate.js';

/** Canvas's user JSON (plus `uuid`). */
export const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    sortable_name: { type: 'string' },
    short_name: { type: 'string' },
    sis_user_id: nullableString,
    login_id: nullableString,
    created_at: { type: 'string' },
    uuid: { type: 'string' },
  },
  required: ['id', 'name', 'sortable_name', 'short_name', 'sis_user_id', 'login_id', 'created_at'],
} as const;

/** A user as Canvas's API shows it, with the login that applies. */
export function userJson(user: User, login: Login | undefined) {
  return {
    id: user.id,
    name: user.name,
    sortable_name: sortableName(user.name),
    short_name: user.name,
    sis_user_id: login?.sisUserId ?? null,
    login_id: login?.uniqueId ?? null,
    created_at: user.createdAt,
    uuid: user.uuid,
  };
}

const createBody = {
  type: 'object',
  properties: {
    user: { type: 'object', properties: { name: textField("the user's full name (required)") } },
    pseudonym: {
      type: 'object',
      properties: {
        unique_id: textField('the login (required, unique in the account)'),
        sis_user_id: textField('SIS id (optional, unique in the account)'),
      },
    },
  },
} as const;

/** Registers the users routes. */
export async function userRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;

  app.post(
    '/api/v1/accounts/:account_id/users',
    {
      schema: {
        summary: 'Create a user with a login in the account',
        tags: ['users'],
        params: idParams('account_id'),
        querystring: plainQuery,
        body: createBody,
        response: { 200: userSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { account } = await adminAccount(ctx, request, (request.params as { account_id: string }).account_id);
      const user = section(request.body, 'user');
      const pseudonym = section(request.body, 'pseudonym');
      const name = text(user.name, 'user[name]', { required: true })!;
      const uniqueId = text(pseudonym.unique_id, 'pseudonym[unique_id]', { required: true })!;
      const sisUserId = text(pseudonym.sis_user_id, 'pseudonym[sis_user_id]') ?? null;
      try {
        const created = await ctx.users.create({ accountId: account.id, name, login: uniqueId, sisUserId });
        ctx.bus.publish('user', String(created.user.id));
        return userJson(created.user, created.login);
      } catch (err) {
        if (err instanceof DuplicateLoginError) {
          if (err.message.includes('SIS id')) throw fieldError('pseudonym[sis_user_id]', `SIS ID "${sisUserId}" is already in use`);
          throw fieldError('pseudonym[unique_id]', 'ID already in use for this account');
        }
        throw err;
      }
    },
  );

  app.get(
    '/api/v1/accounts/:account_id/users',
    {
      schema: {
        summary: 'List the users with a login in the account (paginated)',
        tags: ['users'],
        params: idParams('account_id'),
        querystring: { type: 'object', properties: pageQuery },
        response: { 200: { type: 'array', items: userSchema }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { account } = await adminAccount(ctx, request, (request.params as { account_id: string }).account_id);
      const page = pageOf(request);
      const [users, total] = await Promise.all([ctx.users.listInAccount(account.id, page.perPage, page.offset), ctx.users.countInAccount(account.id)]);
      const logins = await ctx.users.loginsInAccount(users.map((u) => u.id), account.id);
      setLinkHeader(request, reply, page, total);
      return users.map((u) => userJson(u, logins.find((l) => l.userId === u.id)));
    },
  );

  app.get(
    '/api/v1/users/:id',
    {
      schema: {
        summary: 'Show a user (yourself, or a user with a login in an account you administer)',
        tags: ['users'],
        params: idParams('id'),
        querystring: plainQuery,
        response: { 200: userSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { user } = await managedUser(ctx, request, (request.params as { id: string }).id, 'id');
      const logins = (await ctx.users.loginsOf(user.id)).filter((l) => l.workflowState !== 'deleted');
      // The login of the account the request is made in, as Canvas shows it; else the first.
      const login = logins.find((l) => l.accountId === request.account!.id) ?? logins[0];
      return userJson(user, login);
    },
  );
}
