import type { Category, Message, Severity, Texts, Tier } from '../../checks/check.types.js';
import { findCheck } from '../../checks/registry.js';
import type { Inspection } from '../../inspections/inspection.model.js';
import type { CheckOutcome, Finding, InspectionReport } from '../report.types.js';

/** An accepted risk on one finding. */
export interface WaiverInput {
  owner: string;
  reason: string;
  expiresAt: string;
}

/** A finding as exports accept it: message and remediation in one language (today) or both (`Texts`). */
export type ExportFinding = Omit<Finding, 'message' | 'remediation' | 'waived'> & {
  message: Message;
  remediation: Message;
  /** Marks an accepted risk: `true` or the waiver that covers it, or the status `waived`, or a `waiver` record. */
  waived?: boolean | WaiverInput;
  status?: string;
  waiver?: WaiverInput;
};

export type ExportOutcome = Omit<CheckOutcome, 'reason'> & { reason?: Message };

/** The stored report document (an `InspectionReport`, optionally with its store id and columns). */
export type ExportableReport = Omit<InspectionReport, 'findings' | 'checks'> & {
  id?: string;
  findings: readonly ExportFinding[];
  checks: readonly ExportOutcome[];
};

/** A finding's identity in a comparison with the previous report. */
export interface DiffEntry {
  checkId: string;
  object: string;
  /** Persisting findings: when first seen and in how many runs. */
  since?: string;
  runs?: number;
}

/** The comparison of a report with the previous one of the same instance and tier. */
export interface ReportDiffInput {
  new: readonly DiffEntry[];
  persisting: readonly DiffEntry[];
  resolved: readonly DiffEntry[];
  notInspected: readonly { checkId: string }[];
}

/** One report to export, with the names of its place in the inventory. */
export interface ReportExportInput {
  report: ExportableReport;
  business?: string;
  host?: string;
  diff?: ReportDiffInput;
}

export type InspectionSummary = Pick<
  Inspection,
  'id' | 'trigger' | 'tier' | 'window' | 'state' | 'createdAt' | 'startedAt' | 'finishedAt' | 'progress'
>;

/** A multi-instance run to export: the inspection and its reports. */
export interface InspectionExportInput {
  inspection: InspectionSummary;
  reports: readonly ReportExportInput[];
}

export interface FindingView {
  severity: Severity;
  object: string;
  database?: string;
  message: Texts;
  value?: string | number;
  threshold?: string | number;
  waived: boolean;
  /** Who accepted the risk, why and until when (absent when only the `waived` marker was given). */
  waiver?: WaiverInput;
  /** Relative to the previous report, when a diff is given. */
  change?: 'new' | 'persisting';
  since?: string;
  runs?: number;
}

/** The findings of one check on one instance: title and remediation once, then the objects. */
export interface CheckGroupView {
  checkId: string;
  catalogRef: string;
  category: Category;
  tier: Tier;
  title: Texts;
  remediation: Texts;
  /** The worst severity among its findings that are not waived (or among all when every one is waived). */
  severity: Severity;
  findings: FindingView[];
}

export interface NotRunView {
  checkId: string;
  catalogRef: string;
  category: Category;
  title: Texts;
  status: 'error' | 'skipped';
  reason: Texts;
}

