/**
 * A real TLS proxy in front of the real service: Debian's nginx running deploy/nginx.conf (the
 * file docs/deployment.md includes), with a self-signed certificate made here. The service runs
 * with TRUST_PROXY set to the proxy's address, as the doc says. Through the proxy the upload URLs
 * are https and the audit log has the client's address (127.0.0.2), not the proxy's (127.0.0.1),
 * even when the client sends its own X-Forwarded-For; a client talking to the service directly
 * gets neither believed. Skips (saying why) without nginx or openssl, except under CI=true.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openContext, seedIfEmpty, type FirstStart } from '../../src/bootstrap.js';
import { eventually, ROOT, startService, type ServiceProcess } from '../process.js';
import { CANVAS_SPEC_SETTINGS, newSecretKey } from '../helper.js';

const CLIENT_ADDRESS = '127.0.0.2';
const PROXY_ADDRESS = '127.0.0.1';

/** The first of `candidates` that runs, or null. */
function findTool(candidates: string[], versionFlag: string): string | null {
  for (const c of candidates) {
    try {
      execFileSync(c, [versionFlag], { stdio: 'ignore' });
      return c;
    } catch {
      // not this one
    }
  }
  return null;
}

const nginx = findTool(['nginx', '/usr/sbin/nginx'], '-v');
const openssl = findTool(['openssl'], 'version');
const missing = [nginx ? null : 'nginx', openssl ? null : 'openssl'].filter(Boolean).join(' and ');
if (missing) {
  if (process.env.CI === 'true') throw new Error(`${missing} required under CI (apt-get install -y nginx) for test/ops/tls-proxy.test.ts`);
  console.warn(`skipping the TLS proxy test: ${missing} not installed (apt-get install -y nginx)`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * deploy/nginx.conf with this test's ports, certificate and upstream; each replaced line must be
 * found, so a change to the file that this test no longer covers fails here.
 */
function siteConfig(ports: { https: number; http: number; upstream: number }, cert: string, key: string): string {
  let text = readFileSync(join(ROOT, 'deploy/nginx.conf'), 'utf8');
  const replace = (pattern: RegExp, by: string) => {
    expect(text, `deploy/nginx.conf no longer matches ${pattern}`).toMatch(pattern);
    text = text.replace(pattern, by);
  };
  replace(/^(\s*server )127\.0\.0\.1:3000\b/m, `$1127.0.0.1:${ports.upstream}`);
  replace(/^(\s*listen )80;/m, `$1127.0.0.1:${ports.http};`);
  replace(/^(\s*listen )443 ssl http2;/m, `$1127.0.0.1:${ports.https} ssl http2;`);
  replace(/^(\s*ssl_certificate\s+)\S+;/m, `$1${cert};`);
  replace(/^(\s*ssl_certificate_key\s+)\S+;/m, `$1${key};`);
  return text;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request from the client's own address (not the proxy's), by node:http(s). */
function send(url: string, options: { method?: string; headers?: Record<string, string>; ca?: string }): Promise<Answer> {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      { method: options.method ?? 'GET', headers: options.headers ?? {}, localAddress: CLIENT_ADDRESS, ...(options.ca ? { ca: options.ca } : {}), agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.once('error', reject);
    req.end();
  });
}

describe.skipIf(missing !== '')('a real TLS proxy (nginx with deploy/nginx.conf) in front of the service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cks-tls-'));
  let svc: ServiceProcess;
  let proxy: ChildProcess;
  let proxyLog = '';
  let first: FirstStart;
  let httpsUrl: string;
  let ca: string;

  beforeAll(async () => {
    // the service, trusting X-Forwarded-* from the proxy's address only
    const env = { DATA_DIR: join(dir, 'data'), SECRET_KEYS: newSecretKey(), CACHE_TTL_MS: '0', TRUST_PROXY: PROXY_ADDRESS };
    const ctx = await openContext(loadConfig(env), () => {});
    first = (await seedIfEmpty(ctx))!;
    const saved = await ctx.settings.update(null, CANVAS_SPEC_SETTINGS); // no `protocol`: URLs follow the request
    expect(saved.ok).toBe(true);
    await ctx.close();
    svc = await startService(env);

    // a self-signed certificate for 127.0.0.1
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(openssl!, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    ca = readFileSync(cert, 'utf8');

    // nginx in the foreground with its own prefix: the site file inside a minimal main file
    const ports = { https: await freePort(), http: await freePort(), upstream: Number(new URL(svc.url).port) };
    const prefix = join(dir, 'nginx');
    mkdirSync(join(prefix, 'logs'), { recursive: true });
    writeFileSync(join(prefix, 'canvas-kaltura.conf'), siteConfig(ports, cert, key));
    writeFileSync(
      join(prefix, 'nginx.conf'),
      [
        'daemon off;',
        'worker_processes 1;',
        ...(process.getuid?.() === 0 ? ['user root;'] : []),
        `pid ${join(prefix, 'nginx.pid')};`,
        `error_log ${join(prefix, 'logs', 'error.log')} warn;`,
        'events { worker_connections 64; }',
        'http {',
        `  access_log ${join(prefix, 'logs', 'access.log')};`,
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(prefix, `${t}_temp`)};`),
        `  include ${join(prefix, 'canvas-kaltura.conf')};`,
        '}',
        '',
      ].join('\n'),
    );
    proxy = spawn(nginx!, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'logs', 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
    proxy.stdout!.on('data', (d: Buffer) => (proxyLog += d.toString()));
    proxy.stderr!.on('data', (d: Buffer) => (proxyLog += d.toString()));
    httpsUrl = `https://127.0.0.1:${ports.https}`;
    const up = await eventually(async () => (await send(`${httpsUrl}/health/live`, { ca }).catch(() => null))?.status === 200, 15_000);
    const errorLog = existsSync(join(prefix, 'logs', 'error.log')) ? readFileSync(join(prefix, 'logs', 'error.log'), 'utf8') : '';
    expect(up, `nginx did not come up:\n${proxyLog}\n${errorLog}`).toBe(true);
  }, 60_000);

  afterAll(async () => {
    if (proxy && proxy.exitCode === null) {
      const exited = new Promise((r) => proxy.once('exit', r));
      proxy.kill('SIGQUIT');
      await exited;
    }
    await svc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const auth = () => ({ authorization: `Bearer ${first.token}` });

  /** The audit row of the request whose response carried `requestId`. */
  async function auditRow(requestId: string): Promise<{ client_ip: string | null }> {
    const res = await send(`${svc.url}/api/v1/accounts/${first.accountId}/kaltura_sessions?per_page=100`, { headers: auth() });
    expect(res.status).toBe(200);
    const row = (JSON.parse(res.body) as Array<{ request_id: string; client_ip: string | null }>).find((r) => r.request_id === requestId);
    expect(row, `no audit row for request ${requestId}`).toBeDefined();
    return row!;
  }

  it('the doc includes deploy/nginx.conf as it is', () => {
    const doc = readFileSync(join(ROOT, 'docs/deployment.md'), 'utf8');
    expect(doc).toContain(readFileSync(join(ROOT, 'deploy/nginx.conf'), 'utf8'));
  });

  it('through the proxy: https upload URLs, and the client’s address in the audit log (a forged X-Forwarded-For is overwritten)', async () => {
    const res = await send(`${httpsUrl}/api/v1/services/kaltura_session?include_upload_config=1`, {
      method: 'POST',
      ca,
      headers: { ...auth(), 'x-forwarded-for': '203.0.113.66', 'x-forwarded-proto': 'http' },
    });
    expect(res.status, res.body).toBe(200);
    const setting = JSON.parse(res.body).kaltura_setting as Record<string, string>;
    expect(setting.uploadUrl).toBe('https://kaltura.example.com/index.php/partnerservices2/upload');
    expect(setting.entryUrl).toBe('https://kaltura.example.com/index.php/partnerservices2/addEntry');
    expect(setting.uiconfUrl).toBe('https://kaltura.example.com/index.php/partnerservices2/getuiconf');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect((await auditRow(String(res.headers['x-request-id']))).client_ip).toBe(CLIENT_ADDRESS);
  });

  it('plain HTTP to the proxy is redirected to https', async () => {
    const conf = readFileSync(join(dir, 'nginx', 'canvas-kaltura.conf'), 'utf8');
    const httpPort = /listen 127\.0\.0\.1:(\d+);/.exec(conf)![1];
    const res = await send(`http://127.0.0.1:${httpPort}/api/v1/services/kaltura`, {});
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('https://127.0.0.1/api/v1/services/kaltura');
  });

  it('straight to the service: X-Forwarded-For and X-Forwarded-Proto from a client are not believed', async () => {
    const res = await send(`${svc.url}/api/v1/services/kaltura_session?include_upload_config=1`, {
      method: 'POST',
      headers: { ...auth(), 'x-forwarded-for': '203.0.113.66', 'x-forwarded-proto': 'https' },
    });
    expect(res.status, res.body).toBe(200);
    expect(JSON.parse(res.body).kaltura_setting.uploadUrl).toBe('http://kaltura.example.com/index.php/partnerservices2/upload');
    expect((await auditRow(String(res.headers['x-request-id']))).client_ip).toBe(CLIENT_ADDRESS);
  });
});
