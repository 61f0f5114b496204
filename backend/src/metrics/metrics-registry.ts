import { collectDefaultMetrics, Registry } from 'prom-client';
import { nextFireAfter, periodMs, type FireRule } from '../schedules/fire-times.js';
import type { DurationGroup, MetricsSnapshot } from './metrics.types.js';

/** Bounds of `dbpatrol_inspection_duration_seconds`, from one instance's daily run to a fleet's annual one. */
export const DURATION_BOUNDS: readonly number[] = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

/** Who counts as a worker "seen recently". */
export const WORKERS_WINDOW_MS = 15 * 60_000;

const seconds = (iso: string): number => Date.parse(iso) / 1000;

/** Cumulative `le` buckets, the sum and the count from runs grouped by how many bounds they do not exceed. */
export function cumulativeBuckets(
  groups: readonly DurationGroup[],
  boundCount: number,
): { buckets: number[]; sum: number; count: number } {
  const buckets = new Array<number>(boundCount).fill(0);
  let sum = 0;
  let count = 0;
  for (const g of groups) {
    count += g.count;
    sum += g.sumSeconds;
    // A run not above k of the n bounds is not above the k largest: buckets n-k … n-1 (0-based) count it.
    for (let i = boundCount - Math.min(g.geBounds, boundCount); i < boundCount; i++) buckets[i]! += g.count;
  }
  return { buckets, sum, count };
}

type Labels = Record<string, string>;

