/**
 * The overview's charts, each computed in the database over one window (GROUP BY the bucket):
 * sessions minted per mode and Kaltura calls per outcome from the hourly counts the triggers of
 * migration 0003 keep, and Kaltura call latency (p50/p95) from the calls themselves. A chart is one entry of {@link CHART_SOURCES};
 * a new one (e.g. media objects created) is a source built with {@link countChart}.
 */
import type { RawBuilder } from 'kysely';
import { sql } from '../db/kysely.js';
import type { Db } from '../db/connect.js';
import { alignToBuckets, type BucketWindow } from './time-buckets.js';
import { percentileCont } from './percentile.js';
import { SESSION_MODES } from '../settings/kaltura-settings.js';
import { KALTURA_CALL_OUTCOMES } from './kaltura-call-log.js';

/** One account, or every account (site admins). */
export interface OverviewScope {
  accountId: number | null;
}

/** A line or bar series: one value per bucket (null: no data, e.g. no call to time). */
export interface OverviewSeries {
  key: string;
  label: string;
  values: (number | null)[];
}

/** A chart as the API returns it and the console draws it. */
export interface OverviewChart {
  id: string;
  title: string;
  /** what the values count or measure (`sessions`, `calls`, `ms`) */
  unit: string;
  /** `count`: stacked bars of counts; `latency`: lines of milliseconds */
  kind: 'count' | 'latency';
  series: OverviewSeries[];
}

/** Builds one chart for a scope and window. */
export interface ChartSource {
  id: string;
  build(db: Db, scope: OverviewScope, window: BucketWindow): Promise<OverviewChart>;
}

/**
 * Where rows are counted: a table, its account column, its ISO time column and an optional column
 * to split by; or an hourly rollup (`hourly`: the time column holds `2026-12-02T16` keys and
 * `sumColumn` the count of each hour).
 */
export interface CountedTable {
  table: string;
  accountColumn: string;
  timeColumn: string;
  splitColumn?: string;
  /** an hourly rollup: sum this column instead of counting rows */
  sumColumn?: string;
}

function bucketOf(column: string, window: BucketWindow): RawBuilder<string> {
  return sql<string>`substr(${sql.ref(column)}, 1, ${sql.lit(window.keyLength)})`;
}

function scoped(column: string, scope: OverviewScope): RawBuilder<unknown> {
  return scope.accountId === null ? sql`` : sql`${sql.ref(column)} = ${scope.accountId} and `;
}

/** Rows per bucket (and per value of `splitColumn`), counted in the database: split value → counts per bucket. */
export async function countsByBucket(db: Db, t: CountedTable, scope: OverviewScope, window: BucketWindow): Promise<Map<string, number[]>> {
  const split = t.splitColumn ? sql`${sql.ref(t.splitColumn)}` : sql`''`;
  const n = t.sumColumn ? sql`sum(${sql.ref(t.sumColumn)})` : sql`count(*)`;
  // hour keys sort before the ISO times they start: compare them with keys
  const [from, until] = t.sumColumn ? [window.from.slice(0, 13), window.until.slice(0, 13)] : [window.from, window.until];
  const { rows } = await sql<{ b: string; s: string; n: number | string }>`
    select ${bucketOf(t.timeColumn, window)} as b, ${split} as s, ${n} as n
    from ${sql.table(t.table)}
    where ${scoped(t.accountColumn, scope)}${sql.ref(t.timeColumn)} >= ${from} and ${sql.ref(t.timeColumn)} < ${until}
    group by 1, 2`.execute(db.kysely);
  const bySplit = new Map<string, [string, number][]>();
  for (const r of rows) {
    const list = bySplit.get(r.s) ?? [];
    list.push([r.b, Number(r.n)]);
    bySplit.set(r.s, list);
  }
  return new Map([...bySplit].map(([s, pairs]) => [s, alignToBuckets(window, pairs, 0)]));
}

/** A count chart over a table: a series per `splits` entry (split value and label), zero where no rows. */
export async function countChart(
  db: Db,
  scope: OverviewScope,
  window: BucketWindow,
  chart: { id: string; title: string; unit: string },
  t: CountedTable,
  splits: readonly (readonly [value: string, label: string])[] = [['', chart.unit]],
): Promise<OverviewChart> {
  const counts = await countsByBucket(db, t, scope, window);
  const zero = window.keys.map(() => 0);
  return { ...chart, kind: 'count', series: splits.map(([value, label]) => ({ key: value || chart.id, label, values: counts.get(value) ?? zero })) };
}

