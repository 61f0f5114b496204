import type { Tier } from '../../checks/check.types.js';
import type {
  CheckProblem,
  DurationGroup,
  LatestReport,
  MetricsQuery,
  MetricsSchedule,
  MetricsSnapshot,
} from '../../metrics/metrics.types.js';
import type { ScheduleSpec } from '../../schedules/schedule.model.js';
import type { MetricsRepository } from '../store.js';
import { iso, type PgDatabase } from './pg-database.js';

const TIERS: readonly Tier[] = ['daily', 'weekly', 'monthly', 'annual'];
const SUCCESS = `('succeeded', 'partial')`;
const FINISHED = `('succeeded', 'partial', 'failed', 'cancelled', 'missed')`;

type Counts = { critical?: number; warning?: number; info?: number; error?: number };

/** Several small aggregate reads in parallel; each uses an index made for it (migration 6). */
export class PgMetricsRepository implements MetricsRepository {
  constructor(private readonly db: PgDatabase) {}

  async snapshot(q: MetricsQuery): Promise<MetricsSnapshot> {
    const [instances, latestReports, schedules, runs, durations, queuedJobs, workersSeen] = await Promise.all([
      this.db.query<{ id: string; instance: string; host: string; business: string; engine: string }>(
        `SELECT i.id, i.name AS instance, h.name AS host, b.name AS business, i.engine
         FROM instances i JOIN hosts h ON h.id = i.host_id JOIN businesses b ON b.id = h.business_id`,
      ),
      this.latestReports(),
      this.schedules(),
      this.db.query<{ trigger: string; state: string; count: number }>(
        `SELECT COALESCE(trigger_kind, 'manual') AS trigger, state, count(*)::int AS count
         FROM inspections GROUP BY 1, 2`,
      ),
      this.durations(q.durationBounds),
      this.db.query<{ job: string; count: number }>(
        `SELECT name AS job, count(*)::int AS count FROM agenda_jobs
         WHERE next_run_at <= $1 AND locked_at IS NULL AND disabled IS NOT TRUE GROUP BY name`,
        [q.now],
      ),
      this.db.query<{ n: number }>(
        `SELECT count(DISTINCT w)::int AS n FROM (
           SELECT last_modified_by AS w FROM agenda_jobs
           WHERE last_run_at >= $1 OR locked_at >= $1
           UNION SELECT worker_name FROM inspections WHERE state = 'running'
         ) seen WHERE w IS NOT NULL`,
        [q.workersSince],
      ),
    ]);
    return { instances, latestReports, schedules, runs, durations, queuedJobs, workersSeen: workersSeen[0]?.n ?? 0 };
  }

  private async latestReports(): Promise<LatestReport[]> {
    // One index probe per instance and tier (reports_instance_idx) rather than a scan of the whole history.
    const rows = await this.db.query<{
      instance_id: string;
      tier: Tier;
      score: number;
      finished_at: string | null;
      started_at: Date;
      counts: Counts | null;
      check_problems: CheckProblem[] | null;
    }>(
      `SELECT i.id AS instance_id, t.tier, r.score, r.summary->>'finishedAt' AS finished_at, r.started_at,
         r.summary->'counts' AS counts, r.check_problems
       FROM instances i CROSS JOIN unnest($1::text[]) AS t(tier)
       CROSS JOIN LATERAL (
         SELECT score, summary, started_at, check_problems FROM reports
         WHERE instance_id = i.id AND tier = t.tier ORDER BY instance_id, tier, started_at DESC LIMIT 1
       ) r`,
      [TIERS],
    );
    return rows.map((r) => ({
      instanceId: r.instance_id,
      tier: r.tier,
      score: Number(r.score),
      finishedAt: r.finished_at ?? iso(r.started_at),
      findings: { critical: r.counts?.critical ?? 0, warning: r.counts?.warning ?? 0, info: r.counts?.info ?? 0 },
      checksErrored: r.counts?.error ?? 0,
      problems: (r.check_problems ?? []).map((p) => ({
        checkId: p.checkId,
        catalogRef: p.catalogRef,
        status: p.status,
        ...(p.severity ? { severity: p.severity } : {}),
      })),
    }));
  }

  private async schedules(): Promise<MetricsSchedule[]> {
    const [schedules, runs] = await Promise.all([
      this.db.query<{ id: string; name: string; spec: ScheduleSpec; updated_at: Date }>(
        `SELECT id, name, spec, updated_at FROM schedules WHERE status = 'active'`,
      ),
      this.db.query<{ schedule_id: string; state: string; count: number; last_success: number | null }>(
        `SELECT schedule_id, state, count(*)::int AS count,
           max(finished_epoch) FILTER (WHERE state IN ${SUCCESS}) AS last_success
         FROM inspections WHERE schedule_id IS NOT NULL AND state IN ${FINISHED} GROUP BY 1, 2`,
      ),
    ]);
    const bySchedule = new Map<string, { runs: Record<string, number>; lastSuccess?: number }>();
    for (const r of runs) {
      const entry = bySchedule.get(r.schedule_id) ?? { runs: {} };
      entry.runs[r.state] = r.count;
      if (r.last_success && (!entry.lastSuccess || r.last_success > entry.lastSuccess)) {
        entry.lastSuccess = r.last_success;
      }
      bySchedule.set(r.schedule_id, entry);
    }
    return schedules.map((s) => {
      const history = bySchedule.get(s.id);
      return {
        id: s.id,
        name: s.name,
        tier: s.spec.tier,
        frequency: s.spec.frequency,
        time: s.spec.time,
        timezone: s.spec.timezone,
        updatedAt: iso(s.updated_at),
        ...(history?.lastSuccess ? { lastSuccessAt: new Date(history.lastSuccess * 1000).toISOString() } : {}),
        runs: history?.runs ?? {},
      };
    });
  }

  private async durations(bounds: readonly number[]): Promise<DurationGroup[]> {
    // width_bucket over the negated bounds, descending, counts the bounds ≥ the duration (Prometheus' `le`).
    const negated = [...bounds].reverse().map((b) => -b);
    return this.db.query<DurationGroup>(
      `SELECT width_bucket(-d, $1::float8[]) AS "geBounds", count(*)::int AS count, COALESCE(sum(d), 0)::float8 AS "sumSeconds"
       FROM (
         SELECT GREATEST(0, duration_seconds) AS d FROM inspections
         WHERE state IN ${FINISHED} AND duration_seconds IS NOT NULL
       ) runs GROUP BY 1`,
      [negated],
    );
  }
}
