/**
 * Records, per test process, every secret the tests create and every output the service
 * produces (logs, responses, stored rows, a child server's stdout/stderr), appending them as
 * JSON lines to a file in the run's leak-scan directory. The run's final check
 * (global-setup.ts) scans all outputs of all processes for all secrets.
 *
 * A value a response legitimately carries (the `ks` of a session response, the `visible_token`
 * of a token creation) is recorded as a secret and blanked in that one response only.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { secretForms, type OutputRecord, type SecretRecord } from './secret-scanner.js';

/** A line of a recording file. */
export type RecordLine = ({ t: 's' } & SecretRecord) | ({ t: 'o' } & OutputRecord);

/** What a late output holds: its text, and values it legitimately carries (recorded as secrets). */
export interface LaterOutput {
  text: string;
  own?: ReadonlyArray<{ kind: string; value: string }>;
}

/** Pending output above which the recorder writes to disk early (keeps memory flat). */
const FLUSH_AT_BYTES = 512 * 1024;

/** The JSON keys whose string values a response owns: recorded as secrets, blanked in that response. */
export const OWN_SECRET_KEYS: Readonly<Record<string, string>> = { ks: 'KS', visible_token: 'access token' };

/** Replaces every form of each `own` value in `text` with a placeholder. */
export function blankOwnSecrets(text: string, own: readonly string[]): string {
  let out = text;
  for (const value of own) for (const form of secretForms(value)) out = out.split(form).join('[own secret]');
  return out;
}

/** The values under OWN_SECRET_KEYS at the top level of a JSON body, with their kinds. */
export function ownSecretsOf(body: string): Array<{ kind: string; value: string }> {
  if (!Object.keys(OWN_SECRET_KEYS).some((k) => body.includes(`"${k}"`))) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
  const found: Array<{ kind: string; value: string }> = [];
  for (const [key, kind] of Object.entries(OWN_SECRET_KEYS)) {
    const value = (parsed as Record<string, unknown>)[key];
    if (typeof value === 'string' && value !== '') found.push({ kind, value });
  }
  return found;
}

/** Collects one process's secrets and outputs and appends them to its recording file. */
export class LeakRecorder {
  private dir: string | null = null;
  private path: string | null = null;
  private file = '(unknown test file)';
  private lines: string[] = [];
  private pendingBytes = 0;
  private logChunks: string[] = [];
  private later: Array<{ source: string; file: string; produce: () => LaterOutput }> = [];

  constructor(dir: string | null = null) {
    this.configure(dir);
  }

  /** Sets the run's directory (null: record nothing). */
  configure(dir: string | null | undefined): void {
    if (dir === this.dir) return;
    this.dir = dir ?? null;
    this.path = this.dir ? join(this.dir, `${process.pid}-${randomBytes(4).toString('hex')}.jsonl`) : null;
  }

  /** True when recordings are written somewhere. */
  get enabled(): boolean {
    return this.path !== null;
  }

  /** Names the test file that the following records belong to. */
  setFile(file: string): void {
    this.flushLogs();
    this.file = file;
  }

  /** Records a secret the tests created. */
  recordSecret(kind: string, value: unknown): void {
    if (!this.enabled || typeof value !== 'string' || value === '') return;
    this.push({ t: 's', kind, value, file: this.file });
  }

  /** Records an output; `own` values are recorded as secrets elsewhere and blanked here. */
  recordOutput(source: string, text: string, own: ReadonlyArray<{ kind: string; value: string }> = []): void {
    if (!this.enabled || text === '') return;
    for (const o of own) this.recordSecret(o.kind, o.value);
    this.push({ t: 'o', source, text: own.length ? blankOwnSecrets(text, own.map((o) => o.value)) : text, file: this.file });
  }

  /** Records an HTTP response body, treating its own `ks`/`visible_token` as created by it. */
  recordResponse(source: string, head: string, body: string): void {
    if (!this.enabled) return;
    this.recordOutput(source, `${head}\n${body}`, ownSecretsOf(body));
  }

  /** Records an output that is only complete later (a child process): read at the next flush. */
  recordLater(source: string, produce: () => LaterOutput): void {
    if (!this.enabled) return;
    this.later.push({ source, file: this.file, produce });
  }

  /** A stream for a logger: everything written to it is recorded as log output. */
  logStream(): Writable {
    return new Writable({
      write: (chunk: Buffer | string, _enc, cb) => {
        if (this.enabled) {
          const s = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
          this.logChunks.push(s);
          this.pendingBytes += s.length;
          if (this.pendingBytes > FLUSH_AT_BYTES) this.flush();
        }
        cb();
      },
    });
  }

  /** Writes everything recorded so far to this process's recording file. */
  flush(): void {
    if (!this.path) return;
    this.flushLogs();
    const later = this.later;
    this.later = [];
    for (const l of later) {
      let produced: LaterOutput;
      try {
        produced = l.produce();
      } catch {
        continue;
      }
      const own = produced.own ?? [];
      for (const o of own) {
        if (o.value !== '') this.lines.push(JSON.stringify({ t: 's', kind: o.kind, value: o.value, file: l.file } satisfies RecordLine));
      }
      const text = own.length ? blankOwnSecrets(produced.text, own.map((o) => o.value)) : produced.text;
      if (text) this.lines.push(JSON.stringify({ t: 'o', source: l.source, text, file: l.file } satisfies RecordLine));
    }
    if (this.lines.length === 0) return;
    mkdirSync(this.dir!, { recursive: true });
    appendFileSync(this.path, this.lines.join('\n') + '\n');
    this.lines = [];
    this.pendingBytes = 0;
  }

  private flushLogs(): void {
    if (this.logChunks.length === 0) return;
    const text = this.logChunks.join('');
    this.logChunks = [];
    this.lines.push(JSON.stringify({ t: 'o', source: 'log', text, file: this.file } satisfies RecordLine));
  }

  private push(line: RecordLine): void {
    const s = JSON.stringify(line);
    this.lines.push(s);
    this.pendingBytes += s.length;
    if (this.pendingBytes > FLUSH_AT_BYTES) this.flush();
  }
}

/**
 * This process's recorder. Test workers configure it from the run (setup.ts); child processes
 * started by tests find the directory in LEAK_SCAN_DIR.
 */
export const leakRecorder = new LeakRecorder(process.env.LEAK_SCAN_DIR || null);
process.once('exit', () => leakRecorder.flush());
