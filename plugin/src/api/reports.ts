import { config } from '@grafana/runtime';

import { apiFetch, PROXY_BASE, seg, toApiError, type ApiError, type ItemList } from './client';
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
  /** Findings a waiver covers (absent in reports made before waivers). */
  waived?: number;
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

/** A text the backend gives in one language or in both. */
export type MaybeLocalized = string | { en: string; zh: string };

/** The waiver that covered a finding: it stays in the report but does not lower the score. */
export interface FindingWaiver {
  waiverId: string;
  owner: string;
  reason: string;
  expiresAt: string;
}

export interface Finding {
  checkId: string;
  catalogRef: string;
  category: string;
  tier: Tier;
  severity: Severity;
  object: string;
  message: MaybeLocalized;
  value?: string | number;
  threshold?: string | number;
  remediation: MaybeLocalized;
  database?: string;
  evidence?: Array<Record<string, unknown>>;
  waived?: FindingWaiver;
}

export interface CheckOutcome {
  checkId: string;
  catalogRef: string;
  category: string;
  tier: Tier;
  status: OutcomeStatus;
  severity?: Severity;
  reason?: MaybeLocalized;
  durationMs: number;
  findingCount: number;
  databases?: string[];
  waivedCount?: number;
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
  diff: (id: string) => apiFetch<ReportDiff>({ path: `reports/${seg(id)}/diff` }),
};

/** A finding as the diff lists it; persisting ones say since when and over how many runs they stayed open. */
export interface DiffFinding extends Finding {
  since?: string;
  runs?: number;
}

/** A report against the previous report of the same instance (and tier). */
export interface ReportDiff {
  previous?: ReportSummary | { id: string; startedAt?: string; score?: number } | null;
  new: DiffFinding[];
  persisting: DiffFinding[];
  resolved: DiffFinding[];
  notInspected: Array<DiffFinding | { checkId: string; catalogRef?: string; reason?: MaybeLocalized }>;
}

export type ExportFormat = 'html' | 'pdf' | 'xlsx' | 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['html', 'pdf', 'xlsx', 'csv', 'json'];
export type ReportLanguage = 'en' | 'zh';

/** The proxy URL of a report export, as the browser requests it (below Grafana's sub-path). */
export function exportUrl(id: string, format: ExportFormat, lang: ReportLanguage): string {
  const query = new URLSearchParams({ format, lang }).toString();
  return `${config.appSubUrl ?? ''}/${PROXY_BASE}/reports/${seg(id)}/export?${query}`;
}

function fileNameOf(response: Response, fallback: string): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    return decodeURIComponent(star[1]);
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1] ?? fallback;
}

async function exportError(response: Response): Promise<ApiError> {
  let data: unknown = undefined;
  try {
    data = await response.json();
  } catch {
    // Not JSON: Grafana or a proxy in between answered.
  }
  return toApiError({ status: response.status, statusText: response.statusText, data, config: {} });
}

/**
 * Downloads an export: the browser fetches it through Grafana's proxy (session cookie; the route adds the token),
 * and an object URL saves the blob under the backend's file name.
 */
async function downloadExport(id: string, format: ExportFormat, lang: ReportLanguage): Promise<string> {
  let response: Response;
  try {
    response = await fetch(exportUrl(id, format, lang), { credentials: 'same-origin' });
  } catch (err) {
    throw toApiError(err);
  }
  if (!response.ok) {
    throw await exportError(response);
  }
  const blob = await response.blob();
  const name = fileNameOf(response, `report-${id}-${lang}.${format}`);
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoking at once can abort the save in some browsers.
  window.setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return name;
}

export const reportDownloads = { exportUrl, downloadExport };
