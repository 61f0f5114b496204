import { apiFetch, seg, type ItemList } from './client';
import type { Tier, TimeWindow } from './inspections';

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];
export type OutcomeStatus = 'pass' | 'fail' | 'error' | 'skipped';

export interface ReportCounts {
  pass: number;
  fail: number;
  error: number;
  skipped: number;
  critical: number;
  warning: number;
  info: number;
}

interface ReportCommon {
  id: string;
  instanceId: string;
  inspectionId?: string;
  scheduleId?: string;
  fireAt?: string;
  businessId?: string;
  tier: Tier;
  window: TimeWindow;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  score: number;
  counts: ReportCounts;
  maxSeverity: Severity | null;
  reachable: boolean;
  trigger: { kind: string; actor?: string };
  contentHash: string;
}

/** A report in lists: no checks, findings or thresholds. */
export interface ReportSummary extends ReportCommon {
  instanceName: string;
  engine: string;
}

export interface Finding {
  checkId: string;
  catalogRef: string;
  category: string;
  tier: Tier;
  severity: Severity;
  object: string;
  message: string;
  value?: string | number;
  threshold?: string | number;
  remediation: string;
  database?: string;
  evidence?: Array<Record<string, unknown>>;
}

export interface CheckOutcome {
  checkId: string;
  catalogRef: string;
  category: string;
  tier: Tier;
  status: OutcomeStatus;
  severity?: Severity;
  reason?: string;
  durationMs: number;
  findingCount: number;
  databases?: string[];
}

export interface Report extends ReportCommon {
  instance: { id?: string; name: string; engine: string };
  server: Record<string, unknown> | null;
  checks: CheckOutcome[];
  findings: Finding[];
  catalogVersion: string;
  thresholds: Record<string, unknown>;
  language: 'en' | 'zh';
  fingerprints?: Record<string, Record<string, string>>;
}

export interface ReportFilter {
  instanceId?: string;
  inspectionId?: string;
  scheduleId?: string;
  businessId?: string;
  tier?: Tier;
  from?: string;
  to?: string;
  /** At least one finding this bad. */
  severity?: Severity;
  before?: string;
  limit?: number;
}

export const reportsApi = {
  list: async (filter: ReportFilter = {}) =>
    (await apiFetch<ItemList<ReportSummary>>({ path: 'reports', params: { ...filter } })).items,
  get: (id: string) => apiFetch<Report>({ path: `reports/${seg(id)}` }),
};
