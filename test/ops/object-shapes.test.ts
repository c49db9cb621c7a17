/**
 * The service's request and response objects stay fast objects after a fresh process answers a
 * few requests and collects its garbage before the next (src/http/settle-object-shapes.ts). Each
 * case runs object-shapes-child.ts in a process of its own, since V8 sizes a constructor's
 * objects once per process.
 */
import { describe, expect, it } from 'vitest';
import { runNode } from '../process.js';

interface Shapes {
  served: { request: boolean; response: boolean };
  made: { request: boolean; response: boolean };
}

async function shapesAfterQuietStart(server: 'app' | 'plain'): Promise<Shapes> {
  const { code, stdout, stderr } = await runNode(['--allow-natives-syntax', '--expose-gc', '--import', 'tsx', 'test/ops/object-shapes-child.ts', server], {}, 60_000);
  if (code !== 0) throw new Error(`object-shapes-child.ts ${server} exited ${code}: ${stderr}`);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Shapes;
}

describe('request and response objects after a quiet start', () => {
  it('a plain node:http server ends up with dictionary-mode responses (the V8 behaviour the service guards against)', async () => {
    const plain = await shapesAfterQuietStart('plain');
    expect(plain.served.response).toBe(false);
    expect(plain.made.response).toBe(false);
  });

  it("the service's server keeps them fast: the ones it served and new ones", async () => {
    expect(await shapesAfterQuietStart('app')).toEqual({ served: { request: true, response: true }, made: { request: true, response: true } });
  });
});
