import { z } from 'zod';
import { SEVERITIES, TIERS } from '../checks/check.types.js';

const counts = z.object({
  pass: z.number(),
  fail: z.number(),
  error: z.number(),
  skipped: z.number(),
  critical: z.number(),
  warning: z.number(),
  info: z.number(),
  waived: z.number().optional(),
});
/** A report in lists: no checks, findings or thresholds. */
export const reportSummaryOut = z.object({
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
/**
 * A text in both languages; reports stored before texts became bilingual hold one string in the report's language,
 * which stands for both.
 */
const texts = z.union([z.object({ en: z.string(), zh: z.string() }), z.string()]);

const finding = z.object({
  checkId: z.string(),
  catalogRef: z.string(),
  category: z.string(),
  tier: z.enum(TIERS),
  severity: z.enum(SEVERITIES),
  object: z.string(),
  message: texts,
  value: z.union([z.string(), z.number()]).optional(),
  threshold: z.union([z.string(), z.number()]).optional(),
  remediation: texts,
  database: z.string().optional(),
  evidence: z.array(z.record(z.string(), z.unknown())).optional(),
  waived: z.object({ waiverId: z.string(), owner: z.string(), reason: z.string(), expiresAt: z.string() }).optional(),
});
const checkOutcome = z.object({
  checkId: z.string(),
  catalogRef: z.string(),
  category: z.string(),
  tier: z.enum(TIERS),
  status: z.enum(['pass', 'fail', 'error', 'skipped']),
  severity: z.enum(SEVERITIES).optional(),
  reason: texts.optional(),
  durationMs: z.number(),
  findingCount: z.number(),
  databases: z.array(z.string()).optional(),
  waivedCount: z.number().optional(),
});
/** One report with its checks, findings, server facts, thresholds and content hash. */
export const reportOut = reportSummaryOut.omit({ instanceName: true, engine: true }).extend({
  instance: z.object({ id: z.string().optional(), name: z.string(), engine: z.string() }),
  server: z.record(z.string(), z.unknown()).nullable(),
  checks: z.array(checkOutcome),
  findings: z.array(finding),
  catalogVersion: z.string(),
  thresholds: z.record(z.string(), z.unknown()),
  language: z.enum(['en', 'zh']),
  /** Trend checks' fingerprints, check id → object → hash: the next report's baseline (part of the content hash). */
  fingerprints: z.record(z.string(), z.record(z.string(), z.string())).optional(),
});
