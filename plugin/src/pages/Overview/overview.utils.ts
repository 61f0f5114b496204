import type { Inspection } from '../../api/inspections';
import type { Instance } from '../../api/inventory';
import type { ReportSummary, Severity } from '../../api/reports';
import type { Schedule } from '../../api/schedules';

/** The newest report of each instance, from a list sorted newest first (as the backend answers). */
export function latestReportPerInstance(reports: ReportSummary[]): Map<string, ReportSummary> {
  const latest = new Map<string, ReportSummary>();
  for (const report of reports) {
    const seen = latest.get(report.instanceId);
    if (!seen || seen.startedAt < report.startedAt) {
      latest.set(report.instanceId, report);
    }
  }
  return latest;
}

export type HealthBucket = Severity | 'healthy' | 'uninspected';
export const HEALTH_BUCKETS: readonly HealthBucket[] = ['critical', 'warning', 'info', 'healthy', 'uninspected'];

/** Each enabled instance by the worst open severity of its latest report; an unreachable instance counts as critical. */
export function instancesByWorstSeverity(
  instances: Instance[],
  latest: Map<string, ReportSummary>
): Record<HealthBucket, Instance[]> {
  const buckets: Record<HealthBucket, Instance[]> = {
    critical: [],
    warning: [],
    info: [],
    healthy: [],
    uninspected: [],
  };
  for (const instance of instances) {
    if (!instance.enabled) {
      continue;
    }
    const report = latest.get(instance.id);
    if (!report) {
      buckets.uninspected.push(instance);
    } else if (!report.reachable) {
      buckets.critical.push(instance);
    } else {
      buckets[report.maxSeverity ?? 'healthy'].push(instance);
    }
  }
  return buckets;
}

/** The latest reports with the lowest scores, worst first; ties by instance name. */
export function lowestScores(latest: Map<string, ReportSummary>, count: number): ReportSummary[] {
  return [...latest.values()]
    .sort((a, b) => a.score - b.score || a.instanceName.localeCompare(b.instanceName))
    .slice(0, count);
}

const PROBLEM_STATES: ReadonlySet<Inspection['state']> = new Set(['failed', 'missed', 'partial']);

/** Runs that need attention: failed, missed (no worker in time) or partial. */
export function problemRuns(inspections: Inspection[]): Inspection[] {
  return inspections.filter((i) => PROBLEM_STATES.has(i.state));
}

/** Active schedules by their next fire time, soonest first. */
export function nextRuns(schedules: Schedule[], count: number): Schedule[] {
  return schedules
    .filter((s) => s.status === 'active' && s.nextFireAt)
    .sort((a, b) => Date.parse(a.nextFireAt ?? '') - Date.parse(b.nextFireAt ?? ''))
    .slice(0, count);
}
