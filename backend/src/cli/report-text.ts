import type { Severity } from '../checks/check.types.js';
import type { Finding, InspectionReport } from '../reports/report.types.js';

export interface TextOptions {
  color: boolean;
  /** Findings shown per severity before "… and N more". */
  maxPerSeverity?: number;
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
const SEVERITY_STYLE: Record<Severity, { label: string; color: string }> = {
  critical: { label: 'CRITICAL', color: SGR.red },
  warning: { label: 'WARNING', color: SGR.yellow },
  info: { label: 'INFO', color: SGR.cyan },
};

/** The report as a DBA reads it on a terminal: facts, score, then findings grouped by severity, worst first. */
export function formatReportText(r: InspectionReport, o: TextOptions): string {
  const paint = (style: string, text: string) => (o.color ? `${style}${text}${SGR.reset}` : text);
  const lines: string[] = [];
  const server = r.server
    ? `${r.server.flavor} ${r.server.version}, ${r.server.role ?? 'unknown role'}`
    : 'unreachable';
  lines.push(paint(SGR.bold, `DB Patrol ${r.tier} inspection of ${r.instance.name}`) + ` (${server})`);
  lines.push(
    `window ${r.window.from} → ${r.window.to}; ${r.checks.length} checks in ${(r.durationMs / 1000).toFixed(1)} s`,
  );
  const scoreColor = r.score >= 90 ? SGR.green : r.score >= 70 ? SGR.yellow : SGR.red;
  const c = r.counts;
  lines.push(
    `score ${paint(SGR.bold + scoreColor, String(r.score))}/100 · ${c.pass} passed, ${c.fail} failed, ${c.error} errors, ${c.skipped} skipped · ` +
      `${c.critical} critical, ${c.warning} warning, ${c.info} info findings`,
  );
  const max = o.maxPerSeverity ?? 50;
  for (const severity of ['critical', 'warning', 'info'] as const) {
    const found = r.findings.filter((f) => f.severity === severity);
    if (found.length === 0) continue;
    const style = SEVERITY_STYLE[severity];
    lines.push('', paint(SGR.bold + style.color, `${style.label} (${found.length})`));
    for (const f of found.slice(0, max)) lines.push(formatFinding(f, paint));
    if (found.length > max) lines.push(`  … and ${found.length - max} more (use --format json for all)`);
  }
  const errors = r.checks.filter((x) => x.status === 'error');
  if (errors.length) {
    lines.push('', paint(SGR.bold, `COULD NOT RUN (${errors.length})`));
    for (const e of errors) lines.push(`  ${e.catalogRef} ${e.checkId}: ${e.reason ?? 'error'}`);
  }
  const skipped = r.checks.filter((x) => x.status === 'skipped');
  if (skipped.length) {
    lines.push('', paint(SGR.dim, `NOT INSPECTED (${skipped.length})`));
    for (const s of skipped) lines.push(paint(SGR.dim, `  ${s.catalogRef} ${s.checkId}: ${s.reason ?? 'skipped'}`));
  }
  if (r.findings.length === 0 && errors.length === 0) lines.push('', paint(SGR.green, 'No findings.'));
  return lines.join('\n') + '\n';
}

function formatFinding(f: Finding, paint: (style: string, text: string) => string): string {
  const where = f.database ? ` [db ${f.database}]` : '';
  const head = `  ${paint(SGR.dim, f.catalogRef)} ${f.object}${where}: ${f.message}`;
  return `${head}\n    ${paint(SGR.dim, `→ ${f.remediation}`)}`;
}

/** A one-line progress bar for stderr on a terminal. */
export function progressLine(done: number, total: number, label: string, width = 24): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}`;
}
