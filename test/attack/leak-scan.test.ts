/**
 * The leak scan catches what it is for: a secret planted in a log, a response or a child's
 * output is found and reported by file, source and kind, never by value; a response's own KS
 * is not a leak there but is one anywhere else; and a leaking test file makes the whole
 * vitest run exit non-zero although its own tests pass.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bearer, CANVAS_SPEC_SETTINGS, createTestApp, saveSettings, seedUser } from '../helper.js';
import { ROOT } from '../process.js';
import { loggerOptions } from '../../src/http/app.js';
import { describeFindings, findLeaks } from './leak-scan/secret-scanner.js';
import { LeakRecorder } from './leak-scan/leak-recorder.js';
import { scanRunDir } from './leak-scan/scan-run.js';
import { checkRun } from './leak-scan/global-setup.js';

/** The secret fixtures/leaky.fixture.ts plants (importing that file would run its test here). */
const PLANTED_SECRET = 'planted-admin-secret-7f3a9c';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'cks-leak-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('secret scanner (pure)', () => {
  const secret = { kind: 'admin secret', value: 'sEcReT/with+odd=chars"and\\more', file: 'a.test.ts' };

  it('finds a secret as is, URL-encoded and JSON-escaped, anywhere in an output', () => {
    const outputs = [
      { source: 'log', file: 'b.test.ts', text: `{"level":30,"msg":"x${secret.value}y"}` },
      { source: 'response', file: 'c.test.ts', text: `url=/a?s=${encodeURIComponent(secret.value)}` },
      { source: 'error_reports rows', file: 'd.test.ts', text: JSON.stringify({ message: secret.value }) },
      { source: 'log', file: 'e.test.ts', text: 'sEcReT/with+odd=chars' },
    ];
    const findings = findLeaks([secret], outputs);
    expect(findings.map((f) => `${f.file}:${f.source}:${f.kind}`)).toEqual(['b.test.ts:log:admin secret', 'c.test.ts:response:admin secret', 'd.test.ts:error_reports rows:admin secret']);
    const report = describeFindings(findings);
    expect(report).toContain('admin secret');
    expect(report).toContain('created in a.test.ts');
    expect(report).not.toContain('sEcReT');
  });

  it('checks many secrets against large outputs in one pass', () => {
    const secrets = Array.from({ length: 5000 }, (_, i) => ({ kind: 'access token', value: `tok${String(i).padStart(6, '0')}abcdefgh`, file: 'f' }));
    const filler = 'x'.repeat(2_000_000);
    const findings = findLeaks(secrets, [{ source: 'log', file: 'g', text: `${filler}tok004321abcdefgh${filler}` }]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.kind).toBe('access token');
  });
});

describe('leak recorder with the real app', () => {
  it('catches an access token planted in a log line, and names the file and kind only', async () => {
    const dir = tempDir();
    const planted = new LeakRecorder(dir);
    planted.setFile('test/attack/planted.test.ts');
    const t = await createTestApp({ logger: loggerOptions('info', planted.logStream()) });
    try {
      const s = await seedUser(t.ctx);
      planted.recordSecret('access token', s.token);
      // a request that carries the token in its query string: the redacted request log is clean
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/services/kaltura?access_token=${s.token}` });
      expect(res.statusCode).toBe(200);
      planted.flush();
      expect(scanRunDir(dir).findings).toEqual([]);

      t.app.log.info({ debugToken: s.token }, 'a careless debug line'); // the plant
      planted.flush();
      const result = scanRunDir(dir);
      expect(result.findings.map((f) => [f.kind, f.source, f.file])).toEqual([['access token', 'log', 'test/attack/planted.test.ts']]);
      const { failed, message } = checkRun(dir);
      expect(failed).toBe(true);
      expect(message).toMatch(/access token .* found in log of test\/attack\/planted\.test\.ts/);
      expect(message).not.toContain(s.token);
    } finally {
      await t.close();
    }
  });

  it("blanks a session response's own KS there, and catches the same KS anywhere else", async () => {
    const dir = tempDir();
    const rec = new LeakRecorder(dir);
    const t = await createTestApp();
    try {
      const s = await seedUser(t.ctx);
      await saveSettings(t.ctx, CANVAS_SPEC_SETTINGS);
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/services/kaltura_session', headers: bearer(s.token) });
      expect(res.statusCode).toBe(200);
      const ks = (res.json() as { ks: string }).ks;
      rec.recordResponse('response', `HTTP ${res.statusCode}`, res.body);
      rec.flush();
      expect(scanRunDir(dir)).toMatchObject({ secrets: 1, findings: [] });

      rec.recordOutput('kaltura_sessions rows', JSON.stringify([{ ks_tail: ks.slice(-6), note: ks }]));
      rec.flush();
      expect(scanRunDir(dir).findings.map((f) => [f.kind, f.source])).toEqual([['KS', 'kaltura_sessions rows']]);
    } finally {
      await t.close();
    }
  });

  it("records a child's printed-once token as a secret and blanks it in that output only", () => {
    const dir = tempDir();
    const rec = new LeakRecorder(dir);
    const token = 'Q'.repeat(64);
    rec.recordLater('child process stdout/stderr', () => ({ text: `access token (shown once, keep it safe): ${token}\n`, own: [{ kind: 'access token', value: token }] }));
    rec.flush();
    expect(scanRunDir(dir)).toMatchObject({ secrets: 1, findings: [] });
    rec.recordLater('child process stdout/stderr', () => ({ text: `{"msg":"auth","token":"${token}"}` }));
    rec.flush();
    expect(scanRunDir(dir).findings.map((f) => [f.kind, f.source])).toEqual([['access token', 'child process stdout/stderr']]);
  });
});

describe('the whole run', () => {
  it('exits non-zero when a test file leaks, although its tests pass, naming the file and kind only', () => {
    const before = new Set(readdirSync(join(ROOT, 'test-artifacts', 'leak-scan')));
    const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/attack/fixtures/leaky.vitest.config.ts'], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    for (const name of readdirSync(join(ROOT, 'test-artifacts', 'leak-scan'))) {
      if (!before.has(name) && run.stderr.includes(name)) rmSync(join(ROOT, 'test-artifacts', 'leak-scan', name), { recursive: true, force: true });
    }
    const all = `${run.stdout}\n${run.stderr}`;
    expect(all).toMatch(/1 passed/);
    expect(run.status, all).not.toBe(0);
    expect(run.stderr).toMatch(/leak scan FAILED/);
    expect(run.stderr).toMatch(/admin secret .* found in log of test\/attack\/fixtures\/leaky\.fixture\.ts/);
    expect(all).not.toContain(PLANTED_SECRET);
  }, 120_000);
});
