/**
 * Durability: the real server process (SQLite in WAL mode) is killed with SIGKILL in the middle
 * of a burst of settings changes, token creations and sessions sent through the API. It
 * restarts on the same data directory with a database that passes `PRAGMA integrity_check`
 * and holds every change the server acknowledged (answered 200) before it died.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startService, type ServiceProcess } from '../process.js';
import { leakRecorder } from './leak-scan/leak-recorder.js';

const SECRET = 'durability-admin-secret-5c1e';
/** Acknowledgements to collect before the kill (the burst goes on until the kill regardless). */
const ACKS_BEFORE_KILL = { settings: 10, tokens: 60, sessions: 40 };

interface Acks {
  /** the last acknowledged value of each sequential settings chain */
  settings: Map<string, number>;
  tokens: Array<{ id: number; token: string }>;
  /** x-request-id of each acknowledged session */
  sessions: string[];
  /** requests that failed (the kill cut them off) */
  cut: number;
  /** answers other than 200 (none expected) */
  refused: string[];
}

/** Sends one request; a 200 is the acknowledgement, anything else is noted, a dead socket is a cut. */
async function attempt(acks: Acks, url: string, init: RequestInit): Promise<{ body: string; headers: Headers } | null> {
  let res: Response;
  let body: string;
  try {
    res = await fetch(url, init);
    body = await res.text();
  } catch {
    acks.cut++;
    return null;
  }
  if (res.status !== 200) {
    acks.refused.push(`${init.method} ${url} → ${res.status} ${body.slice(0, 200)}`);
    return null;
  }
  return { body, headers: res.headers };
}

