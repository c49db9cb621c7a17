/**
 * Vitest global setup: gives the run a fresh leak-scan directory, and after the last test scans
 * every recorded output for every recorded secret. A hit makes the run exit non-zero with a
 * message naming the test file, the output and the kind of secret (never the secret).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { describeFindings } from './secret-scanner.js';
import { scanRunDir } from './scan-run.js';
import { ROOT } from '../../process.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** where this run's test processes write their leak-scan recordings */
    leakScanDir: string;
  }
}

/** Where runs keep their recordings (under test-artifacts/, ignored by git). */
export const LEAK_SCAN_ROOT = join(ROOT, 'test-artifacts', 'leak-scan');

const KEEP_OLD_RUNS_MS = 24 * 3600 * 1000;

/** Removes recordings of runs older than a day (a failed run keeps its directory for a look). */
function pruneOldRuns(): void {
  for (const name of readdirSync(LEAK_SCAN_ROOT)) {
    const path = join(LEAK_SCAN_ROOT, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > KEEP_OLD_RUNS_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      /* another run removed it */
    }
  }
}

/** Checks a finished run's recordings; returns the failure message, or null when clean. */
export function checkRun(dir: string): { message: string; failed: boolean } {
  const result = scanRunDir(dir);
  const summary = `${result.secrets} secrets in ${result.outputs} outputs (${(result.outputBytes / 1e6).toFixed(1)} MB) from ${result.files} test processes`;
  if (result.findings.length === 0) return { failed: false, message: `leak scan: no secret found in ${summary}` };
  return {
    failed: true,
    message: `leak scan FAILED: ${result.findings.length} secret(s) leaked (${summary}); recordings kept in ${dir}\n${describeFindings(result.findings)}`,
  };
}

/** Creates the run's directory and returns the final check. */
export default function setup(project: TestProject): () => void {
  mkdirSync(LEAK_SCAN_ROOT, { recursive: true });
  pruneOldRuns();
  const dir = mkdtempSync(join(LEAK_SCAN_ROOT, 'run-'));
  project.provide('leakScanDir', dir);
  return () => {
    const { failed, message } = checkRun(dir);
    if (failed) {
      process.exitCode = 1;
      console.error(`\n${message}\n`);
      return;
    }
    console.log(message);
    rmSync(dir, { recursive: true, force: true });
  };
}
