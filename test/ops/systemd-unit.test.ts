/**
 * deploy/canvas-kaltura.service: docs/deployment.md quotes it as it is; systemd's own checker
 * (`systemd-analyze verify`) accepts it without a single warning (an unknown or misspelt key is
 * only a warning there, so any output fails); `systemd-analyze security` rates its sandbox
 * "OK" (exposure at most 2.0 of 10). The systemd checks skip, saying why, where systemd-analyze
 * is missing (or older than 250, which cannot rate a unit file offline).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../process.js';

const unit = readFileSync(join(ROOT, 'deploy/canvas-kaltura.service'), 'utf8');
const version = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const systemd = version.status === 0 ? Number(/systemd (\d+)/.exec(version.stdout)?.[1] ?? 0) : 0;
const skipReason = systemd === 0 ? 'systemd-analyze is not installed' : systemd < 250 ? `systemd ${systemd} cannot check unit files offline (250 or later can)` : '';
if (skipReason) console.warn(`skipping the systemd-analyze checks of deploy/canvas-kaltura.service: ${skipReason}`);

const dir = mkdtempSync(join(tmpdir(), 'cks-systemd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The unit with its command's path pointed at a stub made here (verify checks that it is executable). */
function checkableUnit(text = unit): string {
  const stub = join(dir, 'canvas-kaltura');
  writeFileSync(stub, '#!/bin/sh\n');
  chmodSync(stub, 0o755);
  const file = join(dir, `canvas-kaltura-${Math.random().toString(36).slice(2)}.service`);
  expect(text).toContain('ExecStart=/usr/local/bin/canvas-kaltura ');
  writeFileSync(file, text.replaceAll('/usr/local/bin/canvas-kaltura', stub));
  return file;
}

function analyze(...args: string[]) {
  const r = spawnSync('systemd-analyze', args, { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

describe('deploy/canvas-kaltura.service', () => {
  it('is quoted as it is in docs/deployment.md', () => {
    const doc = readFileSync(join(ROOT, 'docs/deployment.md'), 'utf8');
    expect(doc).toContain('```ini\n' + unit + '```');
  });

  it('runs the packaged command with the hardening the doc promises', () => {
    const settings = new Map<string, string[]>();
    for (const line of unit.split('\n')) {
      const m = /^([A-Za-z]+)=(.*)$/.exec(line);
      if (m) settings.set(m[1]!, [...(settings.get(m[1]!) ?? []), m[2]!]);
    }
    expect(settings.get('ExecStart')).toEqual(['/usr/local/bin/canvas-kaltura serve --workers 2']);
    for (const [key, value] of Object.entries({
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      DynamicUser: 'yes',
      StateDirectory: 'canvas-kaltura',
      EnvironmentFile: '/etc/canvas-kaltura/env',
      Restart: 'on-failure',
    })) {
      expect(settings.get(key), key).toEqual([value]);
    }
    expect(settings.get('Environment')).toEqual(expect.arrayContaining(['NODE_ENV=production', 'DATA_DIR=/var/lib/canvas-kaltura']));
    // V8's JIT needs writable and executable memory: this setting would kill the service
    expect(settings.has('MemoryDenyWriteExecute')).toBe(false);
  });

  describe.skipIf(skipReason !== '')('checked by systemd-analyze', () => {
    it('verifies without errors or warnings', () => {
      expect(analyze('verify', checkableUnit())).toEqual({ code: 0, output: '' });
    });

    it('would report a misspelt key (the check above can fail)', () => {
      const r = analyze('verify', checkableUnit(unit.replace('NoNewPrivileges=yes', 'NoNewPrivilege=yes')));
      expect(r.output).toContain("Unknown key 'NoNewPrivilege'");
    });

    it('has a sandbox systemd rates OK (exposure at most 2.0)', () => {
      const r = analyze('security', '--offline=true', '--threshold=20', checkableUnit());
      const level = /Overall exposure level for \S+: ([\d.]+) (\w+)/.exec(r.output);
      console.log(`systemd ${systemd}: ${level?.[0] ?? r.output.slice(-300)}`);
      expect(r.code, r.output.slice(-2000)).toBe(0);
      expect(Number(level?.[1])).toBeLessThanOrEqual(2);
    });
  });
});
