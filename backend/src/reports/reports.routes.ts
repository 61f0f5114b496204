import { z } from 'zod';
import { TIERS, SEVERITIES } from '../checks/check.types.js';
import { NotFoundError } from '../errors/domain-errors.js';
import { idParams, type ApiRouter } from '../http/api-router.js';
import type { ReportRepository } from '../store/store.js';

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

const counts = z.object({
  pass: z.number(),
  fail: z.number(),
  error: z.number(),
  skipped: z.number(),
  critical: z.number(),
  warning: z.number(),
  info: z.number(),
});
const summary = z.object({
  id: z.string(),
  instanceId: z.string(),
  inspectionId: z.string().optional(),
  scheduleId: z.string().optional(),
  fireAt: z.string().optional(),
  instanceName: z.string(),
  businessId: z.string().optional(),
  engine: z.string(),
  tier: z.enum(TIERS),
  window: z.object({ from: z.string(), to: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  score: z.number(),
  counts,
  maxSeverity: z.enum(SEVERITIES).nullable(),
  reachable: z.boolean(),
  trigger: z.object({ kind: z.string(), actor: z.string().optional() }),
  contentHash: z.string(),
});
const finding = z.object({
  checkId: z.string(),
  catalogRef: z.string(),
  category: z.string(),
  tier: z.enum(TIERS),
  severity: z.enum(SEVERITIES),
  object: z.string(),
  message: z.string(),
  value: z.union([z.string(), z.number()]).optional(),
  threshold: z.union([z.string(), z.number()]).optional(),
  remediation: z.string(),
  database: z.string().optional(),
  evidence: z.array(z.record(z.string(), z.unknown())).optional(),
});
const checkOutcome = z.object({
  checkId: z.string(),
  catalogRef: z.string(),
  category: z.string(),
  tier: z.enum(TIERS),
  status: z.enum(['pass', 'fail', 'error', 'skipped']),
  severity: z.enum(SEVERITIES).optional(),
  reason: z.string().optional(),
  durationMs: z.number(),
  findingCount: z.number(),
  databases: z.array(z.string()).optional(),
});
const fullReport = summary.omit({ instanceName: true, engine: true }).extend({
  instance: z.object({ id: z.string().optional(), name: z.string(), engine: z.string() }),
  server: z.record(z.string(), z.unknown()).nullable(),
  checks: z.array(checkOutcome),
  findings: z.array(finding),
  catalogVersion: z.string(),
  thresholds: z.record(z.string(), z.unknown()),
  language: z.enum(['en', 'zh']),
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
    response: z.object({ items: z.array(summary) }),
    handler: async ({ query }) => ({ items: await reports.list(query) }),
  });
  api.add({
    method: 'get',
    path: '/reports/:id',
    summary: 'One report with its checks, findings, server facts, thresholds and content hash',
    tag: 'reports',
    role: 'viewer',
    params: idParams,
    response: fullReport,
    handler: async ({ params }) => {
      const report = await reports.get(params.id);
      if (!report) throw new NotFoundError(`no report with id ${params.id}`);
      return report;
    },
  });
}
