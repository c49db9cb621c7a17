/**
 * The operator CLI, run in-process against a real SQLite file: JSON output, exit codes, clear
 * messages on bad input.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../src/cli/main.js';
import { newSecretKey } from './helper.js';
import { migrationNames } from '../src/db/migrate.js';

interface Run {
  code: number;
  out: string;
  err: string;
  json: any;
}

async function run(...argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (s) => (out += s), err: (s) => (err += s) };
  const code = await main(argv, io);
  let json: unknown;
  try {
    json = JSON.parse(out);
  } catch {
    json = undefined;
  }
  return { code, out, err, json };
}

describe('canvas-kaltura CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cks-cli-'));
    process.env.DATA_DIR = dir;
    process.env.DATABASE_URL = join(dir, 'cli.db');
    process.env.SECRET_KEYS = newSecretKey();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates, then creates accounts, users, developer keys and tokens as JSON', async () => {
    const m = await run('migrate', '--json');
    expect(m.code).toBe(0);
    expect(m.json.applied).toEqual(migrationNames({ dialect: 'sqlite' }));
    expect((await run('migrate', '--json')).json.applied).toEqual([]);

    const acc = await run('accounts', 'create', '--name', 'State U', '--domain', 'canvas.state.edu', '--domain', 'lms.state.edu', '--default', '--json');
    expect(acc.code).toBe(0);
    expect(acc.json).toMatchObject({ id: 1, name: 'State U', domains: ['canvas.state.edu', 'lms.state.edu'] });
    expect(acc.json.uuid).toMatch(/^[0-9a-f-]{36}$/);

    const user = await run('users', 'create', '--account', '1', '--name', 'Ada', '--login', 'ada@state.edu', '--sis-user-id', 'S1', '--admin', '--json');
    expect(user.code).toBe(0);
    expect(user.json).toMatchObject({ id: 1, name: 'Ada', login_id: 'ada@state.edu', sis_user_id: 'S1', admin: true });
    expect(user.json.uuid).toMatch(/^[0-9a-f-]{36}$/);

    const key = await run('developer-keys', 'create', '--account', '1', '--name', 'Mobile', '--require-scopes', '--scope', 'url:GET|/api/v1/services/kaltura', '--scope', 'url:POST|/api/v1/services/kaltura_session', '--json');
    expect(key.code).toBe(0);
    expect(key.json).toMatchObject({ id: 1, require_scopes: true, scopes: ['url:GET|/api/v1/services/kaltura', 'url:POST|/api/v1/services/kaltura_session'] });

    const token = await run('tokens', 'create', '--user', '1', '--developer-key', '1', '--scope', 'url:GET|/api/v1/services/kaltura', '--expires-at', '2099-01-01T00:00:00Z', '--purpose', 'mobile', '--json');
    expect(token.code).toBe(0);
    expect(token.json.token).toMatch(/^[2346789acefhkmnrtuvwxyzABCDEFGHJKLMNPQRTUVWXYZ]{64}$/);
    expect(token.json).toMatchObject({ id: 1, token_hint: token.json.token.slice(0, 5), scopes: ['url:GET|/api/v1/services/kaltura'], expires_at: '2099-01-01T00:00:00.000Z' });

    const revoke = await run('tokens', 'revoke', '1', '--json');
    expect(revoke).toMatchObject({ code: 0, json: { id: 1, workflow_state: 'deleted' } });
  });

  it('sets, shows (masked), enables and disables settings with the validator', async () => {
    const set = await run('settings', 'set', 'domain=kaltura.state.edu', 'partner_id=100', 'subpartner_id=10000', 'secret_key=very-secret-admin', 'hide_rte_button=no', '--json');
    expect(set.code).toBe(0);
    expect(set.json.settings).toEqual({ domain: 'kaltura.state.edu', partner_id: '100', subpartner_id: '10000', secret_key: '********', hide_rte_button: false });
    expect(set.out).not.toContain('very-secret-admin');

    const bad = await run('settings', 'set', 'partner_id=', 'domain=k.example.com', 'cache_play_list_seconds=soon');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('The field "partner_id" is required');
    expect(bad.err).toContain('Please enter an integer for the play list cache');

    const acct = await run('settings', 'set', '--account', '1', 'ks_version=1', '--json');
    // an account's first save turns Kaltura on for it (site-wide settings are enabled here)
    expect(acct.json).toMatchObject({ account_id: 1, enabled: true, settings: { ks_version: 1 } });

    const show = await run('settings', 'show', '--json');
    expect(show.json).toMatchObject({ account_id: null, enabled: true, settings: { secret_key: '********' } });
    expect(show.out).not.toContain('very-secret-admin');
    expect((await run('settings', 'disable', '--json')).json.enabled).toBe(false);
    expect((await run('settings', 'enable', '--account', '1', '--json')).json.enabled).toBe(true);
    expect((await run('settings', 'set', 'nonsense')).code).toBe(1);
    // a secret cannot be blanked (blank keeps it) but can be removed explicitly
    await run('settings', 'set', '--account', '1', 'user_secret_key=to-be-removed');
    expect((await run('settings', 'show', '--account', '1', '--json')).json.settings.user_secret_key).toBe('********');
    const unset = await run('settings', 'unset', '--account', '1', 'user_secret_key', 'ks_version', '--json');
    expect(unset.code).toBe(0);
    expect(unset.json.settings).toEqual({});
    expect((await run('settings', 'unset', 'no_such_key')).err).toContain('Unknown setting "no_such_key"');
    expect((await run('settings', 'show', '--account', '99')).err).toContain('account 99 not found');
  });

  it("enables an account's settings on their first save, unless site-wide says disabled or --no-enable", async () => {
    const ids: number[] = [];
    for (const name of ['First Save', 'Site Disabled', 'No Enable']) ids.push((await run('accounts', 'create', '--name', name, '--json')).json.id);
    const [first, inherits, off] = ids as [number, number, number];
    expect((await run('settings', 'enable', '--json')).json.enabled).toBe(true);
    expect((await run('settings', 'set', '--account', String(first), 'partner_id=7', '--json')).json.enabled).toBe(true);
    expect((await run('settings', 'set', '--account', String(off), 'partner_id=7', '--no-enable', '--json')).json.enabled).toBe(false);
    expect((await run('settings', 'disable', '--json')).json.enabled).toBe(false);
    const inherited = await run('settings', 'set', '--account', String(inherits), 'partner_id=7', '--json');
    expect(inherited.json.enabled).toBeNull();
    expect((await run('settings', 'show', '--account', String(inherits))).out).toContain('enabled: (inherits site-wide)');
  });

  it('re-encrypts secrets after a key rotation', async () => {
    const old = process.env.SECRET_KEYS!;
    process.env.SECRET_KEYS = `${newSecretKey()},${old}`;
    try {
      expect((await run('settings', 'reencrypt', '--json')).json).toEqual({ reencrypted: 1 });
      expect((await run('settings', 'reencrypt', '--json')).json).toEqual({ reencrypted: 0 });
    } finally {
      process.env.SECRET_KEYS = process.env.SECRET_KEYS!.split(',')[0];
    }
    expect((await run('settings', 'show', '--json')).code).toBe(0);
  });

  it('lists the audit log with filters', async () => {
    const list = await run('audit', 'list', '--account', '1', '--since', '2020-01-01T00:00:00Z', '--json');
    expect(list).toMatchObject({ code: 0, json: [] });
    expect((await run('audit', 'list', '--since', 'yesterday')).code).toBe(1);
  });

  it('exits 1 with a clear message on bad input', async () => {
    const cases: [string[], RegExp][] = [
      [['accounts', 'create'], /required option '--name/],
      [['accounts', 'create', '--name', 'X', '--domain', 'not a domain'], /--domain must be a host name/],
      [['accounts', 'create', '--name', 'Dup', '--domain', 'canvas.state.edu'], /already belongs/],
      [['users', 'create', '--account', '1', '--name', 'B', '--login', 'ADA@state.edu'], /already taken/],
      [['users', 'create', '--account', 'x', '--name', 'B', '--login', 'b'], /positive integer/],
      [['users', 'create', '--account', '42', '--name', 'B', '--login', 'b'], /account 42 not found/],
      [['tokens', 'create', '--user', '1', '--scope', 'url:GET|/nope'], /unknown scope/],
      [['tokens', 'create', '--user', '1', '--expires-at', 'never'], /ISO 8601/],
      [['tokens', 'create', '--user', '77'], /user 77 not found/],
      [['tokens', 'revoke', '77'], /token 77 not found/],
      [['developer-keys', 'create', '--account', '1', '--name', 'K', '--scope', 'bad'], /unknown scope/],
      [['developer-keys', 'delete', '99'], /not found/],
      [['no-such-command'], /unknown command/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.err, argv.join(' ')).toMatch(message);
    }
  });
});
