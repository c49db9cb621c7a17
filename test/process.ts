/** Starting the real service as a child process for tests, and reading what it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { leakRecorder } from './attack/leak-scan/leak-recorder.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `node --import tsx <entry> [...args]` with `env`; resolves once it listens. */
export function startService(env: Record<string, string>, args: string[] = [], entry = 'src/server.ts', timeoutMs = 20_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  leakRecorder.recordLater('child process stdout/stderr', () => childOutputForLeakScan(out, err, FIRST_START_TOKEN));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not start in time\nstdout:\n${out}\nstderr:\n${err}`));
    }, timeoutMs);
    const onData = () => {
      const m = /Server listening at (http:\/\/[0-9.:]+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({
        child,
        url: m[1]!,
        stdout: () => out,
        stderr: () => err,
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });
}

/** Runs a command to completion. */
export function runNode(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    recordCliSecrets(args);
    leakRecorder.recordLater('child process stdout/stderr', () => childOutputForLeakScan(stdout, stderr, CLI_PRINTED_TOKEN));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: node ${args.join(' ')}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Polls `probe` until it returns true or `withinMs` passes; returns whether it did. */
export async function eventually(probe: () => Promise<boolean>, withinMs: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The first start's admin token, printed once by the server. */
export const FIRST_START_TOKEN = /access token \(shown once, keep it safe\): (\S+)()/g;
/** A token printed once by `tokens create` (text or --json). */
const CLI_PRINTED_TOKEN = /\(shown once\)[^:\n]*: (\S+)|"token":"([^"]+)"/g;

/** A child's output for the leak scan: the tokens it prints once are recorded as secrets and blanked there. */
export function childOutputForLeakScan(stdout: string, stderr: string, printed: RegExp): { text: string; own: Array<{ kind: string; value: string }> } {
  const own = [...stdout.matchAll(printed)].map((m) => ({ kind: 'access token', value: (m[1] || m[2])! })).filter((o) => o.value);
  return { text: `${stdout}\n${stderr}`, own };
}

/** Secrets given to `settings set key=value` on a CLI command line. */
function recordCliSecrets(args: string[]): void {
  const kinds: Record<string, string> = { secret_key: 'admin secret', user_secret_key: 'user secret', app_token: 'app token' };
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const kind = eq > 0 ? kinds[arg.slice(0, eq)] : undefined;
    if (kind) leakRecorder.recordSecret(kind, arg.slice(eq + 1));
  }
}
