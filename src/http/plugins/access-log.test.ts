/** The hand-built access line is the line the app's pino logger would write, key for key. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AccessLog, accessLog } from './access-log.js';
import type { Identity } from '../../auth/authenticator.js';

function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { stream, lines };
}

const identity = (id: number, realId?: number) => ({ user: { id }, realUser: realId === undefined ? null : { id: realId } }) as unknown as Identity;

describe('AccessLog', () => {
  it.each([
    ['a caller', { id: 'lb-1', method: 'GET', url: '/api/v1/services/kaltura?access_token=secret', status: 200, ms: 1.23456, identity: identity(7) }],
    ['a masquerade', { id: 'c0ffee00-0000-4000-8000-000000000000', method: 'POST', url: '/api/v1/services/kaltura_session.json', status: 429, ms: 0.5, identity: identity(7, 9) }],
    ['no caller and an odd path', { id: 'x', method: 'GET', url: '/a"b\\c\u0001é/ü', status: 404, ms: 12, identity: null }],
  ])('writes what pino writes, for %s', (_name, record) => {
    const ours = sink();
    const theirs = sink();
    new AccessLog(ours.stream).write(record);
    const who = record.identity;
    pino({ level: 'info' }, theirs.stream).info(
      { reqId: record.id, method: record.method, path: record.url.split('?')[0], status: record.status, ms: Math.round(record.ms * 100) / 100, userId: who?.user.id ?? null, ...(who?.realUser ? { realUserId: who.realUser.id } : {}) },
      'request',
    );
    expect(ours.lines).toHaveLength(1);
    expect(ours.lines[0]!.endsWith('}\n')).toBe(true);
    const a = JSON.parse(ours.lines[0]!) as Record<string, unknown>;
    const b = JSON.parse(theirs.lines[0]!) as Record<string, unknown>;
    expect(Math.abs((a.time as number) - (b.time as number))).toBeLessThan(1000);
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect({ ...a, time: 0 }).toEqual({ ...b, time: 0 });
    expect(ours.lines[0]).not.toContain('secret');
  });

  it('is there only at levels that write info lines', () => {
    expect(accessLog('info', sink().stream as never)).toBeInstanceOf(AccessLog);
    expect(accessLog('debug', sink().stream as never)).toBeInstanceOf(AccessLog);
    expect(accessLog('warn', sink().stream as never)).toBeNull();
    expect(accessLog('silent', sink().stream as never)).toBeNull();
  });
});
