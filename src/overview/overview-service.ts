/**
 * The admin overview of one account (or every account): the charts of {@link CHART_SOURCES} over
 * a window, each Kaltura endpoint's circuit state in this process now, and the settings check's
 * last answer.
 */
import { sql } from '../db/kysely.js';
import type { Db } from '../db/connect.js';
import type { CircuitBreakerRegistry, CircuitState } from '../kaltura/circuit-breaker.js';
import { endpointOf } from '../kaltura/kaltura-api-client.js';
import type { SettingsService } from '../settings/settings-service.js';
import { isConfigured, sessionPolicy, type SessionMode } from '../settings/kaltura-settings.js';
import type { SettingsCheckLog, StoredSettingsCheck } from './settings-check-log.js';
import { CHART_SOURCES, type ChartSource, type OverviewChart, type OverviewScope } from './overview-charts.js';
import { bucketWindow, type OverviewPeriod } from './time-buckets.js';

/** A Kaltura endpoint and its breaker's state in this process. */
export interface CircuitView {
  endpoint: string;
  state: CircuitState;
  /** true for the endpoint the account's settings name now */
  configured: boolean;
}

/** The overview as the API returns it (snake_case, like Canvas). */
export interface Overview {
  account_id: number | null;
  period: OverviewPeriod;
  bucket: 'hour' | 'day';
  from: string;
  until: string;
  /** each bucket's start (ISO, UTC), oldest first; every series has one value per bucket */
  buckets: string[];
  charts: OverviewChart[];
  /** the account's session mode now (null for every account) */
  session_mode: SessionMode | null;
  kaltura_enabled: boolean | null;
  circuits: CircuitView[];
  settings_check: {
    level: 'account' | 'site';
    account_id: number | null;
    checked_at: string;
    ok: boolean;
    outcome: string;
    message: string;
  } | null;
}

export interface OverviewDeps {
  db: Db;
  breakers: CircuitBreakerRegistry;
  settings: SettingsService;
  settingsChecks: SettingsCheckLog;
  clock?: () => number;
  /** the charts to build (default {@link CHART_SOURCES}) */
  charts?: readonly ChartSource[];
}

/** Builds overviews. */
export class OverviewService {
  constructor(private readonly deps: OverviewDeps) {}

  /** The overview of `scope` over `period` ending now. */
  async overview(scope: OverviewScope, period: OverviewPeriod): Promise<Overview> {
    const { db } = this.deps;
    const window = bucketWindow(period, (this.deps.clock ?? Date.now)());
    const charts = await Promise.all((this.deps.charts ?? CHART_SOURCES).map((c) => c.build(db, scope, window)));

    let mode: SessionMode | null = null;
    let enabled: boolean | null = null;
    let configuredEndpoint: string | null = null;
    if (scope.accountId !== null) {
      const settings = await this.deps.settings.effective(scope.accountId);
      const policy = sessionPolicy(settings.plain);
      mode = policy.mode;
      enabled = isConfigured(settings);
      try {
        configuredEndpoint = endpointOf(settings.plain, policy).baseUrl;
      } catch {
        configuredEndpoint = null;
      }
    }
    const states = this.deps.breakers.states();
    // endpoints called in the last 48 hours (whatever the period): the ones whose state matters now
    const recent = new Date((this.deps.clock ?? Date.now)() - 48 * 3_600_000).toISOString();
    const { rows } = await sql<{ endpoint: string }>`
      select distinct endpoint from kaltura_calls
      where ${scope.accountId === null ? sql`` : sql`account_id = ${scope.accountId} and `}created_at >= ${recent}`.execute(db.kysely);
    const endpoints = new Set<string>(rows.map((r) => r.endpoint).filter((e) => e.includes('://')));
    if (configuredEndpoint) endpoints.add(configuredEndpoint);
    if (scope.accountId === null) for (const key of Object.keys(states)) endpoints.add(key);
    const circuits = [...endpoints].sort().map((endpoint) => ({ endpoint, state: states[endpoint] ?? 'closed', configured: endpoint === configuredEndpoint }));

    return {
      account_id: scope.accountId,
      period,
      bucket: window.bucket,
      from: window.from,
      until: window.until,
      buckets: window.starts,
      charts,
      session_mode: mode,
      kaltura_enabled: enabled,
      circuits,
      settings_check: await this.lastCheck(scope.accountId),
    };
  }

  /** The account's own last check, else the site-wide settings' last check. */
  private async lastCheck(accountId: number | null): Promise<Overview['settings_check']> {
    const own: StoredSettingsCheck | null = accountId === null ? null : await this.deps.settingsChecks.latest(accountId);
    const found = own ?? (await this.deps.settingsChecks.latest(null));
    if (!found) return null;
    return {
      level: found.accountId === null ? 'site' : 'account',
      account_id: found.accountId,
      checked_at: found.checkedAt,
      ok: found.ok,
      outcome: found.outcome,
      message: found.message,
    };
  }
}
