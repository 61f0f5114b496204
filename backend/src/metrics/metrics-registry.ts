import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import { nextFireAfter, periodMs, type FireRule } from '../schedules/fire-times.js';
import type { DurationGroup, MetricsSnapshot } from './metrics.types.js';

/** Bounds of `dbpatrol_inspection_duration_seconds`, from one instance's daily run to a fleet's annual one. */
export const DURATION_BOUNDS: readonly number[] = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

/** Who counts as a worker "seen recently". */
export const WORKERS_WINDOW_MS = 15 * 60_000;

const INSTANCE = ['business', 'host', 'instance', 'engine', 'tier'] as const;
const SCHEDULE = ['schedule', 'tier'] as const;
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

/** A histogram whose buckets come from the store at scrape time (prom-client's own only counts observations). */
class StoredHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private state = { buckets: [] as number[], sum: 0, count: 0 };
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}
  set(state: { buckets: number[]; sum: number; count: number }): void {
    this.state = state;
  }
  reset(): void {
    this.state = { buckets: new Array<number>(this.bounds.length).fill(0), sum: 0, count: 0 };
  }
  collect(): void {}
  get() {
    const s = this.state;
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [
        ...this.bounds.map((le, i) => ({
          metricName: `${this.name}_bucket`,
          labels: { le },
          value: s.buckets[i] ?? 0,
        })),
        { metricName: `${this.name}_bucket`, labels: { le: '+Inf' }, value: s.count },
        { metricName: `${this.name}_sum`, labels: {}, value: s.sum },
        { metricName: `${this.name}_count`, labels: {}, value: s.count },
      ],
    });
  }
}

/**
 * The `/metrics` registry: inspection results, schedules and service state set from a store snapshot on each scrape,
 * plus prom-client's default process metrics.
 */
export class InspectionMetrics {
  readonly registry = new Registry();
  private readonly score: Gauge<(typeof INSTANCE)[number]>;
  private readonly findings: Gauge<(typeof INSTANCE)[number] | 'severity'>;
  private readonly failing: Gauge<(typeof INSTANCE)[number] | 'check' | 'catalog_ref' | 'severity'>;
  private readonly errored: Gauge<(typeof INSTANCE)[number]>;
  private readonly reportTime: Gauge<(typeof INSTANCE)[number]>;
  private readonly lastSuccess: Gauge<(typeof SCHEDULE)[number]>;
  private readonly nextFire: Gauge<(typeof SCHEDULE)[number]>;
  private readonly period: Gauge<(typeof SCHEDULE)[number]>;
  private readonly changed: Gauge<(typeof SCHEDULE)[number]>;
  private readonly missed: Counter<(typeof SCHEDULE)[number]>;
  private readonly scheduleRuns: Counter<(typeof SCHEDULE)[number] | 'state'>;
  private readonly runs: Counter<'trigger' | 'state'>;
  private readonly unfinished: Gauge<'trigger' | 'state'>;
  private readonly durations: StoredHistogram;
  private readonly queued: Gauge<'job'>;
  private readonly workers: Gauge;
  private readonly instances: Gauge;
  private readonly collectSeconds: Gauge;
  private readonly all: { reset(): void }[];

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Gauge<L>({ name, help, labelNames, registers });
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Counter<L>({ name, help, labelNames, registers });
    this.score = gauge(
      'dbpatrol_instance_score',
      'Score 0-100 of the latest report of the instance and tier.',
      INSTANCE,
    );
    this.findings = gauge(
      'dbpatrol_instance_open_findings',
      'Findings of the latest report of the instance and tier, by severity.',
      [...INSTANCE, 'severity'],
    );
    this.failing = gauge(
      'dbpatrol_check_failing',
      'A check that failed in the latest report of the instance and tier (always 1; passing checks have no series).',
      [...INSTANCE, 'check', 'catalog_ref', 'severity'],
    );
    this.errored = gauge(
      'dbpatrol_instance_checks_errored',
      'Checks that could not run (permission, timeout, connection) in the latest report of the instance and tier.',
      INSTANCE,
    );
    this.reportTime = gauge(
      'dbpatrol_instance_last_report_timestamp_seconds',
      'When the latest report of the instance and tier finished.',
      INSTANCE,
    );
    this.lastSuccess = gauge(
      'dbpatrol_schedule_last_success_timestamp_seconds',
      'When the newest succeeded or partial run of the active schedule finished (no series before the first).',
      SCHEDULE,
    );
    this.nextFire = gauge(
      'dbpatrol_schedule_next_fire_timestamp_seconds',
      'Next fire time of the active schedule.',
      SCHEDULE,
    );
    this.period = gauge(
      'dbpatrol_schedule_period_seconds',
      'Time between two fire times of the active schedule.',
      SCHEDULE,
    );
    this.changed = gauge(
      'dbpatrol_schedule_updated_timestamp_seconds',
      'When the active schedule was created, last edited or resumed.',
      SCHEDULE,
    );
    this.missed = counter(
      'dbpatrol_schedule_missed_occurrences_total',
      'Occurrences of the active schedule recorded missed (no worker within the maximum lateness).',
      SCHEDULE,
    );
    this.scheduleRuns = counter('dbpatrol_schedule_runs_total', 'Finished runs of the active schedule by state.', [
      ...SCHEDULE,
      'state',
    ]);
    this.runs = counter('dbpatrol_inspections_total', 'Finished inspections (runs) by trigger and final state.', [
      'trigger',
      'state',
    ]);
    this.unfinished = gauge('dbpatrol_inspections_unfinished', 'Inspections queued or running, by trigger.', [
      'trigger',
      'state',
    ]);
    this.durations = new StoredHistogram(
      'dbpatrol_inspection_duration_seconds',
      'Duration of finished inspections (runs), start to finish.',
      DURATION_BOUNDS,
    );
    this.registry.registerMetric(this.durations as unknown as Metric);
    this.queued = gauge('dbpatrol_jobs_queued', 'Jobs due and not yet taken by a worker, by job name.', ['job']);
    this.workers = gauge(
      'dbpatrol_workers_seen',
      'Distinct workers that took or ran a job in the last 15 minutes, or are running an inspection.',
      [],
    );
    this.instances = gauge('dbpatrol_instances', 'Instances in the inventory.', []);
    this.collectSeconds = gauge(
      'dbpatrol_metrics_collect_seconds',
      'How long reading this scrape from the store took.',
      [],
    );
    this.all = [
      this.score,
      this.findings,
      this.failing,
      this.errored,
      this.reportTime,
      this.lastSuccess,
      this.nextFire,
      this.period,
      this.changed,
      this.missed,
      this.scheduleRuns,
      this.runs,
      this.unfinished,
      this.durations,
      this.queued,
    ];
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

