import type { Severity, Tier } from '../../checks/check.types.js';
import type {
  AnalyticsScope,
  FindingFilter,
  FindingRow,
  InstanceSeries,
  LatestScope,
  OutcomeRow,
  ReportTotals,
  SeverityBucket,
} from '../../grafana/report-analytics.types.js';
import type { Inspection } from '../../inspections/inspection.model.js';
import type { ReportAnalyticsRepository } from '../store.js';
import { iso, type PgDatabase } from './pg-database.js';

import { scoreBuckets, severityBuckets, type PackedSeries } from '../../grafana/report-series.js';

/** `date_bin` to epoch-aligned buckets of `$n` milliseconds, as epoch milliseconds. */
const bucket = (column: string, param: string): string =>
  `date_bin(make_interval(secs => ${param}::float8 / 1000), ${column}, 'epoch'::timestamptz)`;
const epochMs = (expr: string): string => `(extract(epoch FROM ${expr}) * 1000)::float8`;

const RANKED = `CASE f.severity WHEN 'critical' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END`;
const SEVERITY_OF = ['info', 'warning', 'critical'] as const;

/** A counter pattern (`db.*.deadlocks`) as an anchored regular expression; `*` is one dot-free segment. */
export function counterPattern(counter: string): string {
  const parts = counter.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return `^${parts.join('[^.]+')}$`;
}

/** The newest report per instance in scope, one indexed probe per instance. */
const LATEST = `
  SELECT r.id, r.instance_id, r.started_at FROM unnest($1::text[]) AS i(id)
  CROSS JOIN LATERAL (
    SELECT id, instance_id, started_at FROM reports
    WHERE instance_id = i.id AND started_at >= $2 AND started_at < $3 AND ($4::text IS NULL OR tier = $4)
    ORDER BY started_at DESC, id DESC LIMIT 1
  ) r`;

export class PgReportAnalyticsRepository implements ReportAnalyticsRepository {
  constructor(private readonly db: PgDatabase) {}

  async scoreSeries(scope: AnalyticsScope, bucketMs: number): Promise<InstanceSeries[]> {
    return scoreBuckets(await this.packedSeries(scope, false), scope, bucketMs);
  }

  async findingCountSeries(scope: AnalyticsScope, bucketMs: number): Promise<SeverityBucket[]> {
    return severityBuckets(await this.packedSeries(scope, true), scope, bucketMs);
  }

  /**
   * The packed report series (migration 10) of the months that `scope` touches, grouped by instance in id order. Finding
   * counts sum over instances, so only the grouping matters there: bytewise order spares the collation's comparisons.
   */
  private async packedSeries(scope: AnalyticsScope, withCounts: boolean): Promise<PackedSeries[]> {
    if (scope.instanceIds?.length === 0) return [];
    return this.db.query<PackedSeries>(
      `SELECT instance_id, (extract(epoch FROM month::timestamp) * 1000)::float8 AS month_ms, times,
         ${withCounts ? 'counts' : 'scores'}
       FROM report_series
       WHERE month >= date_trunc('month', $1::timestamptz AT TIME ZONE 'UTC')::date
         AND month < $2::timestamptz AT TIME ZONE 'UTC'
         AND ($3::text IS NULL OR tier = $3) AND ($4::text[] IS NULL OR instance_id = ANY($4))
       ORDER BY instance_id${withCounts ? ' COLLATE "C"' : ''}`,
      [scope.from, scope.to, scope.tier ?? null, scope.instanceIds ?? null],
    );
  }

  async latestFindings(scope: LatestScope, filter: FindingFilter): Promise<FindingRow[]> {
    if (scope.instanceIds.length === 0) return [];
    const rows = await this.db.query(
      `WITH latest AS (${LATEST})
       SELECT l.id AS report_id, l.instance_id, l.started_at, f.check_id, f.catalog_ref, f.category, f.severity,
         f.object, f.message, f.value, f.threshold
       FROM latest l JOIN report_findings f ON f.report_id = l.id
       WHERE ($5::text[] IS NULL OR f.check_id = ANY($5)) AND ($6::text[] IS NULL OR f.severity = ANY($6))
       ORDER BY ${RANKED} DESC, l.instance_id, f.check_id, f.ordinal`,
      [scope.instanceIds, scope.from, scope.to, scope.tier ?? null, filter.checkIds ?? null, filter.severities ?? null],
    );
    return rows.map((r) => ({
      reportId: String(r.report_id),
      instanceId: String(r.instance_id),
      startedAt: iso(r.started_at),
      checkId: String(r.check_id),
      catalogRef: String(r.catalog_ref),
      category: String(r.category),
      severity: r.severity as Severity,
      object: String(r.object),
      message: String(r.message),
      value: r.value == null ? null : String(r.value),
      threshold: r.threshold == null ? null : String(r.threshold),
    }));
  }

