import type { Formatter } from './labels.js';
import type { ExportDocument } from './report-view.js';
import { findingsTable, type Cell } from './tables.js';

const BOM = '\uFEFF';

/**
 * One field per RFC 4180: quoted when it holds a comma, quote, CR or LF, with quotes doubled. Text a spreadsheet would
 * run as a formula (a leading =, +, -, @, tab or CR that is not a plain number) gets a leading apostrophe.
 */
export function csvField(value: Cell): string {
  let text = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^[+-]?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: readonly Cell[]): string => cells.map(csvField).join(',');

/** The findings as CSV: UTF-8 with a byte order mark (so Excel reads Chinese), CRLF line ends, one header row. */
export function renderCsv(doc: ExportDocument, f: Formatter): Buffer {
  const table = findingsTable(doc, f);
  const lines = [csvLine(table.headers), ...table.rows.map(csvLine)];
  return Buffer.from(BOM + lines.join('\r\n') + '\r\n', 'utf8');
}
