/**
 * The soak test's verdict and its docs section (bench/soak-report.ts): errors, unexpected
 * statuses, RSS whose troughs rise, and an unclean shutdown fail it; a GC sawtooth does not;
 * rewriting the section keeps the rest of docs/benchmarks.md.
 */
import { describe, expect, it } from 'vitest';
import { renderSoakSection, soakVerdict, withSoakSection, type SoakFigures } from '../../bench/soak-report.js';

const rss = (values: number[]) => values.map((v, i) => ({ at: i * 5, rssMiB: v }));

const good: SoakFigures = {
  date: '2026-01-01',
  machine: '2 × test CPU',
  node: 'v20',
  loadBefore: '0.1',
  durationSeconds: 60,
  connections: 16,
  totalRequests: 1000,
  requestsPerSecond: 100,
  latencyMs: { p50: 1, p97_5: 2, p99: 3, max: 4 },
  errors: 0,
  timeouts: 0,
  kinds: [{ label: 'GET config', expected: 200, count: 1000, unexpected: 0 }],
  // a GC sawtooth well above the start, with troughs back near it
  rss: rss([170, 190, 230, 250, 200, 180, 240, 172, 230, 175, 245, 176, 240]),
  shutdownExitCode: 0,
};

describe('soak verdict', () => {
  it('passes a clean run whose RSS saws with garbage collection', () => {
    expect(soakVerdict(good)).toEqual({ ok: true, reasons: [] });
  });

  it.each([
    ['socket errors', { errors: 2 }, /2 socket errors/],
    ['timeouts', { timeouts: 1 }, /1 timeouts/],
    ['unexpected statuses', { kinds: [{ label: 'GET config', expected: 200, count: 10, unexpected: 3 }] }, /3 unexpected statuses for GET config/],
    ['rising troughs', { rss: rss([170, 180, 190, 200, 210, 220, 230, 240, 250, 260, 270, 280, 290]) }, /RSS grew from 170\.0 to at least 250\.0/],
    ['an unclean shutdown', { shutdownExitCode: 1 }, /exited with 1/],
  ])('fails on %s', (_name, change, reason) => {
    const verdict = soakVerdict({ ...good, ...change });
    expect(verdict.ok).toBe(false);
    expect(verdict.reasons.join('; ')).toMatch(reason);
  });
});

describe('docs section', () => {
  it('replaces its own section and keeps the others', () => {
    const section = renderSoakSection(good);
    expect(section).toMatch(/^## Soak test\n/);
    expect(section).toContain('**pass**');
    const doc = '# Benchmarks\n\n## KS codec\n\ntext\n\n## Soak test\n\nold figures\n\n## Later section\n\nkept\n';
    const updated = withSoakSection(doc, section);
    expect(updated).toContain('## KS codec\n\ntext\n');
    expect(updated).toContain('## Later section\n\nkept\n');
    expect(updated).not.toContain('old figures');
    expect(withSoakSection('# Benchmarks\n\n## KS codec\n\ntext\n', section)).toBe(`# Benchmarks\n\n## KS codec\n\ntext\n\n${section}`);
  });
});
