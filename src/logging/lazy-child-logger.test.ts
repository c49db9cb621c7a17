import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { lazyChildLoggerFactory } from './lazy-child-logger.js';

function logger(level: string) {
  const lines: Record<string, unknown>[] = [];
  let children = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const parent = pino({ level, redact: { paths: ['token', '*.token'], censor: '[REDACTED]' }, onChild: () => void children++ }, stream) as unknown as FastifyBaseLogger;
  return { parent, lines, children: () => children };
}

describe('lazyChildLoggerFactory over a real pino logger', () => {
  it('makes no child while nothing is logged at an enabled level', () => {
    const { parent, lines, children } = logger('warn');
    const log = lazyChildLoggerFactory(parent, { reqId: 'r-1' }, {});
    log.info({ a: 1 }, 'not logged');
    log.debug('not logged');
    expect(children()).toBe(0);
    expect(lines).toEqual([]);
    expect(log.level).toBe('warn');
  });

  it('logs through a child with the bindings, redaction and level once a line is enabled', async () => {
    const { parent, lines, children } = logger('info');
    const log = lazyChildLoggerFactory(parent, { reqId: 'r-2' }, {});
    log.info({ token: 'secret-value' }, 'first');
    log.warn('second');
    await new Promise((r) => setImmediate(r));
    expect(children()).toBe(1);
    expect(lines.map((l) => [l['reqId'], l['msg'], l['level'], l['token']])).toEqual([
      ['r-2', 'first', 30, '[REDACTED]'],
      ['r-2', 'second', 40, undefined],
    ]);
    const grandchild = log.child({ issuer: 'local' });
    grandchild.error('third');
    await new Promise((r) => setImmediate(r));
    expect(lines[2]).toMatchObject({ reqId: 'r-2', issuer: 'local', msg: 'third', level: 50 });
  });

  it('a level set on the request logger applies to it alone', () => {
    const { parent, lines } = logger('warn');
    const log = lazyChildLoggerFactory(parent, { reqId: 'r-3' }, {});
    log.level = 'debug';
    log.debug('now logged');
    expect(lines.map((l) => l['msg'])).toEqual(['now logged']);
    expect(parent.level).toBe('warn');
  });

  it('falls back to a plain child when the child brings its own level', () => {
    const { parent, children } = logger('warn');
    const log = lazyChildLoggerFactory(parent, { reqId: 'r-4' }, { level: 'debug' });
    expect(children()).toBe(1);
    expect(log.level).toBe('debug');
  });
});
