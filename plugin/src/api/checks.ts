import { apiFetch, seg, type ItemList } from './client';
import type { Engine } from './inventory';
import type { Tier } from './inspections';

export interface LocalizedText {
  en: string;
  zh: string;
}

export interface Check {
  id: string;
  catalogRef: string;
  engine: 'mysql' | 'postgres';
  flavors: string[];
  category: string;
  tier: Tier;
  window: 'state' | 'events' | 'delta' | 'trend';
  scope: 'instance' | 'database';
  title: LocalizedText;
  description: LocalizedText;
  remediation: LocalizedText;
  thresholds: { defaults: Record<string, unknown>; schema: unknown };
}

export type ThresholdScope = { businessId?: string; instanceId?: string };

export const checksApi = {
  list: async (filter: { engine?: Engine; tier?: Tier; category?: string } = {}) =>
    (await apiFetch<ItemList<Check>>({ path: 'checks', params: { ...filter } })).items,
  get: (id: string) => apiFetch<Check>({ path: `checks/${seg(id)}` }),
  /** Defaults and overrides; the response shape is still settling in the backend, so it stays untyped here. */
  thresholds: (id: string, scope: ThresholdScope = {}) =>
    apiFetch<Record<string, unknown>>({ path: `checks/${seg(id)}/thresholds`, params: { ...scope } }),
};
