import { InputError } from '../../errors/domain-errors.js';
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { checkTimeZone, formatter, LANGS, type Lang } from './labels.js';
import {
  inspectionDocument,
  reportDocument,
  type ExportDocument,
  type InspectionExportInput,
  type ReportExportInput,
} from './report-view.js';

export type ExportFormat = 'html' | 'pdf' | 'xlsx' | 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['html', 'pdf', 'xlsx', 'csv', 'json'];

export interface ExportOptions {
  format: ExportFormat;
  lang: Lang;
  /** IANA time zone times are shown in, with their offset (default: this process's). */
  timeZone?: string;
  /** The "generated at" time (tests pin it). */
  now?: Date;
}

/** A file ready to send: `Content-Type`, a download name (ASCII), the bytes. */
export interface ExportResult {
  contentType: string;
  filename: string;
  body: Buffer;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** Checks the options a caller passes through from a request; bad ones are an InputError naming the field. */
export function checkExportOptions(o: { format?: unknown; lang?: unknown; timeZone?: unknown }): {
  format: ExportFormat;
  lang: Lang;
  timeZone: string;
} {
  const issues: { path: string; message: string }[] = [];
  if (!EXPORT_FORMATS.includes(o.format as ExportFormat))
    issues.push({ path: 'format', message: `must be one of ${EXPORT_FORMATS.join(', ')}` });
  if (!LANGS.includes(o.lang as Lang)) issues.push({ path: 'lang', message: `must be one of ${LANGS.join(', ')}` });
  let timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (o.timeZone !== undefined) {
    try {
      if (typeof o.timeZone !== 'string' || o.timeZone === '') throw new RangeError('empty');
      timeZone = checkTimeZone(o.timeZone);
    } catch {
      issues.push({ path: 'timeZone', message: 'must be an IANA time zone such as Asia/Shanghai or UTC' });
    }
  }
  if (issues.length) throw new InputError(issues);
  return { format: o.format as ExportFormat, lang: o.lang as Lang, timeZone };
}

/** A name safe in a Content-Disposition header and on any file system. */
export const fileSlug = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 60) || 'x';

const stamp = (iso: string): string => iso.replace(/[-:]/g, '').replace('T', '-').slice(0, 13);

async function render(doc: ExportDocument, json: () => unknown, o: ExportOptions, base: string) {
  const checked = checkExportOptions(o);
  const f = formatter(checked.lang, checked.timeZone);
  const now = o.now ?? new Date();
  let body: Buffer;
  switch (checked.format) {
    case 'html':
      body = await renderHtml(doc, f, now);
      break;
    case 'pdf':
      // pdfkit and exceljs cost about 30 MB each once loaded: only a process that exports pays for them.
      body = await (await import('./pdf.js')).renderPdf(doc, f);
      break;
    case 'xlsx':
      body = await (await import('./xlsx.js')).renderXlsx(doc, f, now);
      break;
    case 'csv':
      body = renderCsv(doc, f);
      break;
    case 'json':
      body = Buffer.from(JSON.stringify(json(), null, 2) + '\n', 'utf8');
      break;
  }
  return {
    contentType: CONTENT_TYPES[checked.format],
    filename: `${base}${checked.format === 'json' ? '' : `-${checked.lang}`}.${checked.format}`,
    body,
  };
}

/**
 * One instance's report as a file. JSON is the report document itself (verifiable with `verifyReportJson`); the
 * other formats show it in `lang` with times in `timeZone`.
 */
export async function exportReport(input: ReportExportInput, o: ExportOptions): Promise<ExportResult> {
  const doc = reportDocument(input);
  const base = `dbpatrol-report-${fileSlug(input.report.instance.name)}-${stamp(input.report.startedAt)}`;
  return render(doc, () => input.report, o, base);
}

/**
 * A multi-instance run as a file: a cover, the summary per business → host → instance, then each instance. JSON is
 * `{ inspection, reports: [report documents] }`.
 */
export async function exportInspection(input: InspectionExportInput, o: ExportOptions): Promise<ExportResult> {
  const doc = inspectionDocument(input);
  const base = `dbpatrol-inspection-${fileSlug(input.inspection.id)}`;
  return render(doc, () => ({ inspection: input.inspection, reports: doc.reports.map((r) => r.document) }), o, base);
}
