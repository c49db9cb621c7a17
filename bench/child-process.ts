/** The processes a benchmark runs: started, awaited until they answer, measured, stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { httpRequest } from './http-request.js';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A running child process. */
export interface Child {
  process: ChildProcess;
  /** everything it wrote to stdout and stderr so far */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `node <args>` from the repository root with `env` added to this process's. With
 * `stdoutFd`, the child's stdout goes to that open file (a server's log lines then cost the
 * bench process nothing), and `output()` holds stderr only.
 */
export function spawnNode(args: string[], env: Record<string, string> = {}, stdoutFd?: number): Child {
  return spawnProcess(process.execPath, args, env, stdoutFd);
}

/** Spawns `command <args>` from the repository root with `env` added to this process's. */
export function spawnProcess(command: string, args: string[], env: Record<string, string> = {}, stdoutFd?: number): Child {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer): void => {
    out += d.toString();
    if (out.length > 1_000_000) out = out.slice(-500_000);
  };
  child.stdout?.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    output: () => out,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves with the first match of `pattern` in the child's output; rejects if it exits first. */
export function waitForOutput(child: Child, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const m = pattern.exec(child.output());
      if (m) {
        cleanup();
        resolve(m);
      }
      return m !== null;
    };
    const onExit = (): void => {
      cleanup();
      reject(new Error(`process exited before printing ${pattern}:\n${child.output().slice(-4000)}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out waiting for ${pattern}:\n${child.output().slice(-4000)}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.process.stdout?.off('data', check);
      child.process.off('exit', onExit);
    };
    child.process.stdout?.on('data', check);
    child.process.once('exit', onExit);
    check();
  });
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200 (with `headers`), or throws after `timeoutMs`. */
export async function waitForHttp(url: string, headers: Record<string, string>, child: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`process exited:\n${child.output().slice(-4000)}`);
    try {
      const res = await httpRequest('GET', url, headers);
      last = `${res.status} ${res.body}`;
      if (res.status === 200) return;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer 200 in time (last: ${last.slice(0, 300)}):\n${child.output().slice(-4000)}`);
}

/**
 * User + system CPU time in milliseconds from a Linux `stat` file: `/proc/<pid>/stat` for a
 * process, `/proc/<pid>/task/<tid>/stat` for one of its threads (clock ticks of 10 ms).
 */
export function statCpuMs(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  // the name in parentheses may hold spaces and parentheses: the fields start after the last ") "
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The resident set size of a process, in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]) * 1024;
}
