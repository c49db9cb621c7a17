import { describe, expect, it } from 'vitest';
import { validateSettings } from './settings-validator.js';

const none = new Set<string>();

describe("validateSettings (Canvas's rules and ours)", () => {
  it('treats an all-blank submission as valid and changes nothing', () => {
    const r = validateSettings({ domain: '', partner_id: '  ', secret_key: '' }, none);
    expect(r).toEqual({ ok: true, noop: true, change: { plain: {}, unset: [], secrets: {}, unsetSecrets: [] } });
  });

  it('requires every submitted Canvas field except cache_play_list_seconds and rtmp_domain', () => {
    const r = validateSettings({ domain: 'k.example.com', partner_id: '', rtmp_domain: '', cache_play_list_seconds: '', secret_key: '', hide_rte_button: '' }, none);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.message)).toEqual([
      'The field "partner_id" is required',
      'The field "secret_key" is required',
      'The field "hide_rte_button" is required',
    ]);
  });

  it('keeps a stored secret when the submitted one is blank (write-only)', () => {
    const r = validateSettings({ domain: 'k.example.com', secret_key: '' }, new Set(['secret_key']));
    expect(r).toMatchObject({ ok: true, change: { plain: { domain: 'k.example.com' }, secrets: {} } });
  });

  it('reads cache_play_list_seconds as an integer or reports Canvas\'s message', () => {
    expect(validateSettings({ cache_play_list_seconds: '300' }, none)).toMatchObject({ ok: true, change: { plain: { cache_play_list_seconds: 300 } } });
    expect(validateSettings({ cache_play_list_seconds: '', domain: 'a.b' }, none)).toMatchObject({ ok: true, change: { unset: ['cache_play_list_seconds'] } });
    const bad = validateSettings({ cache_play_list_seconds: '5m' }, none);
    expect(bad).toEqual({ ok: false, errors: [{ field: 'cache_play_list_seconds', message: 'Please enter an integer for the play list cache' }] });
  });

  it('runs the boolean fields through value_to_boolean and drops unknown keys', () => {
    const r = validateSettings({ do_analytics: 'yes', hide_rte_button: '0', js_uploader: 'abc', bogus: 'x' }, none);
    expect(r).toMatchObject({ ok: true, change: { plain: { do_analytics: true, hide_rte_button: false, js_uploader: false } } });
    if (r.ok) expect('bogus' in r.change.plain).toBe(false);
  });

  it('checks our own keys', () => {
    const r = validateSettings(
      { session_mode: 'magic', ks_version: '3', session_expiry: '59', kaltura_timeout_ms: 'x', app_token_hash_type: 'CRC', protocol: 'ftp', domain: 'https://k.example.com/', session_privileges: 'a;b', partner_id: 'abc' },
      none,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.field).sort()).toEqual(
      ['app_token_hash_type', 'domain', 'kaltura_timeout_ms', 'ks_version', 'partner_id', 'protocol', 'session_expiry', 'session_mode', 'session_privileges'].sort(),
    );
    const ok = validateSettings({ session_mode: 'app_token', ks_version: '1', session_expiry: '86400', app_token_hash_type: 'sha512', protocol: 'HTTP', domain: 'k.example.com:8443', max_file_size_bytes: 1024, partner_id: 100 }, none);
    expect(ok).toMatchObject({
      ok: true,
      change: { plain: { session_mode: 'app_token', ks_version: 1, session_expiry: 86400, app_token_hash_type: 'SHA512', protocol: 'http', domain: 'k.example.com:8443', max_file_size_bytes: 1024, partner_id: '100' } },
    });
  });

  it('refuses objects, control characters and huge values with a message per field', () => {
    const r = validateSettings({ domain: { a: 1 }, partner_id: '1\n2', player_ui_conf: 'x'.repeat(5000) }, none);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field)).toEqual(['domain', 'partner_id', 'player_ui_conf']);
  });
});
