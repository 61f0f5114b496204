import ExcelJS from 'exceljs';
import type { Formatter } from './labels.js';
import type { ExportDocument } from './report-view.js';
import { checksTable, findingsTable, summaryTable, type Cell, type FlatTable } from './tables.js';
import { yieldToLoop } from './yield.js';

const MIN_WIDTH = 6;
const MAX_WIDTH = 60;
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

/** Columns a cell of `text` needs: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += WIDE.test(ch) ? 2 : 1;
  return w;
}

/** The width a column needs for its header and its longest line, within sane bounds. */
export function columnWidth(header: string, values: readonly Cell[]): number {
  let widest = displayWidth(header);
  for (const v of values) {
    for (const line of String(v).split('\n')) widest = Math.max(widest, displayWidth(line));
    if (widest >= MAX_WIDTH) break;
  }
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, widest + 2));
}

/** Writes a table starting at `headerRow` with a filter on the header, frozen above the data, widths that fit. */
async function writeTable(sheet: ExcelJS.Worksheet, table: FlatTable, headerRow: number): Promise<void> {
  const header = sheet.getRow(headerRow);
  header.values = table.headers;
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEF0F3' } };
  header.alignment = { vertical: 'top', wrapText: true };
  table.rows.forEach((row, i) => {
    const r = sheet.getRow(headerRow + 1 + i);
    r.values = row;
    r.alignment = { vertical: 'top', wrapText: true };
  });
  table.headers.forEach((h, i) => {
    sheet.getColumn(i + 1).width = columnWidth(
      h,
      table.rows.map((r) => r[i] ?? ''),
    );
  });
  sheet.autoFilter = {
    from: { row: headerRow, column: 1 },
    to: { row: headerRow + Math.max(table.rows.length, 1), column: table.headers.length },
  };
  sheet.views = [{ state: 'frozen', xSplit: 0, ySplit: headerRow, topLeftCell: `A${headerRow + 1}` }];
  await yieldToLoop();
}

/** The workbook (sheet names fixed for scripts; contents in the language): Summary (the run's facts above a table per instance), Findings and Checks. */
export async function renderXlsx(doc: ExportDocument, f: Formatter, now = new Date()): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = f.l.product;
  wb.created = now;
  wb.title = doc.kind === 'inspection' ? f.l.inspectionTitle : f.l.reportTitle;
  wb.subject = doc.id;
  wb.keywords = doc.reports.map((r) => r.contentHash).join(' ');
  const h = f.l.field;

  const summary = wb.addWorksheet('Summary');
  const facts: [string, string][] = [];
  const i = doc.inspection;
  if (i) {
    facts.push(
      [h.inspectionId, i.id],
      [
        h.triggeredBy,
        i.trigger.kind === 'schedule' ? `${h.schedule} ${i.trigger.scheduleName}` : `${h.manual} ${i.trigger.actor}`,
      ],
      [h.tier, f.l.tier[i.tier]],
      [h.window, f.window(i.window)],
      [h.state, f.l.inspectionState[i.state] ?? i.state],
      [h.createdAt, f.dateTime(i.createdAt)],
    );
  } else {
    const r = doc.reports[0];
    if (r) facts.push([h.reportId, doc.id], [h.tier, f.l.tier[r.tier]], [h.window, f.window(r.window)]);
  }
  facts.push([h.timeZone, f.timeZone], [h.generatedAt, f.dateTime(now.toISOString())]);
  summary.getCell(1, 1).value = `${f.l.product} · ${wb.title}`;
  summary.getCell(1, 1).font = { bold: true, size: 14 };
  facts.forEach(([k, v], n) => {
    summary.getCell(2 + n, 1).value = k;
    summary.getCell(2 + n, 1).font = { color: { argb: 'FF6B7280' } };
    summary.getCell(2 + n, 2).value = v;
  });
  await writeTable(summary, summaryTable(doc, f), facts.length + 3);

  await writeTable(wb.addWorksheet('Findings'), findingsTable(doc, f), 1);
  await writeTable(wb.addWorksheet('Checks'), checksTable(doc, f), 1);
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
