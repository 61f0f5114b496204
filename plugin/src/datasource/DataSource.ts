import {
  DataSourceApi,
  FieldType,
  createDataFrame,
  dataFrameFromJSON,
  type AnnotationQuery,
  type DataFrame,
  type DataFrameJSON,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { t } from '@grafana/i18n';
import { getBackendSrv, getTemplateSrv, isFetchError } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';

import { interpolateQuery, interpolateVariableQuery } from './interpolate';
import {
  ANNOTATIONS,
  DEFAULT_QUERY,
  VARIABLE_KINDS,
  type DBPatrolOptions,
  type DBPatrolQuery,
  type VariableKind,
  type VariableQuery,
  type VariableValue,
} from './types';
import { DBPatrolVariableSupport } from './VariableSupport';
import { RAW_VALUES } from '../i18n-values';

type QueryResult = { frames: DataFrameJSON[] } | { error: string; status?: number };
interface QueryResponse {
  results: Record<string, QueryResult>;
}

// Messages are plain strings shown by React, which escapes them; i18next's HTML escaping would show `&#x2F;`.
const RAW = { escapeValue: false };

/** The backend's annotation, as `GET grafana/annotations` answers. */
export interface BackendAnnotation {
  time: number;
  timeEnd?: number;
  title: string;
  text: string;
  tags: string[];
}

/** Grafana's datasource API over the backend's `/grafana/*` endpoints, which already answer in data frames. */
export class DataSource extends DataSourceApi<DBPatrolQuery, DBPatrolOptions> {
  private readonly url: string;
  private readonly apiUrl: string;

  constructor(instanceSettings: DataSourceInstanceSettings<DBPatrolOptions>) {
    super(instanceSettings);
    this.url = instanceSettings.url ?? '';
    this.apiUrl = instanceSettings.jsonData.apiUrl ?? '';
    this.variables = new DBPatrolVariableSupport(this);
    this.annotations = {
      // Older dashboards may carry an annotation without a target: it lists every run.
      prepareAnnotation: (json: AnnotationQuery<DBPatrolQuery>) => ({
        ...json,
        target: { refId: 'Anno', ...json.target, queryType: ANNOTATIONS },
      }),
      getDefaultQuery: () => ({ queryType: ANNOTATIONS }),
    };
  }

  override getDefaultQuery(): Partial<DBPatrolQuery> {
    return DEFAULT_QUERY;
  }

  override filterQuery(query: DBPatrolQuery): boolean {
    return !query.hide && Boolean(query.queryType);
  }

  applyTemplateVariables(query: DBPatrolQuery, scopedVars: ScopedVars): DBPatrolQuery {
    return interpolateQuery(getTemplateSrv(), query, scopedVars);
  }

  async query(request: DataQueryRequest<DBPatrolQuery>): Promise<DataQueryResponse> {
    const targets = request.targets
      .filter((q) => this.filterQuery(q))
      .map((q) => this.applyTemplateVariables(q, request.scopedVars));
    const annotations = targets.filter((q) => q.queryType === ANNOTATIONS);
    const queries = targets.filter((q) => q.queryType !== ANNOTATIONS);
    const [data, annotationFrames] = await Promise.all([
      queries.length > 0 ? this.runQueries(request, queries) : { data: [] },
      Promise.all(annotations.map((q) => this.annotationFrame(request, q))),
    ]);
    return { ...data, data: [...data.data, ...annotationFrames] };
  }

  private async runQueries(request: DataQueryRequest<DBPatrolQuery>, queries: DBPatrolQuery[]) {
    const response = await lastValueFrom(
      getBackendSrv().fetch<QueryResponse>({
        url: `${this.url}/grafana/query`,
        method: 'POST',
        data: {
          range: { from: request.range.from.toISOString(), to: request.range.to.toISOString() },
          maxDataPoints: request.maxDataPoints,
          intervalMs: request.intervalMs,
          queries,
        },
        requestId: request.requestId,
      })
    );
    const errors: DataQueryError[] = [];
    const data: DataFrame[] = [];
    // The backend's order of results is not the panel's: keep the order of the queries.
    for (const { refId } of queries) {
      const result = response.data.results[refId];
      if (!result) {
        continue;
      }
      if ('error' in result) {
        errors.push({ refId, message: result.error, status: result.status });
        continue;
      }
      data.push(...result.frames.map((frame) => ({ ...dataFrameFromJSON(frame), refId })));
    }
    return errors.length > 0 ? { data, errors, error: errors[0] } : { data };
  }

  private async annotationFrame(request: DataQueryRequest<DBPatrolQuery>, q: DBPatrolQuery): Promise<DataFrame> {
    const response = await lastValueFrom(
      getBackendSrv().fetch<BackendAnnotation[]>({
        url: `${this.url}/grafana/annotations`,
        method: 'GET',
        params: {
          from: request.range.from.valueOf(),
          to: request.range.to.valueOf(),
          ...(q.businessId ? { businessId: q.businessId } : {}),
          ...(q.hostId ? { hostId: q.hostId } : {}),
          ...(q.instanceIds ? { instanceIds: q.instanceIds } : {}),
          ...(q.tier ? { tier: q.tier } : {}),
        },
      })
    );
    const rows = response.data;
    return createDataFrame({
      refId: q.refId,
      name: 'annotations',
      fields: [
        { name: 'time', type: FieldType.time, values: rows.map((a) => a.time) },
        { name: 'timeEnd', type: FieldType.time, values: rows.map((a) => a.timeEnd ?? null) },
        { name: 'title', type: FieldType.string, values: rows.map((a) => a.title) },
        { name: 'text', type: FieldType.string, values: rows.map((a) => a.text) },
        { name: 'tags', type: FieldType.other, values: rows.map((a) => a.tags) },
      ],
    });
  }

  /** Values of a variable kind, narrowed by business and host, as `GET grafana/variables` lists them. */
  async variableValues(query: VariableQuery, scopedVars?: ScopedVars): Promise<VariableValue[]> {
    const q = interpolateVariableQuery(getTemplateSrv(), query, scopedVars);
    const response = await lastValueFrom(
      getBackendSrv().fetch<VariableValue[]>({
        url: `${this.url}/grafana/variables`,
        method: 'GET',
        params: {
          kind: q.kind,
          ...(q.businessId ? { businessId: q.businessId } : {}),
          ...(q.hostId ? { hostId: q.hostId } : {}),
        },
        showErrorAlert: false,
      })
    );
    return response.data;
  }

  /** For callers that still use the legacy API: a variable query object, or just its kind. */
  override async metricFindQuery(
    query: VariableQuery | string,
    options?: { scopedVars?: ScopedVars }
  ): Promise<MetricFindValue[]> {
    const q: VariableQuery = typeof query === 'string' ? { refId: 'metricFind', kind: parseKind(query) } : query;
    return this.variableValues(q, options?.scopedVars);
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    if (!this.apiUrl) {
      return { status: 'error', message: t('datasource.test.noUrl', 'Set the backend URL first.') };
    }
    try {
      const response = await lastValueFrom(
        getBackendSrv().fetch<{ status: 'ok' | 'error'; message: string }>({
          url: `${this.url}/grafana/health`,
          method: 'GET',
          showErrorAlert: false,
        })
      );
      return { status: response.data.status === 'ok' ? 'success' : 'error', message: response.data.message };
    } catch (err) {
      return { status: 'error', message: this.explain(err) };
    }
  }

  private explain(err: unknown): string {
    if (!isFetchError(err)) {
      return t('datasource.test.unreachable', 'Grafana could not reach the DB Patrol backend at {{url}}.', {
        ...RAW_VALUES,
        url: this.apiUrl,
        interpolation: RAW,
      });
    }
    const data = err.data as { error?: { message?: string }; message?: string } | undefined;
    switch (err.status) {
      case 401:
        return t(
          'datasource.test.badToken',
          'The backend refused the API token (401): enter a valid DB Patrol token and save again.'
        );
      case 403:
        return t('datasource.test.forbidden', 'The API token is valid but may not read the datasource API (403).');
      case 404:
        return t('datasource.test.notFound', 'No DB Patrol API answers at {{url}} (404): check the backend URL.', {
          ...RAW_VALUES,
          url: this.apiUrl,
          interpolation: RAW,
        });
      // Grafana's proxy answers 502 when the backend does not; 503 is the backend's own (store down) and says why.
      case 0:
      case 502:
      case 504:
        return t('datasource.test.unreachable', 'Grafana could not reach the DB Patrol backend at {{url}}.', {
          ...RAW_VALUES,
          url: this.apiUrl,
          interpolation: RAW,
        });
      default:
        return data?.error?.message ?? data?.message ?? err.statusText ?? String(err.status);
    }
  }
}

function parseKind(text: string): VariableKind {
  const kind = VARIABLE_KINDS.find((k) => k === text.trim());
  if (!kind) {
    throw new Error(
      t('datasource.variable.unknownKind', 'Unknown variable kind "{{kind}}"; use one of {{kinds}}.', {
        ...RAW_VALUES,
        kind: text,
        kinds: VARIABLE_KINDS.join(', '),
        interpolation: RAW,
      })
    );
  }
  return kind;
}
