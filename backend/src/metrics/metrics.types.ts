import type { Severity, Tier } from '../checks/check.types.js';
import type { Frequency } from '../schedules/fire-times.js';

/** An instance with the names its series are labelled with. */
export interface MetricsInstance {
  id: string;
  instance: string;
  host: string;
  business: string;
  engine: string;
}

/** A check that did not pass in a latest report: failed (with its severity) or errored. */
export interface CheckProblem {
  checkId: string;
  catalogRef: string;
  status: 'fail' | 'error';
  severity?: Severity;
}

/** The newest report of one instance and tier. */
export interface LatestReport {
  instanceId: string;
  tier: Tier;
  score: number;
  finishedAt: string;
  findings: { critical: number; warning: number; info: number };
  checksErrored: number;
  problems: CheckProblem[];
}

/** An active schedule with its run history, aggregated. */
export interface MetricsSchedule {
  id: string;
  name: string;
  tier: Tier;
  frequency: Frequency;
  time: string;
  timezone: string;
  /** Created, edited or resumed: a schedule that never succeeded is overdue counting from here. */
  updatedAt: string;
  /** Finish time of the newest run that succeeded or partly succeeded. */
  lastSuccessAt?: string;
  /** Finished runs by state (`missed` included). */
  runs: Partial<Record<string, number>>;
}

/** Inspections (runs) by trigger (`manual`, `schedule`) and state. */
export interface RunCount {
  trigger: string;
  state: string;
  count: number;
}

/**
 * Finished runs' durations, grouped by how many of the histogram's bounds are at least the duration (`geBounds`, 0 =
 * longer than every bound), so the cumulative `le` buckets follow without reading each run.
 */
export interface DurationGroup {
  geBounds: number;
  count: number;
  sumSeconds: number;
}

/** Everything `/metrics` shows, read from the store in one go at scrape time. */
export interface MetricsSnapshot {
  instances: MetricsInstance[];
  latestReports: LatestReport[];
  schedules: MetricsSchedule[];
  runs: RunCount[];
  durations: DurationGroup[];
  /** Jobs due and not yet taken by a worker, by job name. */
  queuedJobs: { job: string; count: number }[];
  /** Distinct workers that took or ran a job since `workersSince`. */
  workersSeen: number;
}

export interface MetricsQuery {
  /** Histogram bounds in seconds, ascending. */
  durationBounds: readonly number[];
  workersSince: string;
  now: string;
}
