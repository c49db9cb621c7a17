/**
 * Finds recorded secrets inside recorded outputs. Pure: records in, findings out. Each secret is
 * also searched in the forms it takes when written into a URL or a JSON string, and all secrets
 * are searched in one pass per output (a rolling hash over a fixed-length prefix), so a suite's
 * worth of logs and responses scans in well under a second.
 */

/** Something the tests created that must never be seen outside its own response. */
export interface SecretRecord {
  /** e.g. "access token", "admin secret", "KS" */
  kind: string;
  value: string;
  /** the test file that created it */
  file: string;
}

/** Something the tests captured: a log, a response, database rows, a child's output. */
export interface OutputRecord {
  /** e.g. "log", "response", "error_reports rows" */
  source: string;
  text: string;
  /** the test file that produced it */
  file: string;
}

/** One secret seen in one output; carries no part of the secret itself. */
export interface Finding {
  kind: string;
  source: string;
  /** the test file whose output held the secret */
  file: string;
  /** the test file that created the secret */
  secretFile: string;
  /** a short, non-reversible fingerprint to tell findings apart */
  fingerprint: string;
}

/** Secrets shorter than this are not searched: they would match ordinary text. */
export const MIN_SECRET_LENGTH = 8;

const PREFIX = MIN_SECRET_LENGTH;
const BASE = 31;

/** The forms a secret may take in an output: as is, URL-encoded, and escaped in a JSON string. */
export function secretForms(value: string): string[] {
  const forms = new Set<string>([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

function prefixHash(text: string, start: number): number {
  let h = 0;
  for (let i = start; i < start + PREFIX; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h;
}

/** A 32-bit FNV-1a digest as hex: enough to tell findings apart, useless for recovering a secret. */
function fingerprint(value: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Every (secret, output) pair where the output contains the secret in one of its forms. */
export function findLeaks(secrets: readonly SecretRecord[], outputs: readonly OutputRecord[]): Finding[] {
  const byPrefix = new Map<number, Array<{ form: string; secret: SecretRecord }>>();
  const seen = new Set<string>();
  for (const secret of secrets) {
    for (const form of secretForms(secret.value)) {
      const key = `${secret.kind}\u0000${form}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const h = prefixHash(form, 0);
      const bucket = byPrefix.get(h);
      if (bucket) bucket.push({ form, secret });
      else byPrefix.set(h, [{ form, secret }]);
    }
  }
  if (byPrefix.size === 0) return [];

  let highPower = 1; // BASE^(PREFIX-1) mod 2^32
  for (let i = 1; i < PREFIX; i++) highPower = Math.imul(highPower, BASE);

  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const output of outputs) {
    const text = output.text;
    if (text.length < PREFIX) continue;
    let h = prefixHash(text, 0);
    for (let i = 0; ; i++) {
      const bucket = byPrefix.get(h);
      if (bucket) {
        for (const { form, secret } of bucket) {
          if (!text.startsWith(form, i)) continue;
          const key = `${output.file}\u0000${output.source}\u0000${secret.kind}\u0000${secret.value}`;
          if (reported.has(key)) continue;
          reported.add(key);
          findings.push({ kind: secret.kind, source: output.source, file: output.file, secretFile: secret.file, fingerprint: fingerprint(secret.value) });
        }
      }
      if (i + PREFIX >= text.length) break;
      h = (Math.imul(h - Math.imul(text.charCodeAt(i), highPower), BASE) + text.charCodeAt(i + PREFIX)) | 0;
    }
  }
  return findings;
}

/** One line per finding, naming files, sources and kinds, never the secret. */
export function describeFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) => `  ${f.kind} [${f.fingerprint}] (created in ${f.secretFile}) found in ${f.source} of ${f.file}`)
    .join('\n');
}
