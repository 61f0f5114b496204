import type { Response } from 'express';
import { z } from 'zod';
import { InputError, NotFoundError } from '../errors/domain-errors.js';
import { idParams, type ApiRouter } from '../http/api-router.js';
import type { Store } from '../store/store.js';
import {
  EXPORT_FORMATS,
  exportInspection,
  exportReport,
  type ExportOptions,
  type ExportResult,
} from './export/export-report.js';
import { checkTimeZone, LANGS } from './export/labels.js';
import type { ReportExportInput } from './export/report-view.js';
import type { StoredReport } from './report.model.js';

const exportQuery = z.strictObject({
  format: z.enum(EXPORT_FORMATS as readonly ['html', 'pdf', 'xlsx', 'csv', 'json']),
  lang: z.enum(LANGS as readonly ['en', 'zh']).default('en'),
  /** IANA time zone; default the schedule's when the run came from one, else UTC. */
  tz: z.string().min(1).max(100).optional(),
});
type ExportQuery = z.output<typeof exportQuery>;

/** Content types a file export may answer with besides JSON. */
const FILE_MEDIA_TYPES = [
  'text/html',
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'text/csv',
];

type ExportStore = Pick<Store, 'reports' | 'inspections' | 'schedules' | 'inventory'>;

function send(res: Response, file: ExportResult): void {
  res.setHeader('content-type', file.contentType);
  res.setHeader('content-disposition', `attachment; filename="${file.filename}"`);
  res.setHeader('cache-control', 'no-store');
  res.status(200).send(file.body);
}

async function timeZoneFor(store: ExportStore, q: ExportQuery, scheduleId: string | undefined): Promise<string> {
  if (q.tz !== undefined) {
    try {
      return checkTimeZone(q.tz);
    } catch {
      throw InputError.field('tz', 'must be an IANA time zone such as Asia/Shanghai or UTC');
    }
  }
  if (scheduleId) {
    const schedule = await store.schedules.get(scheduleId);
    if (schedule) return schedule.timezone;
  }
  return 'UTC';
}

/** A report with the names of its business and host in the inventory (absent when since deleted). */
async function withPlace(store: ExportStore, report: StoredReport): Promise<ReportExportInput> {
  const instance = await store.inventory.getInstance(report.instanceId);
  const host = instance ? await store.inventory.getHost(instance.hostId) : null;
  const businessId = report.businessId ?? host?.businessId;
  const business = businessId ? await store.inventory.getBusiness(businessId) : null;
  return { report, ...(business ? { business: business.name } : {}), ...(host ? { host: host.name } : {}) };
}

/** `GET /reports/{id}/export` and `GET /inspections/{id}/export`: a report or a whole run as a file. */
export function registerExportRoutes(api: ApiRouter, store: ExportStore): void {
  const response = z.unknown();
  api.add({
    method: 'get',
    path: '/reports/:id/export',
    summary:
      "One report as a file (html, pdf, xlsx, csv or json) in en or zh; times in tz (default the schedule's, else UTC)",
    tag: 'reports',
    role: 'viewer',
    params: idParams,
    query: exportQuery,
    response,
    responseMediaTypes: FILE_MEDIA_TYPES,
    handler: async ({ params, query, res }) => {
      const report = await store.reports.get(params.id);
      if (!report) throw new NotFoundError(`no report with id ${params.id}`);
      const options: ExportOptions = {
        format: query.format,
        lang: query.lang,
        timeZone: await timeZoneFor(store, query, report.scheduleId),
      };
      send(res, await exportReport(await withPlace(store, report), options));
      return undefined;
    },
  });
  api.add({
    method: 'get',
    path: '/inspections/:id/export',
    summary:
      'A whole inspection as a file: cover, summary per business → host → instance, then each instance (html, pdf, xlsx, csv, json)',
    tag: 'inspections',
    role: 'viewer',
    params: idParams,
    query: exportQuery,
    response,
    responseMediaTypes: FILE_MEDIA_TYPES,
    handler: async ({ params, query, res }) => {
      const inspection = await store.inspections.get(params.id);
      if (!inspection) throw new NotFoundError(`no inspection with id ${params.id}`);
      const ids = inspection.progress.map((p) => p.reportId).filter((id): id is string => id !== undefined);
      const reports = (await Promise.all(ids.map((id) => store.reports.get(id)))).filter(
        (r): r is StoredReport => r !== null,
      );
      const options: ExportOptions = {
        format: query.format,
        lang: query.lang,
        timeZone: await timeZoneFor(store, query, inspection.scheduleId),
      };
      const inputs = await Promise.all(reports.map((r) => withPlace(store, r)));
      send(res, await exportInspection({ inspection, reports: inputs }, options));
      return undefined;
    },
  });
}
