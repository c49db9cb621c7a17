/**
 * `canvas-kaltura media list|show`: the media objects people registered (Canvas's Media Objects
 * API) and their caption tracks, read from the database. Nothing here calls Kaltura unless
 * `media show --sources` asks for the playable sources.
 */
import type { Command } from 'commander';
import type { Account } from '../accounts/account-repository.js';
import { MediaObjectRepository, type MediaObject } from '../media/media-object-repository.js';
import { MediaTrackRepository, type MediaTrack } from '../media/media-track-repository.js';
import { guaranteedTitle, isEntryId } from '../media/media-ids.js';
import { positiveInt, print, withContext } from './cli-context.js';
import { UsageError, type CliIo } from './cli-io.js';
import type { CliContext } from './cli-context.js';

/** An object as the CLI prints it (JSON), with its tracks' locales. */
function objectJson(o: MediaObject, tracks: readonly MediaTrack[]) {
  return {
    account_id: o.rootAccountId,
    id: o.id,
    media_id: o.mediaId,
    media_type: o.mediaType,
    title: guaranteedTitle(o.userEnteredTitle, o.title),
    user_entered_title: o.userEnteredTitle,
    kaltura_title: o.title,
    context_code: o.contextCode,
    user_id: o.userId,
    duration: o.duration,
    workflow_state: o.workflowState,
    kaltura_synced_at: o.kalturaSyncedAt,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
    track_locales: tracks.map((t) => t.locale),
  };
}

/** A track without its content (which can be a megabyte): what it is and how big. */
function trackJson(t: MediaTrack) {
  return { id: t.id, locale: t.locale, kind: t.kind, format: t.format, bytes: Buffer.byteLength(t.content, 'utf8'), user_id: t.userId, created_at: t.createdAt, updated_at: t.updatedAt };
}

async function accountsFor(ctx: CliContext, accountId: number | undefined): Promise<Account[]> {
  if (accountId === undefined) return ctx.accounts.list();
  const account = await ctx.accounts.findById(accountId);
  if (!account) throw new UsageError(`no account ${accountId}`);
  return [account];
}

/** Adds `media list` and `media show`. */
export function registerMediaCommands(program: Command, io: CliIo): void {
  const media = program.command('media').description('media objects registered through the Media Objects API, and their captions');

  media
    .command('list')
    .description('list media objects, newest first (every account unless --account)')
    .option('--account <id>', 'root account id', positiveInt('--account'))
    .option('--user <id>', "only this user's objects", positiveInt('--user'))
    .option('--search <text>', 'only objects whose title contains this (case-insensitive)')
    .option('--limit <n>', 'at most this many per account (default 100)', positiveInt('--limit'), 100)
    .option('--json', 'print JSON')
    .action(async (opts: { account?: number; user?: number; search?: string; limit: number; json?: boolean }) => {
      const search = opts.search?.trim();
      if (search !== undefined && search.length > 255) throw new UsageError('--search is at most 255 characters');
      await withContext(io, async (ctx) => {
        const objects = new MediaObjectRepository(ctx.db.kysely);
        const tracks = new MediaTrackRepository(ctx.db.kysely);
        const rows: MediaObject[] = [];
        for (const account of await accountsFor(ctx, opts.account)) {
          const filter = {
            rootAccountId: account.id,
            ...(opts.user !== undefined ? { userId: opts.user } : {}),
            ...(search ? { searchTerm: search } : {}),
          };
          rows.push(...(await objects.list(filter, 'created_at', 'desc', opts.limit, 0)));
        }
        rows.sort((a, b) => (a.createdAt === b.createdAt ? b.id - a.id : a.createdAt < b.createdAt ? 1 : -1));
        const byObject = await tracks.listForMany(rows.map((r) => r.id));
        const view = rows.map((o) => objectJson(o, byObject.get(o.id) ?? []));
        const human =
          view.length === 0
            ? 'no media objects'
            : view
                .map((v) => [v.created_at, `account ${v.account_id}`, v.media_id, v.media_type, `user ${v.user_id}`, v.context_code ?? '-', v.title, v.track_locales.length ? `captions: ${v.track_locales.join(',')}` : 'no captions'].join('\t'))
                .join('\n');
        print(io, opts.json, view, human);
      });
    });

  media
    .command('show')
    .description('show one media object (by its Kaltura entry id) with its caption tracks')
    .argument('<media_id>', 'the Kaltura entry id, e.g. 0_abcd1234')
    .option('--account <id>', 'root account id (needed when the entry is registered in several)', positiveInt('--account'))
    .option('--sources', "also ask Kaltura for the entry's playable sources (download URLs carry a short-lived download KS)")
    .option('--json', 'print JSON')
    .action(async (mediaId: string, opts: { account?: number; sources?: boolean; json?: boolean }) => {
      if (!isEntryId(mediaId)) throw new UsageError(`"${mediaId}" is not a Kaltura entry id (a digit, "_" and 8 letters or digits, e.g. 0_abcd1234)`);
      await withContext(io, async (ctx) => {
        const objects = new MediaObjectRepository(ctx.db.kysely);
        const found: Array<{ account: Account; object: MediaObject }> = [];
        for (const account of await accountsFor(ctx, opts.account)) {
          const object = await objects.find(account.id, mediaId);
          if (object) found.push({ account, object });
        }
        if (found.length === 0) throw new UsageError(`no media object ${mediaId}${opts.account !== undefined ? ` in account ${opts.account}` : ''}`);
        if (found.length > 1) throw new UsageError(`${mediaId} is registered in accounts ${found.map((f) => f.account.id).join(', ')}; pass --account`);
        const { account, object } = found[0]!;
        const tracks = await new MediaTrackRepository(ctx.db.kysely).listFor(object.id);
        const view: Record<string, unknown> = { ...objectJson(object, tracks), tracks: tracks.map(trackJson) };
        if (opts.sources) view.media_sources = await sourcesOf(ctx, account, object);
        const lines = [
          `${object.mediaId} (${object.mediaType}) in account ${account.id}: ${view.title as string}`,
          `owner: user ${object.userId}; context: ${object.contextCode ?? '-'}; added ${object.createdAt}; duration: ${object.duration ?? 'not known yet'}`,
          ...(tracks.length ? tracks.map((t) => `caption ${t.id}: ${t.locale} ${t.kind} (${t.format}, ${Buffer.byteLength(t.content, 'utf8')} bytes)`) : ['no captions']),
          ...(Array.isArray(view.media_sources)
            ? (view.media_sources as Array<{ fileExt?: string; width?: string; height?: string; label?: string }>).map((s) => `source: ${s.fileExt ?? ''} ${s.width ?? ''}x${s.height ?? ''} ${s.label ?? ''}`.trim())
            : []),
        ];
        print(io, opts.json, view, lines.join('\n'));
      });
    });
}

/**
 * The entry's playable sources, through the server's media service: loaded only for `--sources`,
 * the one media command that calls Kaltura. It shares the command's database and bus, and closes
 * only what it opened itself.
 */
async function sourcesOf(ctx: CliContext, account: Account, object: MediaObject): Promise<unknown> {
  const { createAppContext } = await import('../app-context.js');
  const bus = { publish: ctx.bus.publish.bind(ctx.bus), subscribe: ctx.bus.subscribe.bind(ctx.bus), close: async () => {} };
  const full = createAppContext(ctx.config, ctx.db, ctx.keyring, { bus });
  try {
    return await full.media.sources(account, object);
  } finally {
    await full.close();
  }
}
