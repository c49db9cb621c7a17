/**
 * Reads a run's recording files (one per test process) and scans every output for every secret.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findLeaks, MIN_SECRET_LENGTH, type Finding, type OutputRecord, type SecretRecord } from './secret-scanner.js';
import type { RecordLine } from './leak-recorder.js';

/** What a scan looked at and what it found. */
export interface ScanResult {
  files: number;
  secrets: number;
  /** secrets too short to search for */
  shortSecrets: number;
  outputs: number;
  outputBytes: number;
  findings: Finding[];
}

/** Scans all `*.jsonl` recordings in `dir`. */
export function scanRunDir(dir: string): ScanResult {
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl') && statSync(join(dir, f)).isFile());
  const secrets: SecretRecord[] = [];
  const outputs: OutputRecord[] = [];
  const seenSecrets = new Set<string>();
  let shortSecrets = 0;
  let outputBytes = 0;
  for (const f of files) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line) continue;
      let rec: RecordLine;
      try {
        rec = JSON.parse(line) as RecordLine;
      } catch {
        continue; // a process killed mid-write leaves a partial last line
      }
      if (rec.t === 's') {
        if (seenSecrets.has(`${rec.kind}\u0000${rec.value}`)) continue;
        seenSecrets.add(`${rec.kind}\u0000${rec.value}`);
        if (rec.value.length < MIN_SECRET_LENGTH) shortSecrets++;
        else secrets.push({ kind: rec.kind, value: rec.value, file: rec.file });
      } else if (rec.t === 'o') {
        outputs.push({ source: rec.source, text: rec.text, file: rec.file });
        outputBytes += rec.text.length;
      }
    }
  }
  return { files: files.length, secrets: secrets.length, shortSecrets, outputs: outputs.length, outputBytes, findings: findLeaks(secrets, outputs) };
}
