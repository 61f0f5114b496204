import type { Message, Severity, Tier } from '../checks/check.types.js';

/** Reports started in `[from, to)`, optionally of some instances and one tier. */
export interface AnalyticsScope {
  from: string;
  to: string;
  /** Undefined: every instance; empty: none. */
  instanceIds?: readonly string[];
  tier?: Tier;
}

/** The newest report per instance: `instanceIds` is required because "per instance" means these instances. */
export interface LatestScope extends AnalyticsScope {
  instanceIds: readonly string[];
}

/** One instance's series; `times` are bucket starts in milliseconds since the epoch, ascending. */
export interface InstanceSeries {
  instanceId: string;
  times: number[];
  values: number[];
}

/** Findings by severity in one time bucket, each instance counted once (its newest report in the bucket). */
export interface SeverityBucket {
  time: number;
  critical: number;
  warning: number;
  info: number;
}

/** A finding of an instance's newest report, with the report it came from. */
export interface FindingRow {
  reportId: string;
  instanceId: string;
  startedAt: string;
  checkId: string;
  catalogRef: string;
  category: string;
  severity: Severity;
  object: string;
  /** Both languages, a legacy single string, or (PostgreSQL's findings table) the JSON text of both. */
  message: Message;
  value: string | null;
  threshold: string | null;
}

/** How one check ended across the newest reports of the instances in scope. */
export interface OutcomeRow {
  checkId: string;
  catalogRef: string;
  category: string;
  tier: Tier;
  pass: number;
  fail: number;
  error: number;
  skipped: number;
  /** Worst severity among the failures, null when none failed. */
  worst: Severity | null;
  findings: number;
}

export interface FindingFilter {
  checkIds?: readonly string[];
  severities?: readonly Severity[];
}

export interface ReportTotals {
  reports: number;
  lastReportAt: string | null;
}
