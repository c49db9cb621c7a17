/**
 * A Kysely query built and compiled once, run many times with other values: building a query
 * with Kysely costs about as much as SQLite running a small one. Build it with `marker(name)` in
 * place of each value that changes; `bind` puts the values where their markers were (the other
 * parameters stay as compiled).
 */
import type { CompiledQuery } from 'kysely';

const PREFIX = '\u0000param:';

/** The stand-in of the value `name` while the query is built. */
export function marker(name: string): string {
  return `${PREFIX}${name}`;
}

/** A compiled query whose marked parameters are filled in on each run. */
export class PreparedQuery<R> {
  /** per parameter: the name of the value it takes, or null for a constant */
  private readonly slots: (string | null)[];

  constructor(private readonly compiled: CompiledQuery<R>) {
    this.slots = compiled.parameters.map((p) => (typeof p === 'string' && p.startsWith(PREFIX) ? p.slice(PREFIX.length) : null));
  }

  /** The query with these values (every marked name must have one). */
  bind(values: Readonly<Record<string, unknown>>): CompiledQuery<R> {
    const parameters = this.slots.map((name, i) => {
      if (name === null) return this.compiled.parameters[i];
      if (!(name in values)) throw new Error(`no value for the query parameter "${name}"`);
      return values[name];
    });
    return { ...this.compiled, parameters };
  }
}