  /** Replaces every stored-derived series with the snapshot's. */
  apply(s: MetricsSnapshot, now: Date, collectSeconds: number): void {
    for (const m of this.all) m.reset();
    const byId = new Map(s.instances.map((i) => [i.id, i]));
    for (const r of s.latestReports) {
      const i = byId.get(r.instanceId);
      if (!i) continue;
      const labels = { business: i.business, host: i.host, instance: i.instance, engine: i.engine, tier: r.tier };
      this.score.set(labels, r.score);
      for (const severity of ['critical', 'warning', 'info'] as const) {
        this.findings.set({ ...labels, severity }, r.findings[severity]);
      }
      this.errored.set(labels, r.checksErrored);
      this.reportTime.set(labels, seconds(r.finishedAt));
      for (const p of r.problems) {
        if (p.status !== 'fail') continue;
        this.failing.set(
          { ...labels, check: p.checkId, catalog_ref: p.catalogRef, severity: p.severity ?? 'warning' },
          1,
        );
      }
    }
    for (const sch of s.schedules) {
      const labels = { schedule: sch.name, tier: sch.tier };
      const rule: FireRule = { frequency: sch.frequency, time: sch.time, timezone: sch.timezone };
      try {
        this.nextFire.set(labels, nextFireAfter(rule, now).getTime() / 1000);
        this.period.set(labels, periodMs(rule, now) / 1000);
      } catch {
        // A rule that no longer evaluates (a zone removed from the tz database) shows as no next fire time.
      }
      this.changed.set(labels, seconds(sch.updatedAt));
      if (sch.lastSuccessAt) this.lastSuccess.set(labels, seconds(sch.lastSuccessAt));
      this.missed.inc(labels, sch.runs.missed ?? 0);
      for (const [state, n] of Object.entries(sch.runs)) this.scheduleRuns.inc({ ...labels, state }, n ?? 0);
    }
    for (const r of s.runs) {
      if (r.state === 'queued' || r.state === 'running')
        this.unfinished.set({ trigger: r.trigger, state: r.state }, r.count);
      else this.runs.inc({ trigger: r.trigger, state: r.state }, r.count);
    }
    this.durations.set(cumulativeBuckets(s.durations, DURATION_BOUNDS.length));
    for (const j of s.queuedJobs) this.queued.set({ job: j.job }, j.count);
    this.workers.set(s.workersSeen);
    this.instances.set(s.instances.length);
    this.collectSeconds.set(collectSeconds);
  }
}
