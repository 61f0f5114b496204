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

/** One SQL text of a query: for a server of the flavor, the newest `since` at or below its version wins. */
export interface SqlVariant {
  /** Server version number: MySQL/MariaDB 80022 = 8.0.22, PostgreSQL 150000 = 15.0; 0 = any. */
  since: number;
  /** Only for these flavors (absent: every flavor of the check). */
  flavors?: string[];
  sql: string;
}

/** A check as GET /checks/{id} answers: with each named query's SQL per server version. */
export interface CheckDetail extends Check {
  /** `dynamic`: the text comes from the instance's settings (the backup evidence query). */
  queries: Record<string, { sql: SqlVariant[]; dynamic: boolean }>;
}

export type OverrideScope = 'global' | 'business' | 'instance';

export interface ThresholdOverride {
  checkId: string;
  scope: OverrideScope;
  scopeId: string;
  values: Record<string, unknown>;
  updatedAt: string;
  updatedBy: string;
}

export interface ThresholdsView {
  defaults: Record<string, unknown>;
  overrides: ThresholdOverride[];
  /** The values that apply at the scope asked for (global when none). */
  effective: Record<string, unknown>;
}

export interface ThresholdsInput {
  scope: OverrideScope;
  scopeId: string;
  values: Record<string, unknown>;
}

export const checksApi = {
  list: async (filter: { engine?: Engine; tier?: Tier; category?: string } = {}) =>
    (await apiFetch<ItemList<Check>>({ path: 'checks', params: { ...filter } })).items,
  get: (id: string) => apiFetch<CheckDetail>({ path: `checks/${seg(id)}` }),
  /** Defaults, every override, and the effective values at the scope asked for. */
  thresholds: (id: string, scope: ThresholdScope = {}) =>
    apiFetch<ThresholdsView>({ path: `checks/${seg(id)}/thresholds`, params: { ...scope } }),
  /** Replaces the override at one scope (admins). */
  setThresholds: (id: string, input: ThresholdsInput) =>
    apiFetch<ThresholdOverride>({ method: 'PUT', path: `checks/${seg(id)}/thresholds`, data: input }),
  /** Removes the override at one scope, so the broader one applies again (admins). */
  removeThresholds: (id: string, scope: OverrideScope, scopeId: string) =>
    apiFetch<void>({ method: 'DELETE', path: `checks/${seg(id)}/thresholds`, params: { scope, scopeId } }),
};
