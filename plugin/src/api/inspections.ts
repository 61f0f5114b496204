import { config } from '@grafana/runtime';

import { apiFetch, PROXY_BASE, seg, type ItemList } from './client';

export type Tier = 'daily' | 'weekly' | 'monthly' | 'annual';
export const TIERS: readonly Tier[] = ['daily', 'weekly', 'monthly', 'annual'];

export type InspectionState = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled' | 'missed';
export type InstanceRunState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** Which instances a run covers when it starts. */
export interface InstanceSelector {
  businessId?: string;
  hostId?: string;
  labels?: Record<string, string>;
}

export interface TimeWindow {
  from: string;
  to: string;
}

export interface InstanceProgress {
  instanceId: string;
  instanceName: string;
  state: InstanceRunState;
  checksDone: number;
  checksTotal: number;
  reportId?: string;
  score?: number;
  error?: string;
}

export interface Inspection {
  id: string;
  requestId?: string;
  scheduleId?: string;
  fireAt?: string;
  trigger: { kind: 'manual'; actor: string } | { kind: 'schedule'; scheduleId: string; scheduleName: string };
  tier: Tier;
  window: TimeWindow;
  instanceIds?: string[];
  selector?: InstanceSelector;
  state: InspectionState;
  progress: InstanceProgress[];
  cancelRequested: boolean;
  attempt: number;
  worker?: string;
  error?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface RunInspectionInput {
  instanceIds?: string[];
  selector?: InstanceSelector;
  tier: Tier;
  /** Either an absolute window or a number of days before now. */
  window?: TimeWindow;
  windowDays?: number;
  /** Idempotency key: the same id never runs twice. */
  requestId?: string;
}

export interface InspectionFilter {
  state?: InspectionState;
  scheduleId?: string;
  before?: string;
  limit?: number;
}

export const inspectionsApi = {
  run: (body: RunInspectionInput) => apiFetch<Inspection>({ method: 'POST', path: 'inspections', data: body }),
  list: async (filter: InspectionFilter = {}) =>
    (await apiFetch<ItemList<Inspection>>({ path: 'inspections', params: { ...filter } })).items,
  get: (id: string) => apiFetch<Inspection>({ path: `inspections/${seg(id)}` }),
  cancel: (id: string) => apiFetch<Inspection>({ method: 'DELETE', path: `inspections/${seg(id)}` }),
};

/**
 * The proxy URL of a whole inspection's export (cover, summary per business → host → instance, each instance), as the
 * browser requests it; `tz` defaults on the backend to the schedule's time zone, else UTC.
 */
export function inspectionExportUrl(
  id: string,
  format: 'html' | 'pdf' | 'xlsx' | 'csv' | 'json',
  lang: 'en' | 'zh',
  tz?: string
): string {
  const query = new URLSearchParams({ format, lang, ...(tz ? { tz } : {}) }).toString();
  return `${config.appSubUrl ?? ''}/${PROXY_BASE}/inspections/${seg(id)}/export?${query}`;
}
