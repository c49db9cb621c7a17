/**
 * Named prepared statements on PostgreSQL, beside Kysely, for the few statements on a hot path:
 * PostgreSQL parses and plans a named statement once per connection, then only binds and runs it
 * (an unnamed query is parsed and planned on every call). Kysely cannot name its statements.
 */
import type { Pool } from 'pg';

/** One statement: its name (one text per name, everywhere), its SQL and this run's parameters. */
export interface NamedStatement {
  name: string;
  text: string;
  values: unknown[];
}

/** Runs named statements on a database's connections. */
export interface PreparedStatements {
  /** Runs `statement` in a transaction of its own (autocommit); resolves with the rows it changed. */
  execute(statement: NamedStatement): Promise<number>;
}

/** Named statements over a pg pool: each connection prepares a name on its first use. */
export function poolStatements(pool: Pool): PreparedStatements {
  return {
    async execute(statement: NamedStatement): Promise<number> {
      const r = await pool.query({ name: statement.name, text: statement.text, values: statement.values });
      return r.rowCount ?? 0;
    },
  };
}
