/**
 * Request counts and duration histograms per route, method and status in plain numbers, turned
 * into Prometheus series only when scraped. prom-client's `Counter.inc` and `Histogram.observe`
 * hash the label object and validate it on every call (a few µs per request); here a request
 * costs three map reads, an increment and a bucket search. The exposition is the same as
 * prom-client's counter and histogram: `http_requests_total` and `http_request_duration_seconds`.
 */

/** The series of one route, method and status. */
interface Series {
  labels: { method: string; route: string; status_code: string };
  count: number;
  sum: number;
  /** per-bucket (not cumulative) counts; the last one is +Inf */
  buckets: Float64Array;
}

/** A value in prom-client's `MetricObjectWithValues` shape, which its Registry formats. */
interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** What prom-client's Registry reads from a metric (`get()`), for our two HTTP metrics. */
export interface CollectedMetric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: 'counter' | 'histogram'; aggregator: 'sum'; values: MetricValue[] }>;
  reset(): void;
}

/** HTTP request statistics, collected lazily. */
export class HttpRequestStats {
  private byRoute = new Map<string, Map<string, Map<number, Series>>>();

  constructor(private readonly bounds: readonly number[]) {}

  /** Counts one answer that took `seconds`. */
  observe(route: string, method: string, statusCode: number, seconds: number): void {
    let byMethod = this.byRoute.get(route);
    if (byMethod === undefined) this.byRoute.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
    let s = byStatus.get(statusCode);
    if (s === undefined) {
      s = { labels: { method, route, status_code: String(statusCode) }, count: 0, sum: 0, buckets: new Float64Array(this.bounds.length + 1) };
      byStatus.set(statusCode, s);
    }
    s.count++;
    s.sum += seconds;
    const b = this.bounds;
    let i = 0;
    while (i < b.length && seconds > b[i]!) i++;
    s.buckets[i]!++;
  }

  private *series(): Generator<Series> {
    for (const byMethod of this.byRoute.values()) for (const byStatus of byMethod.values()) yield* byStatus.values();
  }

  /** Forgets every count (prom-client's `resetMetrics`). */
  reset(): void {
    this.byRoute = new Map();
  }

  /** The counter of answers, as prom-client's Registry reads it. */
  counter(name: string, help: string): CollectedMetric {
    return {
      name,
      help,
      type: 'counter',
      aggregator: 'sum',
      get: async () => ({ name, help, type: 'counter', aggregator: 'sum', values: [...this.series()].map((s) => ({ labels: s.labels, value: s.count })) }),
      reset: () => this.reset(),
    };
  }

  /** The duration histogram, as prom-client's Registry reads it (cumulative `le` buckets, `_sum`, `_count`). */
  histogram(name: string, help: string): CollectedMetric {
    return {
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      get: async () => {
        const values: MetricValue[] = [];
        for (const s of this.series()) {
          let cumulative = 0;
          for (let i = 0; i <= this.bounds.length; i++) {
            cumulative += s.buckets[i]!;
            values.push({ labels: { le: i < this.bounds.length ? this.bounds[i]! : '+Inf', ...s.labels }, value: cumulative, metricName: `${name}_bucket` });
          }
          values.push({ labels: s.labels, value: s.sum, metricName: `${name}_sum` });
          values.push({ labels: s.labels, value: s.count, metricName: `${name}_count` });
        }
        return { name, help, type: 'histogram', aggregator: 'sum', values };
      },
      reset: () => this.reset(),
    };
  }
}
