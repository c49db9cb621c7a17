import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BufferedLogStream } from './log-destination.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function logFile(): { fd: number; text: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'cks-log-'));
  dirs.push(dir);
  const path = join(dir, 'out.log');
  const fd = openSync(path, 'a');
  return { fd, text: () => readFileSync(path, 'utf8') };
}

describe('BufferedLogStream', () => {
  it('holds lines until 4 KiB are buffered, then writes them all at once, in order', () => {
    const f = logFile();
    const s = new BufferedLogStream(f.fd, 4096, 60_000);
    const line = `${JSON.stringify({ msg: 'request', pad: 'x'.repeat(180) })}\n`;
    const perBlock = Math.ceil(4096 / line.length);
    for (let i = 0; i < perBlock - 1; i++) s.write(line);
    expect(f.text()).toBe('');
    s.write(line);
    expect(f.text()).toBe(line.repeat(perBlock));
    s.write('{"msg":"last"}\n');
    expect(f.text()).toBe(line.repeat(perBlock));
    s.end();
    expect(f.text()).toBe(`${line.repeat(perBlock)}{"msg":"last"}\n`);
    closeSync(f.fd);
  });

  it('writes a lone line within the flush interval', async () => {
    const f = logFile();
    const s = new BufferedLogStream(f.fd, 4096, 50);
    s.write('{"msg":"alone"}\n');
    await new Promise((r) => setTimeout(r, 200));
    expect(f.text()).toBe('{"msg":"alone"}\n');
    s.end();
    closeSync(f.fd);
  });
});
