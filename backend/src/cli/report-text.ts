import type { Severity } from '../checks/check.types.js';
import { formatter, type Lang } from '../reports/export/labels.js';
import { viewReport, type CheckGroupView, type ExportableReport } from '../reports/export/report-view.js';

export interface TextOptions {
  color: boolean;
  /** The language of headings, messages and remediations (default: the report's). */
  lang?: Lang;
  /** IANA time zone times are shown in, with their offset (default: this process's). */
  timeZone?: string;
  /** Objects shown per check before "… N more". */
  maxPerCheck?: number;
}

const SGR = {
  reset: '\x1b[0m',
  bold: '\x1b[1m',
  dim: '\x1b[2m',
  red: '\x1b[31m',
  yellow: '\x1b[33m',
  cyan: '\x1b[36m',
  green: '\x1b[32m',
};
const SEVERITY_COLOR: Record<Severity, string> = { critical: SGR.red, warning: SGR.yellow, info: SGR.cyan };

/**
 * The report as a DBA reads it on a terminal, laid out like the exports: facts and score, then the findings grouped
 * by check (worst first) with the check's title and remediation once and its objects below, then the checks that did
 * not run with their reasons. Every word comes from the export labels in one language.
 */
export function formatReportText(r: ExportableReport, o: TextOptions): string {
  const lang = o.lang ?? r.language;
  const f = formatter(lang, o.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
  const l = f.l;
  const paint = (style: string, text: string) => (o.color ? `${style}${text}${SGR.reset}` : text);
  const view = viewReport({ report: r });
  const colon = lang === 'zh' ? '：' : ': ';
  const lines: string[] = [];
  const server = r.server
    ? `${r.server.flavor} ${r.server.version}${r.server.role ? `, ${r.server.role}` : ''}`
    : l.unreachable;
  lines.push(
    paint(SGR.bold, `${l.product} · ${l.reportTitle} · ${l.tier[r.tier]} · ${r.instance.name}`) + ` (${server})`,
  );
  lines.push(
    `${l.field.window}${colon}${f.window(r.window)} · ${l.field.startedAt}${colon}${f.dateTime(r.startedAt)} · ` +
      `${l.field.duration}${colon}${f.seconds(r.durationMs)}`,
  );
  const scoreColor = r.score >= 90 ? SGR.green : r.score >= 70 ? SGR.yellow : SGR.red;
  lines.push(
    `${l.field.score}${colon}${paint(SGR.bold + scoreColor, f.num(r.score))}/100 · ${l.summaryLine(r.counts, f.num)}`,
  );
  const max = o.maxPerCheck ?? 50;
  if (view.groups.length > 0) lines.push('', paint(SGR.bold, `${l.heading.findings} (${f.num(view.findingCount)})`));
  for (const g of view.groups) lines.push('', ...formatGroup(g, lang, l, f.value, max, paint, colon));
  if (view.notRun.length > 0) {
    lines.push('', paint(SGR.bold, `${l.heading.notInspected} (${f.num(view.notRun.length)})`));
    for (const c of view.notRun) {
      const line = `  ${c.catalogRef} ${c.title[lang]} [${l.status[c.status]}]${colon}${c.reason[lang]}`;
      lines.push(c.status === 'skipped' ? paint(SGR.dim, line) : line);
    }
  }
  if (view.groups.length === 0) lines.push('', paint(SGR.green, l.heading.noFindings));
  lines.push('', paint(SGR.dim, `${l.field.contentHash}${colon}${r.contentHash}`));
  return lines.join('\n') + '\n';
}

function formatGroup(
  g: CheckGroupView,
  lang: Lang,
  l: ReturnType<typeof formatter>['l'],
  value: (x: string | number | undefined) => string,
  max: number,
  paint: (style: string, text: string) => string,
  colon: string,
): string[] {
  const out = [
    paint(SGR.bold + SEVERITY_COLOR[g.severity], `[${l.severity[g.severity]}]`) +
      ` ${paint(SGR.bold, g.title[lang])} ${paint(SGR.dim, `${g.catalogRef} · ${l.objects(g.findings.length, String)}`)}`,
    paint(SGR.dim, `  ${l.field.remediation}${colon}${g.remediation[lang]}`),
  ];
  for (const x of g.findings.slice(0, max)) {
    const where = x.database ? ` [${l.field.database} ${x.database}]` : '';
    const waived = x.waived ? ` (${l.findingState.waived})` : '';
    const sev = x.severity === g.severity ? '' : `[${l.severity[x.severity]}] `;
    const measured =
      x.value !== undefined ? ` (${value(x.value)}${x.threshold !== undefined ? ` / ${value(x.threshold)}` : ''})` : '';
    out.push(`  - ${sev}${x.object}${where}${waived}${colon}${x.message[lang]}${measured}`);
  }
  if (g.findings.length > max) out.push(`  … +${g.findings.length - max}`);
  return out;
}

/** A one-line progress bar for stderr on a terminal. */
export function progressLine(done: number, total: number, label: string, width = 24): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}`;
}
