import { PassThrough } from 'node:stream';
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

const WRAP = { vertical: 'top', wrapText: true } as const;

/**
 * Adds a sheet with `table` below `above` (label, value) rows: a filter on the header, frozen above the data, widths
 * that fit. Rows are committed as they are written so the zip streams out while the sheet is built.
 */
async function addSheet(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  table: FlatTable,
  above: { title?: string; facts: [string, string][] } = { facts: [] },
): Promise<void> {
  const headerRow = above.title ? above.facts.length + 3 : 1;
  const sheet = wb.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: headerRow, topLeftCell: `A${headerRow + 1}` }],
  });
  sheet.columns = table.headers.map((h, i) => ({
    width: columnWidth(
      h,
      table.rows.map((r) => r[i] ?? ''),
    ),
    style: { alignment: WRAP },
  }));
  sheet.autoFilter = {
    from: { row: headerRow, column: 1 },
    to: { row: headerRow + Math.max(table.rows.length, 1), column: table.headers.length },
  };
  if (above.title) {
    const title = sheet.addRow([above.title]);
    title.font = { bold: true, size: 14 };
    title.commit();
    for (const [k, v] of above.facts) {
      const row = sheet.addRow([k, v]);
      row.getCell(1).font = { color: { argb: 'FF6B7280' } };
      row.getCell(2).alignment = { vertical: 'top', wrapText: false };
      row.commit();
    }
    sheet.addRow([]).commit();
  }
  const header = sheet.addRow(table.headers);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEF0F3' } };
  header.commit();
  for (const [i, cells] of table.rows.entries()) {
    sheet.addRow(cells).commit();
    if (i % 250 === 249) await yieldToLoop();
  }
  sheet.commit();
  await yieldToLoop();
}

/** The workbook (sheet names fixed for scripts; contents in the language): Summary, Findings and Checks. */
export async function renderXlsx(doc: ExportDocument, f: Formatter, now = new Date()): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = f.l.product;
  wb.created = now;
  const title = `${f.l.product} · ${doc.kind === 'inspection' ? f.l.inspectionTitle : f.l.reportTitle}`;
  const h = f.l.field;
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
  await addSheet(wb, 'Summary', summaryTable(doc, f), { title, facts });
  await addSheet(wb, 'Findings', findingsTable(doc, f));
  await addSheet(wb, 'Checks', checksTable(doc, f));
  await wb.commit();
  await ended;
  return Buffer.concat(chunks);
}
