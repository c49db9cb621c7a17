/**
 * Canvas's developer-key API: `GET/POST /api/v1/accounts/:account_id/developer_keys` and
 * `PUT/DELETE /api/v1/developer_keys/:id` (developer_key[name], developer_key[scopes][],
 * developer_key[require_scopes], and developer_key[event] = activate|deactivate on PUT).
 * Removing scopes from a key deletes its tokens (the service does that).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app-context.js';
import type { DeveloperKey } from '../../../developer-keys/developer-key-repository.js';
import { DeveloperKeyInputError, type DeveloperKeyPatch } from '../../../developer-keys/developer-key-service.js';
import { ApiError, unauthorizedError } from '../../../canvas/api-error.js';
import { adminAccount, caller, isAccountAdmin, pathId, rejectInvalidInput } from './admin-access.js';
import { fieldError, flag, section, stringList, text } from './admin-input.js';
import { errorResponses, flagField, idParams, listField, pageQuery, plainQuery, textField } from './admin-schemas.js';
import { pageOf, setLinkHeader } from './paginate.js';
import { developerKeyJson } from '../../../developer-keys/developer-key-json.js';

/** Canvas's developer key JSON, the parts we have (no `api_key`: our keys have no secret). */
export const developerKeySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    created_at: { type: 'string' },
    workflow_state: { type: 'string' },
    require_scopes: { type: 'boolean' },
    scopes: { type: 'array', items: { type: 'string' } },
    account_id: { type: 'integer' },
  },
  required: ['id', 'name', 'created_at', 'workflow_state', 'require_scopes', 'scopes', 'account_id'],
} as const;


const keyBody = {
  type: 'object',
  properties: {
    developer_key: {
      type: 'object',
      properties: {
        name: textField('a name for the key (required on create)'),
        scopes: listField('scope strings `url:<VERB>|<path>` (developer_key[scopes][])'),
        require_scopes: flagField("when true, the key's tokens may only use their scopes"),
        event: textField('PUT only: `activate` or `deactivate`'),
      },
    },
  },
} as const;

/** Turns the service's rule errors into field errors. */
function asFieldError(err: unknown): unknown {
  if (!(err instanceof DeveloperKeyInputError)) return err;
  if (err.message.startsWith('unknown scope')) return fieldError('developer_key[scopes]', err.message);
  if (err.message.startsWith('name')) return fieldError('developer_key[name]', 'developer_key[name] must not be blank');
  if (err.message.endsWith('not found')) return ApiError.notFound();
  return ApiError.badRequest(err.message);
}

/** Registers the developer-key routes. */
export async function developerKeyRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;

  /** The key named by `:id`, when the caller administers its account. */
  async function ownedKey(request: FastifyRequest): Promise<DeveloperKey> {
    const identity = caller(request);
    const id = pathId((request.params as { id: string }).id, 'id');
    const key = await ctx.developerKeys.repo.findById(id);
    if (!key || key.workflowState === 'deleted') throw ApiError.notFound();
    if (!(await isAccountAdmin(ctx, identity.user.id, key.accountId))) throw unauthorizedError();
    rejectInvalidInput(request);
    return key;
  }

  app.get(
    '/api/v1/accounts/:account_id/developer_keys',
    {
      schema: {
        summary: "List the account's developer keys (paginated)",
        tags: ['developer keys'],
        params: idParams('account_id'),
        querystring: { type: 'object', properties: pageQuery },
        response: { 200: { type: 'array', items: developerKeySchema }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { account } = await adminAccount(ctx, request, (request.params as { account_id: string }).account_id);
      const page = pageOf(request);
      const [keys, total] = await Promise.all([
        ctx.developerKeys.repo.listInAccount(account.id, page.perPage, page.offset),
        ctx.developerKeys.repo.countInAccount(account.id),
      ]);
      setLinkHeader(request, reply, page, total);
      return keys.map(developerKeyJson);
    },
  );

  app.post(
    '/api/v1/accounts/:account_id/developer_keys',
    {
      schema: {
        summary: 'Create a developer key',
        tags: ['developer keys'],
        params: idParams('account_id'),
        querystring: plainQuery,
        body: keyBody,
        response: { 200: developerKeySchema, ...errorResponses },
      },
    },
    async (request) => {
      const { account } = await adminAccount(ctx, request, (request.params as { account_id: string }).account_id);
      const input = section(request.body, 'developer_key');
      const name = text(input.name, 'developer_key[name]', { required: true })!;
      const scopes = stringList(input.scopes, 'developer_key[scopes]') ?? [];
      const requireScopes = flag(input.require_scopes, 'developer_key[require_scopes]') ?? false;
      try {
        return developerKeyJson(await ctx.developerKeys.create({ accountId: account.id, name, scopes, requireScopes }));
      } catch (err) {
        throw asFieldError(err);
      }
    },
  );

  app.put(
    '/api/v1/developer_keys/:id',
    {
      schema: {
        summary: 'Change a developer key (removing scopes deletes its tokens)',
        tags: ['developer keys'],
        params: idParams('id'),
        querystring: plainQuery,
        body: keyBody,
        response: { 200: developerKeySchema, ...errorResponses },
      },
    },
    async (request) => {
      const key = await ownedKey(request);
      const input = section(request.body, 'developer_key');
      const patch: DeveloperKeyPatch = {};
      const name = text(input.name, 'developer_key[name]');
      if (input.name !== undefined && name === undefined) throw fieldError('developer_key[name]', 'developer_key[name] must not be blank');
      if (name !== undefined) patch.name = name;
      const scopes = stringList(input.scopes, 'developer_key[scopes]');
      if (scopes !== undefined) patch.scopes = scopes;
      const requireScopes = flag(input.require_scopes, 'developer_key[require_scopes]');
      if (requireScopes !== undefined) patch.requireScopes = requireScopes;
      const event = text(input.event, 'developer_key[event]');
      if (event !== undefined) {
        if (event !== 'activate' && event !== 'deactivate') throw fieldError('developer_key[event]', 'developer_key[event] must be "activate" or "deactivate"');
        patch.active = event === 'activate';
      }
      try {
        return developerKeyJson(await ctx.developerKeys.update(key.id, patch));
      } catch (err) {
        throw asFieldError(err);
      }
    },
  );

  app.delete(
    '/api/v1/developer_keys/:id',
    {
      schema: {
        summary: 'Delete a developer key and its tokens',
        tags: ['developer keys'],
        params: idParams('id'),
        querystring: plainQuery,
        response: { 200: developerKeySchema, ...errorResponses },
      },
    },
    async (request) => {
      const key = await ownedKey(request);
      try {
        return developerKeyJson(await ctx.developerKeys.delete(key.id));
      } catch (err) {
        throw asFieldError(err);
      }
    },
  );
}
