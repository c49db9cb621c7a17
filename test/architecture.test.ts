/**
 * Imports run one way: between the parts of `src/` (each top-level folder, and each top-level
 * file), the imports form no loop, type-only imports included. A loop between two folders means
 * neither can be read, tested or moved without the other.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const SRC = resolve(import.meta.dirname, '../src');

/** Every source file under `dir` (tests and declaration files left out). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The part of `src/` a file belongs to: its top-level folder, or itself. */
function partOf(file: string): string {
  const [first = ''] = relative(SRC, file).split(sep);
  return first.replace(/\.[jt]s$/, '');
}

/** Part → the parts its files import (relative imports that stay inside `src/`). */
function partGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = partOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const ref of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = resolve(dirname(file), ref.fileName);
      if (!target.startsWith(SRC + sep)) continue;
      const to = partOf(target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** A loop of parts if there is one (the first found, its first part repeated at the end), else null. */
function findLoop(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (part: string): string[] | null => {
    if (state.get(part) === 'done') return null;
    if (state.get(part) === 'open') return [...path.slice(path.indexOf(part)), part];
    state.set(part, 'open');
    path.push(part);
    for (const next of [...(graph.get(part) ?? [])].sort()) {
      const loop = visit(next);
      if (loop) return loop;
    }
    path.pop();
    state.set(part, 'done');
    return null;
  };
  for (const part of [...graph.keys()].sort()) {
    const loop = visit(part);
    if (loop) return loop;
  }
  return null;
}

describe('the import structure of src/', () => {
  const graph = partGraph();

  it('reads the imports it checks, type-only ones included', () => {
    // a few imports known to be there, so that an empty graph cannot pass
    expect(graph.get('tokens')?.has('developer-keys')).toBe(true); // a token belongs to a developer key
    expect(graph.get('kaltura')?.has('logging')).toBe(true); // `import type { LineLogger }`
    expect(graph.get('app-context')?.has('core-services')).toBe(true);
    expect(graph.size).toBeGreaterThan(20);
  });

  it('has no loop between its folders and top-level files', () => {
    expect(findLoop(graph)).toBeNull();
  });

  it('finds a loop where there is one', () => {
    const planted = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['b'])],
    ]);
    expect(findLoop(planted)).toEqual(['b', 'c', 'b']);
    expect(findLoop(new Map([['a', new Set(['b'])], ['b', new Set<string>()]]))).toBeNull();
  });
});
