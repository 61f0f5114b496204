import type { Message } from '../checks/check.types.js';
import type { CheckOutcome, Finding } from './report.types.js';

/** A finding as a comparison shows it (bilingual, or a legacy string); `waived` is copied from its report. */
export type DiffFinding = Pick<Finding, 'checkId' | 'catalogRef' | 'severity' | 'object' | 'database' | 'waived'> & {
  message: Message;
};

/** The parts of a check outcome a comparison reads. */
export type DiffCheck = Pick<CheckOutcome, 'checkId' | 'catalogRef' | 'status'> & { reason?: Message };

export interface PersistingFinding extends DiffFinding {
  /** Start of the oldest report of the unbroken run of reports that had this finding (this one included). */
  since: string;
  sinceReportId?: string;
  /** Reports in that run, this one included. */
  runs: number;
  /** The severity in the report compared against, when it changed. */
  previousSeverity?: Finding['severity'];
}

export interface NotInspectedCheck {
  checkId: string;
  catalogRef: string;
  status: 'error' | 'skipped';
  reason?: Message;
  /** How it ended in the report compared against. */
  previousStatus: 'pass' | 'fail';
}

/** One past report reduced to what a streak needs (see `ReportHistoryRepository`). */
export interface HistoryEntry {
  id: string;
  startedAt: string;
  findings: readonly { checkId: string; object: string; database?: string }[];
  /** Checks that errored or were skipped in that report: they neither extend nor break a streak. */
  notInspected: readonly string[];
}

export interface ReportDiff {
  new: DiffFinding[];
  persisting: PersistingFinding[];
  resolved: DiffFinding[];
  notInspected: NotInspectedCheck[];
  counts: { new: number; persisting: number; resolved: number; notInspected: number; waived: number };
}

/** A report as produced or as stored (older documents carry single-language strings). */
export interface DiffableReport {
  id?: string;
  startedAt: string;
  checks: readonly DiffCheck[];
  findings: readonly DiffFinding[];
}

/** Findings are the same when check, database and object are; the message and severity may change between runs. */
export const findingKey = (f: { checkId: string; object: string; database?: string }): string =>
  `${f.checkId}\u0000${f.database ?? ''}\u0000${f.object}`;

const present = (f: DiffFinding): DiffFinding => ({
  checkId: f.checkId,
  catalogRef: f.catalogRef,
  severity: f.severity,
  object: f.object,
  ...(f.database !== undefined ? { database: f.database } : {}),
  message: f.message,
  ...(f.waived ? { waived: f.waived } : {}),
});

const ran = (c: DiffCheck | undefined): c is DiffCheck & { status: 'pass' | 'fail' } =>
  c?.status === 'pass' || c?.status === 'fail';

export function toHistoryEntry(r: DiffableReport & { id: string }): HistoryEntry {
  return {
    id: r.id,
    startedAt: r.startedAt,
    findings: r.findings,
    notInspected: r.checks.filter((c) => c.status === 'error' || c.status === 'skipped').map((c) => c.checkId),
  };
}

/**
 * What changed from `previous` to `current`: findings new, persisting or resolved, keyed by check and object, and
 * checks that ran before but errored or were skipped now. A finding of a check not inspected now is neither resolved
 * nor persisting (nobody looked). `history` (reports before `current`, newest first, starting with `previous`) dates
 * persisting findings; without it their run starts at `previous`. The walk is as long as the history given.
 */
export function diffReports(
  current: DiffableReport,
  previous: DiffableReport | null,
  history?: readonly HistoryEntry[],
): ReportDiff {
  const nowChecks = new Map(current.checks.map((c) => [c.checkId, c]));
  const thenChecks = new Map((previous?.checks ?? []).map((c) => [c.checkId, c]));
  const thenFindings = new Map((previous?.findings ?? []).map((f) => [findingKey(f), f]));
  const nowKeys = new Set(current.findings.map(findingKey));
  const past: readonly HistoryEntry[] =
    history ?? (previous ? [toHistoryEntry({ ...previous, id: previous.id ?? '' })] : []);
  const pastKeys = past.map((h) => new Set(h.findings.map(findingKey)));
  const pastSkipped = past.map((h) => new Set(h.notInspected));

  const out: ReportDiff = {
    new: [],
    persisting: [],
    resolved: [],
    notInspected: [],
    counts: { new: 0, persisting: 0, resolved: 0, notInspected: 0, waived: 0 },
  };
  for (const f of current.findings) {
    const key = findingKey(f);
    const before = thenFindings.get(key);
    if (!before) {
      out.new.push(present(f));
      continue;
    }
    let runs = 1;
    let since = current.startedAt;
    let sinceReportId = current.id;
    for (let i = 0; i < past.length; i++) {
      if (pastKeys[i]!.has(key)) {
        runs++;
        since = past[i]!.startedAt;
        sinceReportId = past[i]!.id || undefined;
      } else if (!pastSkipped[i]!.has(f.checkId)) break;
    }
    out.persisting.push({
      ...present(f),
      since,
      ...(sinceReportId ? { sinceReportId } : {}),
      runs,
      ...(before.severity !== f.severity ? { previousSeverity: before.severity } : {}),
    });
  }
  for (const f of previous?.findings ?? []) {
    if (!nowKeys.has(findingKey(f)) && ran(nowChecks.get(f.checkId))) out.resolved.push(present(f));
  }
  for (const c of current.checks) {
    const before = thenChecks.get(c.checkId);
    if ((c.status === 'error' || c.status === 'skipped') && ran(before)) {
      out.notInspected.push({
        checkId: c.checkId,
        catalogRef: c.catalogRef,
        status: c.status,
        ...(c.reason !== undefined ? { reason: c.reason } : {}),
        previousStatus: before.status,
      });
    }
  }
  out.counts = {
    new: out.new.length,
    persisting: out.persisting.length,
    resolved: out.resolved.length,
    notInspected: out.notInspected.length,
    waived: current.findings.filter((f) => f.waived).length,
  };
  return out;
}
