/**
 * `canvas-kaltura serve --workers 2` as a real process: the primary seeds once (one admin token
 * printed), two workers share one port and answer, a killed worker is replaced, SIGHUP replaces
 * every worker one at a time, SIGTERM drains them and the primary exits 0.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newSecretKey } from '../helper.js';
import { eventually, startService } from '../process.js';
import { call } from './scale-helper.js';

const dataDir = mkdtempSync(join(tmpdir(), 'cks-workers-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('serve --workers', () => {
  it('runs, replaces a crashed worker, restarts on SIGHUP and stops on SIGTERM', async () => {
    const svc = await startService({ DATA_DIR: dataDir, SECRET_KEYS: newSecretKey() }, ['serve', '--workers', '2'], 'src/cli/run.ts', 40_000);
    const listening = () => [...svc.stderr().matchAll(/worker (\d+) listening on port (\d+)/g)].map((m) => Number(m[1]));
    try {
      expect(await eventually(async () => listening().length >= 2, 20_000)).toBe(true);
      const ports = new Set([...svc.stderr().matchAll(/listening on port (\d+)/g)].map((m) => m[1]));
      expect([...ports]).toEqual([new URL(svc.url).port]);
      const tokens = [...svc.stdout().matchAll(/access token \(shown once, keep it safe\): (\S+)/g)];
      expect(tokens).toHaveLength(1);
      const token = tokens[0]![1]!;
      const ok = async () => (await call(`${svc.url}/api/v1/services/kaltura`, { token })).status === 200;
      for (let i = 0; i < 6; i++) expect(await ok()).toBe(true);
      // the workers run with the primary's Node flags and a single-threaded collector
      for (const pid of listening()) expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('--single-threaded-gc');
      expect(readFileSync(`/proc/${svc.child.pid}/cmdline`, 'utf8').split('\0')).not.toContain('--single-threaded-gc');

      // a crashed worker is replaced
      const [first, second] = listening();
      process.kill(first!, 'SIGKILL');
      expect(await eventually(async () => listening().length >= 3, 20_000)).toBe(true);
      expect(svc.stderr()).toMatch(new RegExp(`worker ${first} exited \\(SIGKILL\\); replacing it`));
      expect(await ok()).toBe(true);

      // SIGHUP: every worker replaced, one at a time
      const before = listening().slice(-2);
      expect(before).toContain(second);
      // requests keep being answered while workers are replaced
      let rolling = true;
      const statuses: number[] = [];
      // several clients at once, so new connections keep arriving while each worker leaves
      const traffic = Promise.all(
        Array.from({ length: 6 }, async () => {
          while (rolling) statuses.push((await call(`${svc.url}/api/v1/services/kaltura`, { token }).catch(() => ({ status: 0 }))).status);
        }),
      );
      svc.child.kill('SIGHUP');
      expect(await eventually(async () => /rolling restart finished/.test(svc.stderr()), 30_000)).toBe(true);
      rolling = false;
      await traffic;
      expect(statuses.length).toBeGreaterThan(0);
      expect(statuses.filter((x) => x !== 200)).toEqual([]);
      const after = listening().slice(-2);
      for (const pid of after) expect(before).not.toContain(pid);
      for (const pid of before) expect(await eventually(async () => !alive(pid), 5000)).toBe(true);
      expect(await ok()).toBe(true);
    } finally {
      expect(await svc.stop('SIGTERM')).toBe(0);
    }
    expect(svc.stderr()).toMatch(/all workers stopped/);
  }, 90_000);
});
