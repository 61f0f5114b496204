import type { Formatter } from './labels.js';
import type { CheckGroupView, ExportDocument, ReportView } from './report-view.js';
import { changeText, summaryTable, valueVsThreshold, waiverText } from './tables.js';
import { yieldToLoop } from './yield.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

// No web fonts and no URLs anywhere: the file must open offline and make no request (the CSP below enforces it).
const CSS = `
:root{--crit:#c4162a;--warn:#e0a000;--info:#1f78c1;--ok:#37872d;--muted:#6b7280;--line:#d9dce1}
*{box-sizing:border-box}
body{margin:0;padding:24px;font:14px/1.45 "Noto Sans SC","Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;color:#1f2328;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid #1f2328;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 4px}
.muted{color:var(--muted)}.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f3f4f6;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
.badge{display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;font-weight:700;color:#fff;white-space:nowrap}
.sev-critical{background:var(--crit)}.sev-warning{background:var(--warn);color:#1f2328}.sev-info{background:var(--info)}
.st-waived{background:#8e8e8e}.st-new{background:#8f3bb8}.st-error{background:var(--crit)}.st-skipped{background:#8e8e8e}
.score{font-size:28px;font-weight:700}.score.good{color:var(--ok)}.score.fair{color:var(--warn)}.score.poor{color:var(--crit)}
.check{border-left:4px solid var(--line);padding-left:10px;margin:14px 0}
.check.critical{border-left-color:var(--crit)}.check.warning{border-left-color:var(--warn)}.check.info{border-left-color:var(--info)}
.remediation{background:#f6f8fa;border-radius:4px;padding:6px 10px;margin:4px 0 6px;white-space:pre-wrap}
tr.waived td{color:var(--muted)}
footer{margin-top:28px;font-size:12px}
@page{size:A4;margin:14mm}
@media print{
  body{padding:0;font-size:11px}
  section.instance{break-before:page}
  thead{display:table-header-group}
  tr,.remediation,h3{break-inside:avoid}
  h2,h3{break-after:avoid}
}`;

const scoreClass = (score: number) => (score >= 90 ? 'good' : score >= 70 ? 'fair' : 'poor');

