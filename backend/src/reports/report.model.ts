import type { Severity, Tier } from '../checks/check.types.js';
import type { OutcomeCounts, StoredReportDocument } from './report.types.js';

/** Who or what started the inspection that produced a report. */
export interface ReportTrigger {
  kind: 'manual' | 'schedule' | 'demo';
  actor?: string;
}

/** A report as stored: the document plus the columns lists filter on. */
export interface StoredReport extends StoredReportDocument {
  id: string;
  instanceId: string;
  /** The inspection (run) this report belongs to; one report per inspection and instance. */
  inspectionId?: string;
  scheduleId?: string;
  /** The scheduled fire time the window ends at, for scheduled runs. */
  fireAt?: string;
  businessId?: string;
  trigger: ReportTrigger;
  /** The worst severity among findings, or null when there is none. */
  maxSeverity: Severity | null;
}

/** What report lists show: no checks, findings or thresholds. */
export interface ReportSummary {
  id: string;
  instanceId: string;
  inspectionId?: string;
  scheduleId?: string;
  fireAt?: string;
  instanceName: string;
  businessId?: string;
  engine: string;
  tier: Tier;
  window: { from: string; to: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  score: number;
  counts: OutcomeCounts;
  maxSeverity: Severity | null;
  reachable: boolean;
  trigger: ReportTrigger;
  contentHash: string;
}

export interface ReportQuery {
  instanceId?: string;
  inspectionId?: string;
  scheduleId?: string;
  businessId?: string;
  tier?: Tier;
  /** Reports started at or after. */
  from?: string;
  /** Reports started before. */
  to?: string;
  /** Reports with at least one finding of this severity or worse. */
  severity?: Severity;
  limit: number;
  /** Paging: reports started before this one's start (newest first). */
  before?: string;
}

export function summarize(r: StoredReport): ReportSummary {
  return {
    id: r.id,
    instanceId: r.instanceId,
    ...(r.inspectionId ? { inspectionId: r.inspectionId } : {}),
    ...(r.scheduleId ? { scheduleId: r.scheduleId } : {}),
    ...(r.fireAt ? { fireAt: r.fireAt } : {}),
    instanceName: r.instance.name,
    ...(r.businessId ? { businessId: r.businessId } : {}),
    engine: r.instance.engine,
    tier: r.tier,
    window: r.window,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    durationMs: r.durationMs,
    score: r.score,
    counts: r.counts,
    maxSeverity: r.maxSeverity,
    reachable: r.reachable,
    trigger: r.trigger,
    contentHash: r.contentHash,
  };
}

export function worstSeverity(counts: OutcomeCounts): Severity | null {
  if (counts.critical > 0) return 'critical';
  if (counts.warning > 0) return 'warning';
  if (counts.info > 0) return 'info';
  return null;
}
