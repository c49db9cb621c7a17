/**
 * The servers the bench measures the service against, each in its own process: the bare
 * node:http server and Fastify (alone, or as the floor) answering the service's own bytes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnNode, waitForOutput, type Child } from './child-process.js';
import { httpRequest } from './http-request.js';
import type { Caller } from './seed.js';
import type { CannedAnswers } from './baseline-server.js';

/** A server under load: where it listens and its process id (for its CPU time). */
export interface Target {
  url: string;
  pid: number;
}

/** Reads one answer of each kind from the service at `serviceUrl`: the baseline serves these bytes. */
export async function cannedAnswers(serviceUrl: string, cases: Array<{ method: string; path: string; caller: Caller }>): Promise<CannedAnswers> {
  const answers: CannedAnswers = {};
  for (const c of cases) {
    const res = await httpRequest(c.method, serviceUrl + c.path, { host: c.caller.host, authorization: `Bearer ${c.caller.token}` });
    if (res.status !== 200) throw new Error(`${c.method} ${c.path} (Host ${c.caller.host}) answered ${res.status}: ${res.body.slice(0, 300)}`);
    answers[`${c.method} ${c.caller.host} ${c.path}`] = { status: 200, contentType: res.contentType, body: res.body };
  }
  return answers;
}

/** The bare node:http server (bench/baseline-server.ts) over `answers`, its file in `dir`. */
export async function startBaseline(answers: CannedAnswers, dir: string): Promise<Target & { child: Child }> {
  const file = join(dir, 'answers.json');
  writeFileSync(file, JSON.stringify(answers));
  const child = spawnNode(['--import', 'tsx', 'bench/baseline-server.ts', file]);
  const m = await waitForOutput(child, /baseline listening on (http:\/\/\S+)/);
  return { url: m[1]!, child, pid: child.process.pid! };
}

/** Fastify alone, or with `floor` the work every request owes (bench/fastify-minimal-server.ts). */
export async function startFastify(answers: CannedAnswers, dir: string, floor: boolean): Promise<Target & { child: Child }> {
  const file = join(dir, 'answers.json');
  writeFileSync(file, JSON.stringify(answers));
  const child = spawnNode(['--import', 'tsx', 'bench/fastify-minimal-server.ts', file, ...(floor ? ['--floor'] : [])]);
  const m = await waitForOutput(child, /fastify-minimal listening on (http:\/\/\S+)/);
  return { url: m[1]!, child, pid: child.process.pid! };
}
