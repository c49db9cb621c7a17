/**
 * A fresh PostgreSQL database for one bench run, on the server PG_BENCH_URL names (default
 * postgres://postgres@127.0.0.1:5432/test), dropped again at the end.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** The PostgreSQL server the bench uses; PG_BENCH_URL overrides. */
const PG_ADMIN_URL = process.env['PG_BENCH_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface ScratchDatabase {
  /** its name: PostgreSQL's backends serving it name it on their command line */
  name: string;
  /** a connection URL for it */
  url: string;
  /** drops it (connections still open are ended) */
  drop(): Promise<void>;
}

/** Creates an empty database `cks_bench_<random>`. */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const name = `cks_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } catch (err) {
    await admin.end();
    throw err;
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`).catch(() => {});
      await admin.end();
    },
  };
}
