import type { DataQuery, DataSourceJsonData } from '@grafana/schema';

export type QueryType = 'scores' | 'findingCounts' | 'findings' | 'outcomes' | 'inspections' | 'counters';
export const QUERY_TYPES: readonly QueryType[] = [
  'scores',
  'findingCounts',
  'findings',
  'outcomes',
  'inspections',
  'counters',
];

export interface DBPatrolQuery extends DataQuery {
  queryType?: QueryType;
  businessId?: string;
  hostId?: string;
  instanceIds?: string[];
  checkIds?: string[];
  severity?: string;
  tier?: string;
}

export const DEFAULT_QUERY: Partial<DBPatrolQuery> = { queryType: 'scores' };

export interface DBPatrolOptions extends DataSourceJsonData {
  apiUrl?: string;
}

export interface DBPatrolSecureOptions {
  apiToken?: string;
}
