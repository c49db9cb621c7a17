/** `canvas-kaltura developer-keys …`. */
import type { Command } from 'commander';
import { developerKeyJson } from '../developer-keys/developer-key-json.js';
import { DeveloperKeyInputError } from '../developer-keys/developer-key-service.js';
import { UsageError, type CliIo } from './cli-io.js';
import { collect, positiveInt, print, withContext } from './cli-context.js';


async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DeveloperKeyInputError) throw new UsageError(err.message);
    throw err;
  }
}

/** Adds `developer-keys create|update|delete`. */
export function registerDeveloperKeyCommands(program: Command, io: CliIo): void {
  const keys = program.command('developer-keys').description('developer keys (token issuers, with scopes)');
  keys
    .command('create')
    .description('create a developer key')
    .requiredOption('--account <id>', 'root account id', positiveInt('--account'))
    .requiredOption('--name <name>', 'key name')
    .option('--require-scopes', "tokens of this key must carry scopes and may only use the routes they name")
    .option('--scope <scope>', 'a scope such as "url:GET|/api/v1/services/kaltura" (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(async (opts: { account: number; name: string; requireScopes?: boolean; scope: string[]; json?: boolean }) => {
      await withContext(io, async (ctx) => {
        if (!(await ctx.accounts.findById(opts.account))) throw new UsageError(`account ${opts.account} not found`);
        const key = await guard(() =>
          ctx.developerKeys.create({ accountId: opts.account, name: opts.name, requireScopes: opts.requireScopes === true, scopes: opts.scope }),
        );
        print(io, opts.json, developerKeyJson(key), `created developer key ${key.id} "${key.name}"`);
      });
    });
  keys
    .command('update')
    .description('change a developer key (removing scopes deletes its tokens)')
    .argument('<id>', 'developer key id', positiveInt('developer key id'))
    .option('--name <name>', 'key name')
    .option('--require-scopes', 'require scopes')
    .option('--no-require-scopes', 'do not require scopes')
    .option('--scope <scope>', 'the new scope list (repeatable)', collect)
    .option('--active', 'activate the key')
    .option('--inactive', 'deactivate the key (its tokens stop working)')
    .option('--json', 'print JSON')
    .action(async (id: number, opts: { name?: string; requireScopes?: boolean; scope?: string[]; active?: boolean; inactive?: boolean; json?: boolean }) => {
      if (opts.active && opts.inactive) throw new UsageError('choose --active or --inactive, not both');
      await withContext(io, async (ctx) => {
        const key = await guard(() =>
          ctx.developerKeys.update(id, {
            ...(opts.name !== undefined ? { name: opts.name } : {}),
            ...(opts.requireScopes !== undefined ? { requireScopes: opts.requireScopes } : {}),
            ...(opts.scope !== undefined ? { scopes: opts.scope } : {}),
            ...(opts.active ? { active: true } : opts.inactive ? { active: false } : {}),
          }),
        );
        print(io, opts.json, developerKeyJson(key), `updated developer key ${key.id}`);
      });
    });
  keys
    .command('delete')
    .description('delete a developer key and its tokens')
    .argument('<id>', 'developer key id', positiveInt('developer key id'))
    .option('--json', 'print JSON')
    .action(async (id: number, opts: { json?: boolean }) => {
      await withContext(io, async (ctx) => {
        const key = await guard(() => ctx.developerKeys.delete(id));
        print(io, opts.json, developerKeyJson(key), `deleted developer key ${key.id}`);
      });
    });
}