const dirs: string[] = [];
const services: ServiceProcess[] = [];
afterAll(async () => {
  for (const s of services) await s.stop('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** PUTs settings with an increasing partner_id, one after another, recording each acknowledged value. */
async function settingsChain(base: string, auth: Record<string, string>, path: string, acks: Acks, stop: () => boolean): Promise<void> {
  for (let n = 1; !stop(); n++) {
    const body = JSON.stringify({ settings: { partner_id: String(n), player_ui_conf: String(n) } });
    const ok = await attempt(acks, `${base}${path}`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body });
    if (!ok) return;
    acks.settings.set(path, n);
  }
}

/** Creates tokens one after another, recording each acknowledged one. */
async function tokenCreator(base: string, auth: Record<string, string>, userId: number, acks: Acks, stop: () => boolean): Promise<void> {
  for (let n = 1; !stop(); n++) {
    const body = JSON.stringify({ token: { purpose: `durability ${n}` } });
    const ok = await attempt(acks, `${base}/api/v1/users/${userId}/tokens`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
    if (!ok) return;
    const created = JSON.parse(ok.body) as { id: number; visible_token: string };
    leakRecorder.recordSecret('access token', created.visible_token);
    acks.tokens.push({ id: created.id, token: created.visible_token });
  }
}

/** Starts sessions one after another (each writes an audit row), recording each acknowledged one. */
async function sessionStarter(base: string, auth: Record<string, string>, acks: Acks, stop: () => boolean): Promise<void> {
  while (!stop()) {
    const ok = await attempt(acks, `${base}/api/v1/services/kaltura_session`, { method: 'POST', headers: auth });
    if (!ok) return;
    leakRecorder.recordSecret('KS', (JSON.parse(ok.body) as { ks: string }).ks);
    acks.sessions.push(ok.headers.get('x-request-id')!);
  }
}

describe('durability', () => {
  it('keeps every acknowledged change across a SIGKILL mid-burst, with an intact database', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cks-durable-'));
    dirs.push(dataDir);
    const env = {
      DATA_DIR: dataDir,
      CACHE_TTL_MS: '0',
      RATE_LIMIT_SESSION_PER_TOKEN: '0',
      RATE_LIMIT_SESSION_PER_IP: '0',
      RATE_LIMIT_AUTH_FAILURES_PER_IP: '0',
    };
    const first = await startService(env);
    services.push(first);
    const adminToken = /access token \(shown once, keep it safe\): (\S+)/.exec(first.stdout())![1]!;
    const auth = { authorization: `Bearer ${adminToken}` };
    leakRecorder.recordSecret('admin secret', SECRET);

    // Kaltura configured (local mode) so sessions succeed; the admin is user 1 of account 1
    const configure = await fetch(`${first.url}/api/v1/kaltura_settings`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ settings: { domain: 'kaltura.example.com', partner_id: '0', subpartner_id: '100', secret_key: SECRET } }),
    });
    expect(configure.status, await configure.text()).toBe(200);

    const acks: Acks = { settings: new Map(), tokens: [], sessions: [], cut: 0, refused: [] };
    let killed = false;
    const stop = () => killed;
    const burst = Promise.all([
      settingsChain(first.url, auth, '/api/v1/kaltura_settings', acks, stop),
      settingsChain(first.url, auth, '/api/v1/accounts/1/kaltura_settings', acks, stop),
      tokenCreator(first.url, auth, 1, acks, stop),
      tokenCreator(first.url, auth, 1, acks, stop),
      tokenCreator(first.url, auth, 1, acks, stop),
      sessionStarter(first.url, auth, acks, stop),
      sessionStarter(first.url, auth, acks, stop),
    ]);
    const enough = () =>
      acks.settings.size === 2 &&
      Math.min(...acks.settings.values()) >= ACKS_BEFORE_KILL.settings &&
      acks.tokens.length >= ACKS_BEFORE_KILL.tokens &&
      acks.sessions.length >= ACKS_BEFORE_KILL.sessions;
    const deadline = Date.now() + 60_000;
    while (!enough() && acks.refused.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(acks.refused).toEqual([]);
    expect(enough(), `burst too slow: ${JSON.stringify({ settings: [...acks.settings], tokens: acks.tokens.length, sessions: acks.sessions.length })}`).toBe(true);

    // SIGKILL with requests in flight: no shutdown hook, no checkpoint, nothing flushed on the way out
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    killed = true;
    await burst;
    const snapshot = { settings: new Map(acks.settings), tokens: [...acks.tokens], sessions: [...acks.sessions] };
    expect(acks.refused).toEqual([]);
    expect(acks.cut, 'the kill cut off requests in flight').toBeGreaterThan(0);

    // restart on the same directory: not a first start, the admin token still works
    const second = await startService(env);
    services.push(second);
    expect(second.stdout()).not.toMatch(/First start/);

    const db = new SQLite(join(dataDir, 'canvas-kaltura.db'));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);

      // settings: each sequential chain holds its last acknowledged value (or the one in flight)
      const rows = db.prepare('select account_id, settings from kaltura_settings').all() as Array<{ account_id: number | null; settings: string }>;
      const partnerOf = (accountId: number | null) => Number((JSON.parse(rows.find((r) => r.account_id === accountId)!.settings) as { partner_id: string }).partner_id);
      for (const [path, accountId] of [['/api/v1/kaltura_settings', null], ['/api/v1/accounts/1/kaltura_settings', 1]] as const) {
        const acked = snapshot.settings.get(path)!;
        expect([acked, acked + 1], path).toContain(partnerOf(accountId));
      }

      // tokens: every acknowledged one is stored
      const ids = new Set((db.prepare('select id from access_tokens').all() as Array<{ id: number }>).map((r) => r.id));
      expect(snapshot.tokens.filter((t) => !ids.has(t.id))).toEqual([]);

      // sessions: every acknowledged one left its audit row
      const requestIds = new Set((db.prepare('select request_id from kaltura_sessions').all() as Array<{ request_id: string }>).map((r) => r.request_id));
      expect(snapshot.sessions.filter((id) => !requestIds.has(id))).toEqual([]);
    } finally {
      db.close();
    }

    // and through the restarted service: the tokens authenticate, the settings are served
    const auth2 = { authorization: `Bearer ${adminToken}` };
    const config = await fetch(`${second.url}/api/v1/services/kaltura`, { headers: auth2 });
    expect(config.status).toBe(200);
    const served = Number(((await config.json()) as { partner_id: string }).partner_id);
    const accountAcked = snapshot.settings.get('/api/v1/accounts/1/kaltura_settings')!;
    expect([accountAcked, accountAcked + 1]).toContain(served);
    for (const t of snapshot.tokens) {
      const res = await fetch(`${second.url}/api/v1/services/kaltura`, { headers: { authorization: `Bearer ${t.token}` } });
      expect(res.status, `token ${t.id}`).toBe(200);
    }
    console.log(
      `durability: killed after ${snapshot.tokens.length} tokens, ${snapshot.sessions.length} sessions, settings at ${JSON.stringify([...snapshot.settings])}; ${acks.cut} requests cut off`,
    );
    expect(await second.stop('SIGTERM')).toBe(0);
  }, 120_000);
});
