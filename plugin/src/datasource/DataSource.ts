import {
  DataSourceApi,
  dataFrameFromJSON,
  type DataFrameJSON,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getBackendSrv, getTemplateSrv, isFetchError } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';

import { DEFAULT_QUERY, type DBPatrolOptions, type DBPatrolQuery } from './types';

interface QueryResults {
  results: Record<string, { frames?: DataFrameJSON[]; error?: string }>;
}

/** Grafana's datasource API over the backend's `/grafana/*` endpoints, which already answer in data frames. */
export class DataSource extends DataSourceApi<DBPatrolQuery, DBPatrolOptions> {
  private readonly url: string;

  constructor(instanceSettings: DataSourceInstanceSettings<DBPatrolOptions>) {
    super(instanceSettings);
    this.url = instanceSettings.url ?? '';
  }

  override getDefaultQuery(): Partial<DBPatrolQuery> {
    return DEFAULT_QUERY;
  }

  override filterQuery(query: DBPatrolQuery): boolean {
    return !query.hide && Boolean(query.queryType);
  }

  async query(request: DataQueryRequest<DBPatrolQuery>): Promise<DataQueryResponse> {
    const templates = getTemplateSrv();
    const queries = request.targets
      .filter((q) => this.filterQuery(q))
      .map((q) => ({
        ...q,
        businessId: q.businessId ? templates.replace(q.businessId, request.scopedVars) : undefined,
        hostId: q.hostId ? templates.replace(q.hostId, request.scopedVars) : undefined,
      }));
    if (queries.length === 0) {
      return { data: [] };
    }
    const response = await lastValueFrom(
      getBackendSrv().fetch<QueryResults>({
        url: `${this.url}/grafana/query`,
        method: 'POST',
        data: {
          range: { from: request.range.from.toISOString(), to: request.range.to.toISOString() },
          maxDataPoints: request.maxDataPoints,
          queries,
        },
      })
    );
    const errors: Array<{ refId: string; message: string }> = [];
    const data = Object.entries(response.data.results).flatMap(([refId, result]) => {
      if (result.error) {
        errors.push({ refId, message: result.error });
      }
      return (result.frames ?? []).map((frame) => ({ ...dataFrameFromJSON(frame), refId }));
    });
    return { data, ...(errors.length > 0 ? { errors } : {}) };
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    try {
      const response = await lastValueFrom(
        getBackendSrv().fetch<{ status: 'ok' | 'error'; message: string }>({ url: `${this.url}/grafana/health` })
      );
      return { status: response.data.status === 'ok' ? 'success' : 'error', message: response.data.message };
    } catch (err) {
      const message = isFetchError(err)
        ? ((err.data as { error?: { message?: string }; message?: string })?.error?.message ??
          (err.data as { message?: string })?.message ??
          err.statusText)
        : String(err);
      return { status: 'error', message: message || 'error' };
    }
  }
}