/** Label values escaped as the text format wants them (backslash, double quote, line feed). */
const escapeValue = (v: string): string =>
  /[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;

const labelText = (labels: Labels): string => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeValue(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

const num = (v: number): string => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : String(v));

/** One metric family in the text exposition format; series are appended as strings, not hashed objects. */
class Family {
  private readonly lines: string[] = [];
  constructor(
    readonly name: string,
    private readonly type: 'gauge' | 'counter' | 'histogram',
    private readonly help: string,
  ) {}
  add(labels: Labels, value: number, suffix = ''): void {
    this.lines.push(`${this.name}${suffix}${labelText(labels)} ${num(value)}`);
  }
  /** `inner` is already escaped label text without braces (`a="x",b="y"`), shared by an instance's series. */
  addRaw(inner: string, value: number): void {
    this.lines.push(`${this.name}{${inner}} ${num(value)}`);
  }
  text(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`, ...this.lines].join('\n');
  }
}

/**
 * `/metrics`: inspection results, schedules and service state written from a store snapshot on each scrape (5,000
 * series and more at fleet size, so they are written as text directly rather than through prom-client's labelled
 * metric objects, which cost tens of milliseconds to fill and render), plus prom-client's default process metrics.
 */
export class InspectionMetrics {
  /** prom-client's default process and Node.js metrics. */
  readonly registry = new Registry();
  private readonly timings = new Map<string, { next: number; periodMs: number }>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry });
      // Gauges named like counters fail `promtool check metrics`; nodejs_active_{handles,requests,resources} by type
      // carry the same numbers.
      for (const name of [
        'nodejs_active_handles_total',
        'nodejs_active_requests_total',
        'nodejs_active_resources_total',
      ]) {
        this.registry.removeSingleMetric(name);
      }
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * Next fire time and period of a rule, cached until that fire time passes: zone-aware fire-time maths costs about a
   * millisecond per schedule, too much to redo for hundreds of schedules on every scrape.
   */
  private fireTiming(rule: FireRule, now: Date): { next: number; periodMs: number } | undefined {
    const key = JSON.stringify(rule);
    const cached = this.timings.get(key);
    if (cached && cached.next > now.getTime()) return cached;
    try {
      const timing = { next: nextFireAfter(rule, now).getTime(), periodMs: periodMs(rule, now) };
      this.timings.set(key, timing);
      return timing;
    } catch {
      // A rule that no longer evaluates (a zone removed from the tz database) shows as no next fire time.
      this.timings.delete(key);
      return undefined;
    }
  }

  /** The exposition of a snapshot: DB Patrol's families, then the process metrics. */
  async render(s: MetricsSnapshot, now: Date, collectSeconds: number): Promise<string> {
    const own = this.families(s, now, collectSeconds)
      .map((f) => f.text())
      .join('\n');
    return `${own}\n${await this.registry.metrics()}`;
  }

  families(s: MetricsSnapshot, now: Date, collectSeconds: number): Family[] {
    const score = new Family(
      'dbpatrol_instance_score',
      'gauge',
      'Score 0-100 of the latest report of the instance and tier.',
    );
    const findings = new Family(
      'dbpatrol_instance_open_findings',
      'gauge',
      'Findings of the latest report of the instance and tier, by severity.',
    );
    const failing = new Family(
      'dbpatrol_check_failing',
      'gauge',
      'A check that failed in the latest report of the instance and tier (always 1; passing checks have no series).',
    );
    const errored = new Family(
      'dbpatrol_instance_checks_errored',
      'gauge',
      'Checks that could not run (permission, timeout, connection) in the latest report of the instance and tier.',
    );
    const reportTime = new Family(
      'dbpatrol_instance_last_report_timestamp_seconds',
      'gauge',
      'When the latest report of the instance and tier finished.',
    );
    const byId = new Map(s.instances.map((i) => [i.id, i]));
    for (const r of s.latestReports) {
      const i = byId.get(r.instanceId);
      if (!i) continue;
      const labels = labelText({
        business: i.business,
        host: i.host,
        instance: i.instance,
        engine: i.engine,
        tier: r.tier,
      }).slice(1, -1);
      score.addRaw(labels, r.score);
      for (const severity of ['critical', 'warning', 'info'] as const) {
        findings.addRaw(`${labels},severity="${severity}"`, r.findings[severity]);
      }
      errored.addRaw(labels, r.checksErrored);
      reportTime.addRaw(labels, seconds(r.finishedAt));
      for (const p of r.problems) {
        if (p.status !== 'fail') continue;
        const check = labelText({ check: p.checkId, catalog_ref: p.catalogRef, severity: p.severity ?? 'warning' });
        failing.addRaw(`${labels},${check.slice(1, -1)}`, 1);
      }
    }

    const lastSuccess = new Family(
      'dbpatrol_schedule_last_success_timestamp_seconds',
      'gauge',
      'When the newest succeeded or partial run of the active schedule finished (no series before the first).',
    );
    const nextFire = new Family(
      'dbpatrol_schedule_next_fire_timestamp_seconds',
      'gauge',
      'Next fire time of the active schedule.',
    );
    const period = new Family(
      'dbpatrol_schedule_period_seconds',
      'gauge',
      'Time between two fire times of the active schedule.',
    );
    const changed = new Family(
      'dbpatrol_schedule_updated_timestamp_seconds',
      'gauge',
      'When the active schedule was created, last edited or resumed.',
    );
    const missed = new Family(
      'dbpatrol_schedule_missed_occurrences_total',
      'counter',
      'Occurrences of the active schedule recorded missed (no worker within the maximum lateness).',
    );
    const scheduleRuns = new Family(
      'dbpatrol_schedule_runs_total',
      'counter',
      'Finished runs of the active schedule by state.',
    );
    for (const sch of s.schedules) {
      const labels = { schedule: sch.name, tier: sch.tier };
      const timing = this.fireTiming({ frequency: sch.frequency, time: sch.time, timezone: sch.timezone }, now);
      if (timing) {
        nextFire.add(labels, timing.next / 1000);
        period.add(labels, timing.periodMs / 1000);
      }
      changed.add(labels, seconds(sch.updatedAt));
      if (sch.lastSuccessAt) lastSuccess.add(labels, seconds(sch.lastSuccessAt));
      missed.add(labels, sch.runs.missed ?? 0);
      for (const [state, n] of Object.entries(sch.runs)) scheduleRuns.add({ ...labels, state }, n ?? 0);
    }

    const runs = new Family(
      'dbpatrol_inspections_total',
      'counter',
      'Finished inspections (runs) by trigger and final state.',
    );
    const unfinished = new Family(
      'dbpatrol_inspections_unfinished',
      'gauge',
      'Inspections queued or running, by trigger.',
    );
    for (const r of s.runs) {
      (r.state === 'queued' || r.state === 'running' ? unfinished : runs).add(
        { trigger: r.trigger, state: r.state },
        r.count,
      );
    }
    const durations = new Family(
      'dbpatrol_inspection_duration_seconds',
      'histogram',
      'Duration of finished inspections (runs), start to finish.',
    );
    const h = cumulativeBuckets(s.durations, DURATION_BOUNDS.length);
    DURATION_BOUNDS.forEach((le, i) => durations.add({ le: String(le) }, h.buckets[i] ?? 0, '_bucket'));
    durations.add({ le: '+Inf' }, h.count, '_bucket');
    durations.add({}, h.sum, '_sum');
    durations.add({}, h.count, '_count');

    const queued = new Family('dbpatrol_jobs_queued', 'gauge', 'Jobs due and not yet taken by a worker, by job name.');
    for (const j of s.queuedJobs) queued.add({ job: j.job }, j.count);
    const workers = new Family(
      'dbpatrol_workers_seen',
      'gauge',
      'Distinct workers that took or ran a job in the last 15 minutes, or are running an inspection.',
    );
    workers.add({}, s.workersSeen);
    const instances = new Family('dbpatrol_instances', 'gauge', 'Instances in the inventory.');
    instances.add({}, s.instances.length);
    const collect = new Family(
      'dbpatrol_metrics_collect_seconds',
      'gauge',
      'How long reading this scrape from the store took.',
    );
    collect.add({}, collectSeconds);

    return [
      score,
      findings,
      failing,
      errored,
      reportTime,
      lastSuccess,
      nextFire,
      period,
      changed,
      missed,
      scheduleRuns,
      runs,
      unfinished,
      durations,
      queued,
      workers,
      instances,
      collect,
    ];
  }
}
