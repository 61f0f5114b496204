import type { TimeRange } from '@grafana/data';

import type {
  DiffFinding,
  Finding,
  MaybeLocalized,
  ReportDiff,
  ReportFilter,
  ReportLanguage,
  Severity,
} from '../../api/reports';

/** A backend text in the UI language: messages come as one string (both languages) or as `{ en, zh }`. */
export function localized(text: MaybeLocalized | undefined, lang: ReportLanguage): string {
  if (text === undefined) {
    return '';
  }
  if (typeof text === 'string') {
    return text;
  }
  return (lang === 'zh' ? text.zh : text.en) || text.en || text.zh;
}

const SEVERITY_ORDER: readonly Severity[] = ['critical', 'warning', 'info'];

export interface CategoryGroup {
  category: string;
  findings: Finding[];
}

export interface SeverityGroup {
  severity: Severity;
  categories: CategoryGroup[];
  count: number;
}

/** Findings worst first, then by category and object; waived ones are kept (shown as waived) within their group. */
export function groupFindings(findings: readonly Finding[]): SeverityGroup[] {
  return SEVERITY_ORDER.flatMap((severity) => {
    const ofSeverity = findings.filter((f) => f.severity === severity);
    if (ofSeverity.length === 0) {
      return [];
    }
    const byCategory = new Map<string, Finding[]>();
    for (const finding of ofSeverity) {
      byCategory.set(finding.category, [...(byCategory.get(finding.category) ?? []), finding]);
    }
    const categories = [...byCategory.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([category, list]) => ({
        category,
        findings: [...list].sort((a, b) => a.checkId.localeCompare(b.checkId) || a.object.localeCompare(b.object)),
      }));
    return [{ severity, categories, count: ofSeverity.length }];
  });
}

export const isWaived = (f: Finding) => f.waived !== undefined;

/** The identity of a finding across reports: (check, object), as the backend's diff uses it. */
export const findingKey = (f: Pick<Finding, 'checkId' | 'object'>) => `${f.checkId}\u0000${f.object}`;

export interface DiffView {
  new: DiffFinding[];
  persisting: DiffFinding[];
  resolved: DiffFinding[];
  notInspected: Array<{ checkId: string; catalogRef?: string; object?: string; reason?: MaybeLocalized }>;
  previousId?: string;
}

const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

/** The diff answer made safe to render: missing arrays become empty, the previous report's id is lifted out. */
export function normalizeDiff(diff: Partial<ReportDiff> | null | undefined): DiffView {
  const previous = diff?.previous;
  return {
    new: list<DiffFinding>(diff?.new),
    persisting: list<DiffFinding>(diff?.persisting),
    resolved: list<DiffFinding>(diff?.resolved),
    notInspected: list(diff?.notInspected),
    previousId: previous && typeof previous.id === 'string' ? previous.id : undefined,
  };
}

/** The filter's time bounds from Grafana's time range input; an empty or invalid range filters nothing. */
export function rangeToFilter(range: TimeRange | undefined): Pick<ReportFilter, 'from' | 'to'> {
  if (!range || range.raw.from === '' || range.raw.to === '') {
    return {};
  }
  if (!range.from?.isValid() || !range.to?.isValid()) {
    return {};
  }
  return { from: range.from.toISOString(), to: range.to.toISOString() };
}

/** The cursor for the next page: the oldest start in a full page (a short page is the last one). */
export function nextCursor(page: ReadonlyArray<{ startedAt: string }>, limit: number): string | undefined {
  if (page.length < limit) {
    return undefined;
  }
  return page[page.length - 1]?.startedAt;
}

/** A value beside its threshold as users read it: "42 / 30"; only the value when there is no threshold. */
export function valueAgainstThreshold(f: Pick<Finding, 'value' | 'threshold'>): string {
  if (f.value === undefined || f.value === '') {
    return '';
  }
  return f.threshold === undefined || f.threshold === '' ? String(f.value) : `${f.value} / ${f.threshold}`;
}

/** Evidence columns in first-seen order, so rows with different keys line up in one table. */
export function evidenceColumns(rows: ReadonlyArray<Record<string, unknown>>): string[] {
  const columns: string[] = [];
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!columns.includes(key)) {
        columns.push(key);
      }
    }
  }
  return columns;
}

export function formatCell(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Server facts worth a line each, in a fixed order; unknown keys follow sorted, nested values as JSON. */
export function serverFacts(server: Record<string, unknown> | null): Array<[string, string]> {
  if (!server) {
    return [];
  }
  const first = ['flavor', 'versionString', 'version', 'role', 'hostname', 'uptimeSeconds'];
  const keys = [
    ...first.filter((k) => k in server),
    ...Object.keys(server)
      .filter((k) => !first.includes(k) && k !== 'engine')
      .sort(),
  ];
  return keys.filter((k) => server[k] !== undefined && server[k] !== null).map((k) => [k, formatCell(server[k])]);
}