  async latestOutcomes(scope: LatestScope, checkIds?: readonly string[]): Promise<OutcomeRow[]> {
    if (scope.instanceIds.length === 0) return [];
    const rows = await this.db.query(
      `WITH latest AS (${LATEST})
       SELECT c->>'checkId' AS check_id, max(c->>'catalogRef') AS catalog_ref, max(c->>'category') AS category,
         max(c->>'tier') AS tier,
         count(*) FILTER (WHERE c->>'status' = 'pass')::int AS pass,
         count(*) FILTER (WHERE c->>'status' = 'fail')::int AS fail,
         count(*) FILTER (WHERE c->>'status' = 'error')::int AS error,
         count(*) FILTER (WHERE c->>'status' = 'skipped')::int AS skipped,
         max(CASE WHEN c->>'status' <> 'fail' THEN 0 WHEN c->>'severity' = 'critical' THEN 3
                  WHEN c->>'severity' = 'warning' THEN 2 ELSE 1 END)::int AS worst,
         COALESCE(sum((c->>'findingCount')::int), 0)::int AS findings
       FROM latest l JOIN reports r ON r.id = l.id, jsonb_array_elements(r.document->'checks') c
       WHERE $5::text[] IS NULL OR c->>'checkId' = ANY($5)
       GROUP BY 1 ORDER BY 1`,
      [scope.instanceIds, scope.from, scope.to, scope.tier ?? null, checkIds ?? null],
    );
    return rows.map((r) => ({
      checkId: String(r.check_id),
      catalogRef: String(r.catalog_ref ?? ''),
      category: String(r.category ?? ''),
      tier: r.tier as Tier,
      pass: Number(r.pass),
      fail: Number(r.fail),
      error: Number(r.error),
      skipped: Number(r.skipped),
      worst: Number(r.worst) > 0 ? SEVERITY_OF[Number(r.worst) - 1]! : null,
      findings: Number(r.findings),
    }));
  }

  async runsBetween(from: string, to: string, options: { tier?: string; limit: number }): Promise<Inspection[]> {
    const rows = await this.db.query<{
      document: Inspection;
      state: Inspection['state'];
      attempt: number;
      cancel_requested: boolean;
    }>(
      `SELECT document, state, attempt, cancel_requested FROM inspections
       WHERE ((created_at >= $1 AND created_at < $2) OR (fire_at >= $1 AND fire_at < $2))
         AND ($3::text IS NULL OR document->>'tier' = $3)
       ORDER BY COALESCE(fire_at, created_at) DESC, id DESC LIMIT $4`,
      [from, to, options.tier ?? null, options.limit],
    );
    return rows.map((r) => ({
      ...r.document,
      state: r.state,
      attempt: Number(r.attempt),
      cancelRequested: Boolean(r.cancel_requested),
    }));
  }

  async counterSeries(
    scope: Omit<AnalyticsScope, 'tier'>,
    counter: string,
    bucketMs: number,
  ): Promise<InstanceSeries[]> {
    const rows = await this.db.query<{ instance_id: string; times: number[]; vals: number[] }>(
      `WITH s AS (
         SELECT instance_id, taken_at, server_started_at,
           (SELECT sum(e.value::float8) FROM jsonb_each_text(counters) e WHERE e.key ~ $3) AS v
         FROM counter_snapshots
         WHERE taken_at >= $1 AND taken_at < $2 AND ($5::text[] IS NULL OR instance_id = ANY($5))
       ), d AS (
         SELECT instance_id, taken_at, v - lag(v) OVER w AS dv,
           server_started_at = lag(server_started_at) OVER w AS same_lifetime
         FROM s WINDOW w AS (PARTITION BY instance_id ORDER BY taken_at)
       )
       SELECT instance_id, json_agg(t ORDER BY t) AS times, json_agg(v ORDER BY t) AS vals FROM (
         SELECT instance_id, ${epochMs(bucket('taken_at', '$4'))} AS t, sum(dv)::float8 AS v
         FROM d WHERE same_lifetime AND dv >= 0
         GROUP BY 1, 2
       ) x GROUP BY instance_id ORDER BY instance_id`,
      [scope.from, scope.to, counterPattern(counter), bucketMs, scope.instanceIds ?? null],
    );
    return rows.map((r) => ({ instanceId: r.instance_id, times: r.times, values: r.vals }));
  }

  async totals(): Promise<ReportTotals> {
    const rows = await this.db.query<{ n: number; last: Date | null }>(
      `SELECT (SELECT COALESCE(sum(reports), 0)::int FROM report_series) AS n,
         (SELECT max(started_at) FROM reports) AS last`,
    );
    const r = rows[0];
    return { reports: Number(r?.n ?? 0), lastReportAt: r?.last ? iso(r.last) : null };
  }
}