function facts(rows: [string, string][]): string {
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function cover(doc: ExportDocument, f: Formatter): string {
  const i = doc.inspection;
  if (!i) return '';
  const h = f.l.field;
  const trigger =
    i.trigger.kind === 'schedule'
      ? `${esc(h.schedule)} ${esc(i.trigger.scheduleName)}`
      : `${esc(h.manual)} ${esc(i.trigger.actor)}`;
  return facts([
    [h.inspectionId, `<span class="mono">${esc(i.id)}</span>`],
    [h.triggeredBy, trigger],
    [h.tier, esc(f.l.tier[i.tier])],
    [h.window, esc(f.window(i.window))],
    [h.state, esc(f.l.inspectionState[i.state] ?? i.state)],
    [h.createdAt, esc(f.dateTime(i.createdAt))],
    ...(i.startedAt ? [[h.startedAt, esc(f.dateTime(i.startedAt))] as [string, string]] : []),
    ...(i.finishedAt ? [[h.finishedAt, esc(f.dateTime(i.finishedAt))] as [string, string]] : []),
    [h.timeZone, esc(f.timeZone)],
  ]);
}

const NUMERIC = new Set([4, 5, 6, 7, 8, 9, 11, 12, 13]);

function summary(doc: ExportDocument, f: Formatter): string {
  const t = summaryTable(doc, f);
  // The spreadsheet columns after "waived" (start, ids, hashes) are in each instance's section instead.
  const keep = 14;
  const head = t.headers
    .slice(0, keep)
    .map((x, i) => `<th${NUMERIC.has(i) ? ' class="num"' : ''}>${esc(x)}</th>`)
    .join('');
  const body = t.rows
    .map(
      (row) =>
        `<tr>${row
          .slice(0, keep)
          .map((c, i) => `<td${NUMERIC.has(i) ? ' class="num"' : ''}>${esc(typeof c === 'number' ? f.num(c) : c)}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  return `<h2>${esc(f.l.heading.summary)}</h2><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function group(g: CheckGroupView, f: Formatter): string {
  const h = f.l.field;
  const rows = g.findings
    .map((x) => {
      const status = x.waived
        ? `<span class="badge st-waived">${esc(f.l.findingState.waived)}</span> ${esc(waiverText(x, f))}`
        : x.change === 'new'
          ? `<span class="badge st-new">${esc(f.l.findingState.new)}</span>`
          : esc(changeText(x, f));
      return (
        `<tr${x.waived ? ' class="waived"' : ''}><td><span class="badge sev-${x.severity}">${esc(f.l.severity[x.severity])}</span></td>` +
        `<td class="mono">${esc(x.object)}${x.database ? `<br><span class="muted">${esc(h.database)}: ${esc(x.database)}</span>` : ''}</td>` +
        `<td>${esc(x.message[f.lang])}</td><td class="num">${esc(valueVsThreshold(x, f))}</td><td>${status}</td></tr>`
      );
    })
    .join('');
  return (
    `<div class="check ${g.severity}"><h3><span class="muted">${esc(g.catalogRef)}</span> ${esc(g.title[f.lang])} ` +
    `<span class="badge sev-${g.severity}">${esc(f.l.severity[g.severity])}</span> <span class="muted">${esc(f.l.objects(g.findings.length, f.num))}</span></h3>` +
    `<div class="remediation"><strong>${esc(h.remediation)}:</strong> ${esc(g.remediation[f.lang])}</div>` +
    `<table><thead><tr><th>${esc(h.severity)}</th><th>${esc(h.object)}</th><th>${esc(h.message)}</th>` +
    `<th class="num">${esc(h.valueVsThreshold)}</th><th>${esc(h.status)}</th></tr></thead><tbody>${rows}</tbody></table></div>`
  );
}

function instance(r: ReportView, f: Formatter, headingLevel: 'h1' | 'h2'): string {
  const h = f.l.field;
  const place = [r.business, r.host].filter((x): x is string => x !== undefined).map(esc);
  const server = r.server
    ? esc(`${r.server.flavor} ${r.server.version}${r.server.role ? `, ${r.server.role}` : ''}`)
    : `<strong>${esc(f.l.unreachable)}</strong>`;
  const parts = [
    `<section class="instance"><${headingLevel}>${place.length ? `<span class="muted">${place.join(' / ')} /</span> ` : ''}${esc(r.instance.name)}</${headingLevel}>`,
    `<div><span class="score ${scoreClass(r.score)}">${esc(f.num(r.score))}</span><span class="muted"> / 100</span></div>`,
    `<p>${esc(f.l.summaryLine(r.counts, f.num))}</p>`,
    facts([
      ...(r.id ? [[h.reportId, `<span class="mono">${esc(r.id)}</span>`] as [string, string]] : []),
      [h.engine, esc(r.instance.engine)],
      [h.server, server],
      [h.tier, esc(f.l.tier[r.tier])],
      [h.window, esc(f.window(r.window))],
      [h.startedAt, esc(f.dateTime(r.startedAt))],
      [h.duration, esc(f.seconds(r.durationMs))],
      ...(r.diff
        ? [
            [h.newSinceLast, esc(f.num(r.diff.new))] as [string, string],
            [h.resolved, esc(f.num(r.diff.resolved))] as [string, string],
          ]
        : []),
      [h.contentHash, `<span class="mono">${esc(r.contentHash)}</span>`],
      [h.catalogVersion, `<span class="mono">${esc(r.catalogVersion)}</span>`],
    ]),
    `<h2>${esc(f.l.heading.findings)}</h2>`,
    r.groups.length ? r.groups.map((g) => group(g, f)).join('') : `<p>${esc(f.l.heading.noFindings)}</p>`,
  ];
  if (r.notRun.length) {
    parts.push(
      `<h2>${esc(f.l.heading.notInspected)}</h2><table><thead><tr><th>${esc(h.check)}</th><th>${esc(h.title)}</th>` +
        `<th>${esc(h.status)}</th><th>${esc(h.reason)}</th></tr></thead><tbody>` +
        r.notRun
          .map(
            (c) =>
              `<tr><td class="mono">${esc(c.catalogRef)}</td><td>${esc(c.title[f.lang])}</td>` +
              `<td><span class="badge st-${c.status}">${esc(f.l.status[c.status])}</span></td><td>${esc(c.reason[f.lang])}</td></tr>`,
          )
          .join('') +
        '</tbody></table>',
    );
  }
  parts.push('</section>');
  return parts.join('');
}

/** One self-contained HTML file: inline CSS, no scripts, no external resources; prints one instance per page. */
export async function renderHtml(doc: ExportDocument, f: Formatter, now = new Date()): Promise<Buffer> {
  const title = `${f.l.product} · ${doc.kind === 'inspection' ? f.l.inspectionTitle : f.l.reportTitle}`;
  const htmlLang = f.lang === 'zh' ? 'zh-Hans' : 'en';
  const head =
    `<!doctype html><html lang="${htmlLang}"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="generator" content="${esc(f.l.product)}">` +
    `<title>${esc(title)} · ${esc(doc.kind === 'inspection' ? doc.id : (doc.reports[0]?.instance.name ?? doc.id))}</title>` +
    `<style>${CSS}</style></head><body>`;
  const parts: string[] = [head];
  if (doc.kind === 'inspection') {
    parts.push(`<header><h1>${esc(title)}</h1>${cover(doc, f)}</header>`, summary(doc, f));
    for (const [i, r] of doc.reports.entries()) {
      parts.push(instance(r, f, 'h1'));
      if (i % 10 === 9) await yieldToLoop();
    }
  } else {
    parts.push(`<header><p class="muted">${esc(title)}</p></header>`);
    for (const r of doc.reports) parts.push(instance(r, f, 'h1'));
  }
  parts.push(
    `<footer class="muted">${esc(f.l.field.generatedAt)} ${esc(f.dateTime(now.toISOString()))} · ${esc(f.l.field.timeZone)} ${esc(f.timeZone)}</footer></body></html>`,
  );
  return Buffer.from(parts.join(''), 'utf8');
}
