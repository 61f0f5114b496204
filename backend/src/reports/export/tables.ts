import type { Formatter } from './labels.js';
import type { CheckGroupView, ExportDocument, FindingView, ReportView } from './report-view.js';

export type Cell = string | number;

/** A flat table as the spreadsheet formats write it (one header row, one row per item). */
export interface FlatTable {
  headers: string[];
  rows: Cell[][];
}

const serverText = (r: ReportView, f: Formatter): string =>
  r.server ? `${r.server.flavor} ${r.server.version}${r.server.role ? ` (${r.server.role})` : ''}` : f.l.unreachable;

/** One row per instance: business → host → instance with score and counts (and the instances without a report). */
export function summaryTable(doc: ExportDocument, f: Formatter): FlatTable {
  const h = f.l.field;
  const headers = [
    h.business,
    h.host,
    h.instance,
    h.server,
    h.score,
    h.critical,
    h.warning,
    h.info,
    h.errors,
    h.skipped,
    h.reachable,
    h.newSinceLast,
    h.resolved,
    h.waived,
    h.startedAt,
    h.reportId,
    h.contentHash,
    h.catalogVersion,
  ];
  const rows: Cell[][] = doc.reports.map((r) => [
    r.business ?? '',
    r.host ?? '',
    r.instance.name,
    serverText(r, f),
    r.score,
    r.counts.critical,
    r.counts.warning,
    r.counts.info,
    r.counts.error,
    r.counts.skipped,
    r.reachable ? f.l.reachable.yes : f.l.reachable.no,
    r.diff ? r.diff.new : '',
    r.diff ? r.diff.resolved : '',
    r.waivedCount,
    f.dateTime(r.startedAt),
    r.id ?? '',
    r.contentHash,
    r.catalogVersion,
  ]);
  for (const m of doc.missing) {
    rows.push([
      '',
      '',
      m.instanceName,
      `${f.l.heading.instanceFailed}${m.error ? `: ${m.error}` : ''}`,
      ...Array<Cell>(headers.length - 4).fill(''),
    ]);
  }
  return { headers, rows };
}

/** The change a finding shows against the previous report: new, or persisting since when. */
export function changeText(x: FindingView, f: Formatter): string {
  if (x.change === 'new') return f.l.findingState.new;
  if (x.change === 'persisting')
    return x.since ? f.l.openSince(f.date(x.since), x.runs, f.num) : f.l.findingState.persisting;
  return '';
}

/** "value / threshold" as one text, empty when the check reports neither. */
export function valueVsThreshold(x: FindingView, f: Formatter): string {
  if (x.value === undefined && x.threshold === undefined) return '';
  if (x.threshold === undefined) return f.value(x.value);
  return `${f.value(x.value)} / ${f.value(x.threshold)}`;
}

export function waiverText(x: FindingView, f: Formatter): string {
  if (!x.waived) return '';
  if (!x.waiver) return f.l.findingState.waived;
  return `${f.l.waivedBy(x.waiver.owner, x.waiver.expiresAt ? f.date(x.waiver.expiresAt) : '')}: ${x.waiver.reason}`;
}

/** Every finding of every report, one row each, with its check's title and remediation. */
export function findingsTable(doc: ExportDocument, f: Formatter): FlatTable {
  const h = f.l.field;
  const headers = [
    h.business,
    h.host,
    h.instance,
    h.check,
    h.title,
    h.category,
    h.severity,
    h.status,
    h.newSinceLast,
    h.object,
    h.database,
    h.message,
    h.value,
    h.threshold,
    h.remediation,
    h.waiverOwner,
    h.waiverReason,
    h.waiverExpires,
    h.checkId,
    h.contentHash,
    h.catalogVersion,
  ];
  const rows: Cell[][] = [];
  for (const r of doc.reports) for (const g of r.groups) for (const x of g.findings) rows.push(findingRow(r, g, x, f));
  return { headers, rows };
}

function findingRow(r: ReportView, g: CheckGroupView, x: FindingView, f: Formatter): Cell[] {
  return [
    r.business ?? '',
    r.host ?? '',
    r.instance.name,
    g.catalogRef,
    g.title[f.lang],
    f.l.category[g.category],
    f.l.severity[x.severity],
    x.waived ? f.l.findingState.waived : f.l.findingState.open,
    changeText(x, f),
    x.object,
    x.database ?? '',
    x.message[f.lang],
    x.value ?? '',
    x.threshold ?? '',
    g.remediation[f.lang],
    x.waiver?.owner ?? '',
    x.waiver?.reason ?? '',
    x.waiver?.expiresAt ? f.dateTime(x.waiver.expiresAt) : '',
    g.checkId,
    r.contentHash,
    r.catalogVersion,
  ];
}

/** Every check outcome of every report. */
export function checksTable(doc: ExportDocument, f: Formatter): FlatTable {
  const h = f.l.field;
  const headers = [
    h.business,
    h.host,
    h.instance,
    h.check,
    h.title,
    h.category,
    h.tier,
    h.status,
    h.severity,
    h.findings,
    h.reason,
    h.durationMs,
    h.checkId,
  ];
  const rows: Cell[][] = [];
  for (const r of doc.reports) {
    for (const c of r.outcomes) {
      rows.push([
        r.business ?? '',
        r.host ?? '',
        r.instance.name,
        c.catalogRef,
        c.title[f.lang],
        f.l.category[c.category],
        f.l.tier[c.tier],
        f.l.status[c.status],
        c.severity ? f.l.severity[c.severity] : '',
        c.findingCount,
        c.reasonTexts?.[f.lang] ?? '',
        c.durationMs,
        c.checkId,
      ]);
    }
  }
  return { headers, rows };
}