export interface ReportView {
  id?: string;
  business?: string;
  host?: string;
  instance: { id?: string; name: string; engine: string };
  server: InspectionReport['server'];
  reachable: boolean;
  tier: Tier;
  window: { from: string; to: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  score: number;
  counts: InspectionReport['counts'];
  catalogVersion: string;
  contentHash: string;
  groups: CheckGroupView[];
  notRun: NotRunView[];
  outcomes: (ExportOutcome & { title: Texts; reasonTexts?: Texts })[];
  findingCount: number;
  waivedCount: number;
  diff?: { new: number; persisting: number; resolved: number; notInspected: number };
  /** The report document as given, for the JSON export. */
  document: ExportableReport;
}

export interface ExportDocument {
  kind: 'report' | 'inspection';
  /** The report's or the inspection's id (or the content hash of a report that has none). */
  id: string;
  inspection?: InspectionSummary;
  reports: ReportView[];
  /** Instances of the inspection that produced no report (their run failed or was cancelled). */
  missing: { instanceName: string; state: string; error?: string }[];
}

const RANK: Record<Severity, number> = { critical: 3, warning: 2, info: 1 };

const isWaived = (f: ExportFinding): boolean =>
  (f.waived !== undefined && f.waived !== false) || f.status === 'waived' || f.waiver !== undefined;

/** The runner records the waiver in `waived`; a caller may pass it as `waiver`. */
const waiverOf = (f: ExportFinding): WaiverInput | undefined =>
  f.waiver ?? (typeof f.waived === 'object' ? f.waived : undefined);

/** The registry's title of a check, or its id for a check this build no longer knows. */
function titleOf(checkId: string): Texts {
  return findCheck(checkId)?.title ?? { en: checkId, zh: checkId };
}

/**
 * Remediation in both languages. A plain string was written in the report's language; the other language comes from
 * the registry when the check is known, so an English export of a Chinese report does not show Chinese advice.
 */
function remediationOf(f: ExportFinding, reportLang: 'en' | 'zh'): Texts {
  if (typeof f.remediation !== 'string') return f.remediation;
  const known = findCheck(f.checkId)?.remediation;
  const other = reportLang === 'en' ? 'zh' : 'en';
  return {
    [reportLang]: f.remediation,
    [other]: known?.[other] ?? f.remediation,
  } as unknown as Texts;
}

const textsOf = (m: Message): Texts => (typeof m === 'string' ? { en: m, zh: m } : m);

const keyOf = (checkId: string, object: string) => `${checkId}\u0000${object}`;

/** What every format shows of one report: findings grouped by check, worst first, and the checks that did not run. */
export function viewReport(input: ReportExportInput): ReportView {
  const r = input.report;
  const diffNew = new Set(input.diff?.new.map((d) => keyOf(d.checkId, d.object)));
  const diffPersisting = new Map(input.diff?.persisting.map((d) => [keyOf(d.checkId, d.object), d]));
  const order = new Map(r.checks.map((c, i) => [c.checkId, i]));
  const groups = new Map<string, CheckGroupView>();
  let waivedCount = 0;
  for (const f of r.findings) {
    let g = groups.get(f.checkId);
    if (!g) {
      g = {
        checkId: f.checkId,
        catalogRef: f.catalogRef,
        category: f.category,
        tier: f.tier,
        title: titleOf(f.checkId),
        remediation: remediationOf(f, r.language),
        severity: f.severity,
        findings: [],
      };
      groups.set(f.checkId, g);
    }
    const key = keyOf(f.checkId, f.object);
    const persisting = diffPersisting.get(key);
    const waived = isWaived(f);
    if (waived) waivedCount++;
    g.findings.push({
      severity: f.severity,
      object: f.object,
      ...(f.database !== undefined ? { database: f.database } : {}),
      message: textsOf(f.message),
      ...(f.value !== undefined ? { value: f.value } : {}),
      ...(f.threshold !== undefined ? { threshold: f.threshold } : {}),
      waived,
      ...(waiverOf(f) ? { waiver: waiverOf(f)! } : {}),
      ...(diffNew.has(key) ? { change: 'new' as const } : {}),
      ...(persisting
        ? {
            change: 'persisting' as const,
            ...(persisting.since ? { since: persisting.since } : {}),
            ...(persisting.runs !== undefined ? { runs: persisting.runs } : {}),
          }
        : {}),
    });
  }
  for (const g of groups.values()) {
    const open = g.findings.filter((f) => !f.waived);
    const ranked = open.length > 0 ? open : g.findings;
    g.severity = ranked.reduce<Severity>((worst, f) => (RANK[f.severity] > RANK[worst] ? f.severity : worst), 'info');
    g.findings.sort(
      (a, b) =>
        Number(a.waived) - Number(b.waived) || RANK[b.severity] - RANK[a.severity] || a.object.localeCompare(b.object),
    );
  }
  const sortedGroups = [...groups.values()].sort(
    (a, b) =>
      Number(a.findings.every((f) => f.waived)) - Number(b.findings.every((f) => f.waived)) ||
      RANK[b.severity] - RANK[a.severity] ||
      (order.get(a.checkId) ?? 0) - (order.get(b.checkId) ?? 0),
  );
  const outcomes = r.checks.map((c) => ({
    ...c,
    title: titleOf(c.checkId),
    ...(c.reason !== undefined ? { reasonTexts: textsOf(c.reason) } : {}),
  }));
  const notRun: NotRunView[] = outcomes
    .filter((c) => c.status === 'error' || c.status === 'skipped')
    .sort((a, b) => Number(a.status === 'skipped') - Number(b.status === 'skipped'))
    .map((c) => ({
      checkId: c.checkId,
      catalogRef: c.catalogRef,
      category: c.category,
      title: c.title,
      status: c.status as 'error' | 'skipped',
      reason: c.reasonTexts ?? { en: '', zh: '' },
    }));
  return {
    ...(r.id !== undefined ? { id: r.id } : {}),
    ...(input.business !== undefined ? { business: input.business } : {}),
    ...(input.host !== undefined ? { host: input.host } : {}),
    instance: r.instance,
    server: r.server,
    reachable: r.reachable,
    tier: r.tier,
    window: r.window,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    durationMs: r.durationMs,
    score: r.score,
    counts: r.counts,
    catalogVersion: r.catalogVersion,
    contentHash: r.contentHash,
    groups: sortedGroups,
    notRun,
    outcomes,
    findingCount: r.findings.length,
    waivedCount,
    ...(input.diff
      ? {
          diff: {
            new: input.diff.new.length,
            persisting: input.diff.persisting.length,
            resolved: input.diff.resolved.length,
            notInspected: input.diff.notInspected.length,
          },
        }
      : {}),
    document: r,
  };
}

/** One report alone: its view with no cover. */
export function reportDocument(input: ReportExportInput): ExportDocument {
  const view = viewReport(input);
  return { kind: 'report', id: view.id ?? view.contentHash.slice(0, 16), reports: [view], missing: [] };
}

const byName = (a: string | undefined, b: string | undefined): number =>
  a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : a.localeCompare(b);

/** An inspection: its reports ordered business → host → instance, and the instances that produced none. */
export function inspectionDocument(input: InspectionExportInput): ExportDocument {
  const reports = input.reports
    .map(viewReport)
    .sort(
      (a, b) => byName(a.business, b.business) || byName(a.host, b.host) || byName(a.instance.name, b.instance.name),
    );
  const withReport = new Set(reports.map((r) => r.id).filter((id): id is string => id !== undefined));
  const named = new Set(reports.map((r) => r.instance.name));
  const missing = input.inspection.progress
    .filter((p) => (p.reportId ? !withReport.has(p.reportId) : !named.has(p.instanceName)))
    .filter((p) => p.state !== 'done' || !p.reportId)
    .map((p) => ({ instanceName: p.instanceName, state: p.state, ...(p.error ? { error: p.error } : {}) }));
  return { kind: 'inspection', id: input.inspection.id, inspection: input.inspection, reports, missing };
}
