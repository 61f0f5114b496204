import type { DataQuery, DataSourceJsonData } from '@grafana/schema';

/** The backend's query types (`POST grafana/query`). */
export type QueryType = 'scores' | 'findingCounts' | 'findings' | 'outcomes' | 'inspections' | 'counters';
export const QUERY_TYPES: readonly QueryType[] = [
  'scores',
  'findingCounts',
  'findings',
  'outcomes',
  'inspections',
  'counters',
];

/** Runs and missed occurrences as annotations: answered by `GET grafana/annotations`, not by the query endpoint. */
export const ANNOTATIONS = 'annotations';
export type EditorQueryType = QueryType | typeof ANNOTATIONS;

export const TIERS = ['daily', 'weekly', 'monthly', 'annual'] as const;
export const SEVERITIES = ['critical', 'warning', 'info'] as const;

/** The value a dashboard variable's "All" stands for (its `allValue`): no filter at all. */
export const ALL = '*';

export interface DBPatrolQuery extends DataQuery {
  queryType?: EditorQueryType;
  businessId?: string;
  hostId?: string;
  instanceIds?: string[];
  checkIds?: string[];
  severity?: string[];
  tier?: string;
  /** `counters`: a snapshot counter name; `*` stands for one segment (`db.*.deadlocks`). */
  counter?: string;
  /** `inspections`: at most this many runs. */
  limit?: number;
}

export const DEFAULT_QUERY: Partial<DBPatrolQuery> = { queryType: 'scores' };

export const VARIABLE_KINDS = ['business', 'host', 'instance', 'check', 'tier', 'severity'] as const;
export type VariableKind = (typeof VARIABLE_KINDS)[number];

/** A query variable's definition: which values to list, narrowed by business and host. */
export interface VariableQuery extends DataQuery {
  kind: VariableKind;
  businessId?: string;
  hostId?: string;
}

export interface VariableValue {
  text: string;
  value: string;
}

export interface DBPatrolOptions extends DataSourceJsonData {
  apiUrl?: string;
}

export interface DBPatrolSecureOptions {
  apiToken?: string;
}