const MODE_LABELS: Record<string, string> = { local: 'local', remote: 'remote', app_token: 'app token' };
const OUTCOME_LABELS: Record<string, string> = {
  success: 'success',
  kaltura_session_failed: 'kaltura_session_failed',
  kaltura_timeout: 'kaltura_timeout',
  kaltura_unavailable: 'kaltura_unavailable',
};

/** Calls that fail fast (open circuit) never reached Kaltura: their latency says nothing about it. */
const TIMED = sql`outcome <> 'kaltura_unavailable'`;

/** p50 and p95 of call latency per bucket: percentile_cont in PostgreSQL, ordered rows in SQLite. */
export async function latencyPercentiles(db: Db, scope: OverviewScope, window: BucketWindow): Promise<{ p50: (number | null)[]; p95: (number | null)[] }> {
  const where = sql`${scoped('account_id', scope)}created_at >= ${window.from} and created_at < ${window.until} and ${TIMED}`;
  const byBucket: [string, { p50: number | null; p95: number | null }][] = [];
  if (db.dialect === 'postgres') {
    const { rows } = await sql<{ b: string; p50: number; p95: number }>`
      select ${bucketOf('created_at', window)} as b,
        percentile_cont(0.5) within group (order by latency_ms) as p50,
        percentile_cont(0.95) within group (order by latency_ms) as p95
      from kaltura_calls where ${where} group by 1`.execute(db.kysely);
    for (const r of rows) byBucket.push([r.b, { p50: Number(r.p50), p95: Number(r.p95) }]);
  } else {
    // one pass in time order, which the (account_id, created_at, outcome, latency_ms) index
    // gives without a sort; each bucket's latencies are sorted here, one bucket at a time
    const { rows } = await sql<{ b: string; l: number }>`
      select ${bucketOf('created_at', window)} as b, latency_ms as l
      from kaltura_calls where ${where} order by created_at`.execute(db.kysely);
    let current: string | null = null;
    let values: number[] = [];
    const close = () => {
      if (current === null) return;
      values.sort((x, y) => x - y);
      byBucket.push([current, { p50: percentileCont(values, 0.5), p95: percentileCont(values, 0.95) }]);
    };
    for (const r of rows) {
      if (r.b !== current) {
        close();
        current = r.b;
        values = [];
      }
      values.push(r.l);
    }
    close();
  }
  const aligned = alignToBuckets<{ p50: number | null; p95: number | null }>(window, byBucket, { p50: null, p95: null });
  const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
  return { p50: aligned.map((a) => round(a.p50)), p95: aligned.map((a) => round(a.p95)) };
}

/** The charts of the overview, in the order the console shows them. */
export const CHART_SOURCES: readonly ChartSource[] = [
  {
    id: 'sessions',
    build: (db, scope, window) =>
      countChart(
        db,
        scope,
        window,
        { id: 'sessions', title: 'Sessions minted', unit: 'sessions' },
        { table: 'kaltura_session_hours', accountColumn: 'account_id', timeColumn: 'hour', splitColumn: 'mode', sumColumn: 'sessions' },
        SESSION_MODES.map((m) => [m, MODE_LABELS[m] ?? m] as const),
      ),
  },
  {
    id: 'kaltura_calls',
    build: (db, scope, window) =>
      countChart(
        db,
        scope,
        window,
        { id: 'kaltura_calls', title: 'Kaltura calls', unit: 'calls' },
        { table: 'kaltura_call_hours', accountColumn: 'account_id', timeColumn: 'hour', splitColumn: 'outcome', sumColumn: 'calls' },
        KALTURA_CALL_OUTCOMES.map((o) => [o, OUTCOME_LABELS[o] ?? o] as const),
      ),
  },
  {
    id: 'kaltura_latency',
    build: async (db, scope, window) => {
      const { p50, p95 } = await latencyPercentiles(db, scope, window);
      return {
        id: 'kaltura_latency',
        title: 'Kaltura call latency',
        unit: 'ms',
        kind: 'latency',
        series: [
          { key: 'p50', label: 'p50', values: p50 },
          { key: 'p95', label: 'p95', values: p95 },
        ],
      };
    },
  },
  {
    // from the media audit log: an object deleted later was still created that day
    id: 'media_objects',
    build: (db, scope, window) =>
      countChart(
        db,
        scope,
        window,
        { id: 'media_objects', title: 'Media objects created', unit: 'media objects' },
        { table: 'media_events', accountColumn: 'account_id', timeColumn: 'created_at', splitColumn: 'event' },
        [['media_object_created', 'media objects']],
      ),
  },
];
