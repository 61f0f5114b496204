import { z } from 'zod';
import { TIERS, SEVERITIES } from '../checks/check.types.js';
import { NotFoundError } from '../errors/domain-errors.js';
import { idParams, type ApiRouter } from '../http/api-router.js';
import type { ReportRepository } from '../store/store.js';
import { reportOut, reportSummaryOut } from './report.schema.js';

const isoDate = z.iso.datetime({ offset: true });

const reportQuery = z.strictObject({
  instanceId: z.string().optional(),
  inspectionId: z.string().optional(),
  scheduleId: z.string().optional(),
  businessId: z.string().optional(),
  tier: z.enum(TIERS).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  severity: z.enum(SEVERITIES).optional(),
  before: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export function registerReportRoutes(api: ApiRouter, reports: ReportRepository): void {
  api.add({
    method: 'get',
    path: '/reports',
    summary:
      'List report summaries, newest first; severity = at least one finding that bad; page with before = startedAt',
    tag: 'reports',
    role: 'viewer',
    query: reportQuery,
    response: z.object({ items: z.array(reportSummaryOut) }),
    handler: async ({ query }) => ({ items: await reports.list(query) }),
  });
  api.add({
    method: 'get',
    path: '/reports/:id',
    summary: 'One report with its checks, findings, server facts, thresholds and content hash',
    tag: 'reports',
    role: 'viewer',
    params: idParams,
    response: reportOut,
    handler: async ({ params }) => {
      const report = await reports.get(params.id);
      if (!report) throw new NotFoundError(`no report with id ${params.id}`);
      return report;
    },
  });
}
