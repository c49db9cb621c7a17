/**
 * Soak test (`npm run soak`, not part of `npm test`): runs the service as its own process,
 * production-like, and sends it mixed Services API traffic for 60 s at the highest rate it
 * sustains (autocannon, no rate cap), sampling its RSS every 5 s. Fails (exit 1) on any socket
 * error, timeout or unexpected status, on RSS growth, or on an unclean shutdown; writes the
 * figures to the "Soak test" section of docs/benchmarks.md.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderSoakSection, soakVerdict, withSoakSection, type KindFigures, type RssSample, type SoakFigures } from './soak-report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DURATION_S = Number(process.env['SOAK_SECONDS'] ?? 60);
const CONNECTIONS = Number(process.env['SOAK_CONNECTIONS'] ?? 16);
const WARMUP_S = 5;
const SAMPLE_EVERY_MS = 5000;

/** The parts of autocannon's API used here (it ships no types). */
interface AutocannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  onResponse?: (status: number) => void;
}
interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p97_5: number; p99: number; max: number };
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: { url: string; connections: number; duration: number; requests: AutocannonRequest[]; timeout?: number }) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function waitFor(probe: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The mix: each connection cycles through these, in order. */
function trafficMix(user: string, bad: string): Array<AutocannonRequest & { label: string; expected: number }> {
  const auth = { authorization: `Bearer ${user}` };
  return [
    { label: 'GET /api/v1/services/kaltura', expected: 200, method: 'GET', path: '/api/v1/services/kaltura', headers: auth },
    { label: 'POST …/kaltura_session (no parameters)', expected: 200, method: 'POST', path: '/api/v1/services/kaltura_session', headers: auth },
    { label: 'POST …/kaltura_session?include_upload_config=1', expected: 200, method: 'POST', path: '/api/v1/services/kaltura_session?include_upload_config=1', headers: auth },
    {
      label: 'POST …/kaltura_session, form include_upload_config=true',
      expected: 200,
      method: 'POST',
      path: '/api/v1/services/kaltura_session',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'include_upload_config=true',
    },
    { label: 'GET /api/v1/services/kaltura.json, bad token', expected: 401, method: 'GET', path: '/api/v1/services/kaltura.json', headers: { authorization: `Bearer ${bad}` } },
    { label: 'POST …/kaltura_session, no token', expected: 401, method: 'POST', path: '/api/v1/services/kaltura_session' },
  ];
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cks-soak-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      SECRET_KEYS: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      RATE_LIMIT_SESSION_PER_TOKEN: '0',
      RATE_LIMIT_SESSION_PER_IP: '0',
      RATE_LIMIT_AUTH_FAILURES_PER_IP: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor(async () => (await fetch(`${base}/health/live`)).ok, 60_000, 'the service to listen');
    const adminToken = /access token \(shown once, keep it safe\): (\S+)/.exec(out)?.[1];
    if (!adminToken) throw new Error(`no first-start token printed\n${out}\n${err}`);
    const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };

    // Kaltura in local mode, and an ordinary user with a token of its own
    const put = await fetch(`${base}/api/v1/kaltura_settings`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ settings: { ...{ domain: 'kaltura.example.com', resource_domain: 'cdn.kaltura.example.com', partner_id: '100', subpartner_id: '10000' }, secret_key: randomBytes(16).toString('hex'), user_secret_key: randomBytes(16).toString('hex'), player_ui_conf: '1', kcw_ui_conf: '1', upload_ui_conf: '1', session_mode: 'local' } }),
    });
    if (put.status !== 200) throw new Error(`settings: ${put.status} ${await put.text()}`);
    const userRes = await fetch(`${base}/api/v1/accounts/1/users`, { method: 'POST', headers: admin, body: JSON.stringify({ user: { name: 'Soak Student' }, pseudonym: { unique_id: 'soak-student' } }) });
    if (userRes.status !== 200) throw new Error(`user: ${userRes.status} ${await userRes.text()}`);
    const userId = ((await userRes.json()) as { id: number }).id;
    const tokenRes = await fetch(`${base}/api/v1/users/${userId}/tokens`, { method: 'POST', headers: admin, body: JSON.stringify({ token: { purpose: 'soak' } }) });
    if (tokenRes.status !== 200) throw new Error(`token: ${tokenRes.status} ${await tokenRes.text()}`);
    const userToken = ((await tokenRes.json()) as { visible_token: string }).visible_token;
    const badToken = userToken.slice(0, -1) + (userToken.endsWith('x') ? 'y' : 'x');

    const mix = trafficMix(userToken, badToken);
    const kinds: KindFigures[] = mix.map((m) => ({ label: m.label, expected: m.expected, count: 0, unexpected: 0 }));
    const requests = (count: boolean): AutocannonRequest[] =>
      mix.map((m, i) => ({
        method: m.method,
        path: m.path,
        ...(m.headers ? { headers: m.headers } : {}),
        ...(m.body ? { body: m.body } : {}),
        onResponse: (status: number) => {
          if (!count) return;
          kinds[i]!.count++;
          if (status !== m.expected) kinds[i]!.unexpected++;
        },
      }));

    process.stderr.write(`soak: warming up for ${WARMUP_S} s…\n`);
    await autocannon({ url: base, connections: CONNECTIONS, duration: WARMUP_S, requests: requests(false) });

    const loadBefore = loadavg().map((l) => l.toFixed(2)).join(' / ');
    process.stderr.write(`soak: ${DURATION_S} s of mixed traffic on ${CONNECTIONS} connections…\n`);
    const rss: RssSample[] = [{ at: 0, rssMiB: rssMiB(child.pid!) }];
    const started = Date.now();
    const sampler = setInterval(() => {
      const at = Math.round((Date.now() - started) / 1000);
      rss.push({ at, rssMiB: rssMiB(child.pid!) });
      process.stderr.write(`  ${at}s RSS ${rss[rss.length - 1]!.rssMiB.toFixed(1)} MiB\n`);
    }, SAMPLE_EVERY_MS);
    const result = await autocannon({ url: base, connections: CONNECTIONS, duration: DURATION_S, requests: requests(true), timeout: 10 });
    clearInterval(sampler);
    if (rss[rss.length - 1]!.at < DURATION_S) rss.push({ at: Math.round((Date.now() - started) / 1000), rssMiB: rssMiB(child.pid!) });

    child.kill('SIGTERM');
    const shutdownExitCode = await exited;
    const cpu = cpus();
    const figures: SoakFigures = {
      date: new Date().toISOString().slice(0, 10),
      machine: `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${process.platform}/${process.arch}`,
      node: process.version,
      loadBefore,
      durationSeconds: DURATION_S,
      connections: CONNECTIONS,
      totalRequests: result.requests.total,
      requestsPerSecond: result.requests.average,
      latencyMs: { p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max },
      errors: result.errors,
      timeouts: result.timeouts,
      kinds,
      rss,
      shutdownExitCode,
    };
    const section = renderSoakSection(figures);
    const docPath = join(ROOT, 'docs', 'benchmarks.md');
    writeFileSync(docPath, withSoakSection(readFileSync(docPath, 'utf8'), section));
    process.stdout.write(`${section}\n(written to docs/benchmarks.md)\n`);
    const verdict = soakVerdict(figures);
    if (!verdict.ok) {
      process.stderr.write(`soak FAILED: ${verdict.reasons.join('; ')}\n${err ? `service stderr:\n${err.slice(-4000)}\n` : ''}`);
      process.exitCode = 1;
    }
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
