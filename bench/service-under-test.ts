/**
 * The service as production runs it: compiled (`tsc -p tsconfig.build.json`), started as
 * `node dist/server.js` in its own process with NODE_ENV=production, warn-level logs, SQLite in a
 * temporary data directory, request metrics on and rate limits counting but set out of reach;
 * `LOG_LEVEL=info` (the default configuration) unless a run asks for another level.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ROOT, freePort, spawnNode, waitForHttp, type Child } from './child-process.js';

/** Compiles the service into dist/. */
export function buildService(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}

/** A data directory and the environment the seeder and the server share. */
export interface ServiceData {
  dataDir: string;
  env: Record<string, string>;
  /** deletes the data directory */
  remove(): void;
}

/** A fresh temporary data directory with its own installation key. */
export function freshServiceData(): ServiceData {
  const dataDir = mkdtempSync(join(tmpdir(), 'cks-bench-'));
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    DATA_DIR: dataDir,
    SECRET_KEYS: randomBytes(32).toString('hex'),
    // SQLite in DATA_DIR, no Redis, whatever the calling shell has set
    DATABASE_URL: '',
    REDIS_URL: '',
    RATE_LIMIT_SESSION_PER_TOKEN: '1000000',
    RATE_LIMIT_SESSION_PER_IP: '1000000',
    RATE_LIMIT_AUTH_FAILURES_PER_IP: '1000000',
  };
  return { dataDir, env, remove: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** The service process. */
export interface RunningService {
  url: string;
  child: Child;
  pid: number;
  /** where its stdout (the log) goes */
  logFile: string;
}

export interface StartOptions {
  /** write a V8 CPU profile into this directory when the process stops */
  profileDir?: string;
  /** environment on top of the data's (e.g. LOG_LEVEL) */
  env?: Record<string, string>;
  /** the service's stdout (its log lines) goes to this file; default: the data directory's `service-<n>.log` */
  logFile?: string;
  /** the compiled service's entry point, relative to the repository (default `dist/server.js`) */
  entry?: string;
  /** Node's flags for the service instead of {@link SERVICE_NODE_FLAGS} */
  nodeFlags?: readonly string[];
}

let started = 0;

/** Node's flags for the service, as `npm start` (package.json) and docs/deployment.md run it. */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32', '--single-threaded-gc'];

/**
 * Starts `node dist/server.js` over `data` and waits until `probePath` answers 200 with
 * `probeHeaders`. Its log lines go to a file, as a production log shipper would read them.
 */
export async function startService(data: ServiceData, probePath: string, probeHeaders: Record<string, string>, options: StartOptions = {}): Promise<RunningService> {
  const port = await freePort();
  const args = [...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []), ...(options.nodeFlags ?? SERVICE_NODE_FLAGS), options.entry ?? 'dist/server.js'];
  const logFile = options.logFile ?? join(data.dataDir, `service-${++started}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawnNode(args, { ...data.env, ...options.env, HOST: '127.0.0.1', PORT: String(port) }, fd);
  closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url + probePath, probeHeaders, child);
  return { url, child, pid: child.process.pid!, logFile };
}
