/** Every runtime export of the KS library carries a TSDoc comment with an @example. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ks from './index.js';

const dir = new URL('./', import.meta.url);
const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts');

describe('TSDoc', () => {
  it.each(sources)('%s: each exported function, class and const has a TSDoc with @example', (file) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const exports = [...text.matchAll(/^export (?:function|class|const) (\w+)/gm)];
    for (const match of exports) {
      const before = text.slice(0, match.index);
      const doc = before.slice(before.lastIndexOf('/**'));
      expect(doc, `${file}: ${match[1]}`).toMatch(/^\/\*\*[\s\S]*@example[\s\S]*\*\/\s*$/);
    }
  });

  it('the entry exports the agreed API', () => {
    for (const name of ['generateKs', 'parseKs', 'decodeKsUnverified', 'parsePrivileges', 'buildPrivileges', 'phpUrlencode', 'appTokenHash', 'ksTail', 'KS_ERROR_CODES']) {
      expect(ks).toHaveProperty(name);
    }
  });
});
