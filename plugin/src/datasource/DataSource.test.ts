import { FieldType, dateTime, type DataQueryRequest, type FieldType as FieldTypeT } from '@grafana/data';
import type { BackendSrvRequest } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';

import { installBackendSrv, type HandlerResponse } from '../test/backendSrv';
import { DataSource } from './DataSource';
import { API_URL, instanceSettings, PROXY } from './test/datasource';
import { installTemplateSrv } from './test/templateSrv';
import type { DBPatrolQuery, VariableQuery } from './types';
import type { DBPatrolVariableSupport } from './VariableSupport';

const settings = instanceSettings;

const FROM = '2026-11-01T00:00:00.000Z';
const TO = '2026-12-01T00:00:00.000Z';

function request(targets: DBPatrolQuery[]): DataQueryRequest<DBPatrolQuery> {
  const range = { from: dateTime(FROM), to: dateTime(TO), raw: { from: 'now-30d', to: 'now' } };
  return {
    requestId: 'Q1',
    interval: '1h',
    intervalMs: 3_600_000,
    maxDataPoints: 720,
    range,
    scopedVars: {},
    targets,
    timezone: 'utc',
    app: 'dashboard',
    startTime: 0,
  };
}

// What the backend answers (see backend/src/grafana/data-frame.ts): a scores frame per instance, a table, an error.
const scoresFrame = (instance: string, values: Array<number | null>) => ({
  schema: {
    refId: 'A',
    name: instance,
    meta: { type: 'timeseries-multi', typeVersion: [0, 1] },
    fields: [
      { name: 'time', type: 'time' },
      {
        name: 'score',
        type: 'number',
        labels: { business: 'Payments', host: 'pay-db-01', instance, engine: 'mysql' },
        config: { displayNameFromDS: instance, min: 0, max: 100, unit: 'none' },
      },
    ],
  },
  data: { values: [[Date.parse('2026-11-02T00:00:00Z'), Date.parse('2026-11-03T00:00:00Z')], values] },
});
const findingsFrame = {
  schema: {
    refId: 'B',
    name: 'findings',
    meta: { preferredVisualisationType: 'table' },
    fields: [
      { name: 'time', type: 'time' },
      { name: 'instance', type: 'string' },
      { name: 'check', type: 'string' },
      { name: 'severity', type: 'string' },
      { name: 'object', type: 'string' },
      { name: 'value', type: 'string' },
    ],
  },
  data: {
    values: [
      [Date.parse('2026-11-30T08:00:00Z')],
      ['pay-mysql-primary'],
      ['mysql.auto-increment-capacity'],
      ['critical'],
      ['shop.orders'],
      ['93.1'],
    ],
  },
};

const variables: Record<string, Array<{ text: string; value: string }>> = {
  business: [
    { text: 'CRM', value: 'b-crm' },
    { text: 'Payments', value: 'b-pay' },
  ],
  host: [{ text: 'pay-db-01', value: 'h-pay-1' }],
  tier: ['daily', 'weekly', 'monthly', 'annual'].map((t) => ({ text: t, value: t })),
};

function backend(answer: (r: BackendSrvRequest) => HandlerResponse | undefined) {
  return installBackendSrv((r) => answer(r) ?? { status: 500, data: { error: { message: `unexpected ${r.url}` } } });
}

beforeEach(() =>
  installTemplateSrv({
    business: { current: 'b-pay' },
    host: { current: '$__all', allValue: '*' },
    instance: { current: ['i-pay-1', 'i-pay-2'] },
    severity: { current: '$__all', allValue: '*' },
    tier: { current: 'daily' },
  })
);

describe('DataSource.query', () => {
  it('posts the range, maxDataPoints and interpolated queries to grafana/query and returns its frames', async () => {
    const requests = backend((r) =>
      r.url === `${PROXY}/grafana/query`
        ? {
            status: 200,
            data: {
              results: {
                B: { frames: [findingsFrame] },
                A: {
                  frames: [scoresFrame('pay-mysql-primary', [88, 91]), scoresFrame('pay-mysql-replica', [70, null])],
                },
              },
            },
          }
        : undefined
    );
    const ds = new DataSource(settings());
    const response = await ds.query(
      request([
        { refId: 'A', queryType: 'scores', businessId: '$business', hostId: '$host', instanceIds: ['$instance'] },
        { refId: 'B', queryType: 'findings', severity: ['$severity'], tier: '$tier', checkIds: [] },
        { refId: 'C', queryType: 'outcomes', hide: true },
      ])
    );

    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', url: `${PROXY}/grafana/query` });
    expect(requests[0]!.data).toEqual({
      range: { from: FROM, to: TO },
      maxDataPoints: 720,
      intervalMs: 3_600_000,
      queries: [
        { refId: 'A', queryType: 'scores', businessId: 'b-pay', instanceIds: ['i-pay-1', 'i-pay-2'] },
        { refId: 'B', queryType: 'findings', tier: 'daily' },
      ],
    });
    expect(response.errors).toBeUndefined();
    // Panel order, not the backend's: A's two series, then B's table.
    expect(response.data.map((f) => [f.refId, f.name])).toEqual([
      ['A', 'pay-mysql-primary'],
      ['A', 'pay-mysql-replica'],
      ['B', 'findings'],
    ]);
    const [primary, replica, findings] = response.data;
    expect(primary.fields.map((f: { name: string; type: FieldTypeT }) => [f.name, f.type])).toEqual([
      ['time', FieldType.time],
      ['score', FieldType.number],
    ]);
    expect(primary.fields[1].labels).toEqual({
      business: 'Payments',
      host: 'pay-db-01',
      instance: 'pay-mysql-primary',
      engine: 'mysql',
    });
    expect(primary.fields[1].config.max).toBe(100);
    expect(replica.fields[1].values).toEqual([70, null]);
    expect(findings.length).toBe(1);
    expect(findings.fields.find((f: { name: string }) => f.name === 'object').values).toEqual(['shop.orders']);
  });

  it('turns a per-refId error into a query error and keeps the other results', async () => {
    backend(() => ({
      status: 200,
      data: {
        results: {
          A: { frames: [scoresFrame('pay-mysql-primary', [88, 91])] },
          B: { error: 'counter: is required for queryType counters', status: 400 },
        },
      },
    }));
    const ds = new DataSource(settings());
    const response = await ds.query(
      request([
        { refId: 'A', queryType: 'scores' },
        { refId: 'B', queryType: 'counters' },
      ])
    );
    expect(response.data.map((f) => f.refId)).toEqual(['A']);
    expect(response.errors).toEqual([
      { refId: 'B', message: 'counter: is required for queryType counters', status: 400 },
    ]);
  });

  it('asks nothing when every query is hidden or has no type', async () => {
    const requests = backend(() => undefined);
    const ds = new DataSource(settings());
    const response = await ds.query(request([{ refId: 'A', queryType: 'scores', hide: true }, { refId: 'B' }]));
    expect(requests).toHaveLength(0);
    expect(response.data).toEqual([]);
  });

  it('answers annotation queries from grafana/annotations as frames with time, timeEnd, title, text and tags', async () => {
    const requests = backend((r) =>
      r.url === `${PROXY}/grafana/annotations`
        ? {
            status: 200,
            data: [
              {
                time: Date.parse('2026-11-30T08:00:01Z'),
                timeEnd: Date.parse('2026-11-30T08:00:09Z'),
                title: 'daily inspection succeeded',
                text: 'schedule nightly; 2 of 2 instances inspected',
                tags: ['succeeded', 'daily', 'schedule', 'nightly'],
              },
              {
                time: Date.parse('2026-11-29T08:00:00Z'),
                title: 'Missed daily inspection',
                text: 'schedule nightly: the occurrence due at 2026-11-29T08:00:00.000Z did not run',
                tags: ['missed', 'daily', 'schedule', 'nightly'],
              },
            ],
          }
        : undefined
    );
    const ds = new DataSource(settings());
    const anno = ds.annotations!.prepareAnnotation!({
      name: 'Runs',
      enable: true,
      iconColor: 'blue',
      target: { refId: 'Anno', businessId: '$business', instanceIds: ['$instance'] },
    } as never);
    const response = await ds.query(request([anno.target as DBPatrolQuery]));

    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe('GET');
    expect(requests[0]!.params).toEqual({
      from: Date.parse(FROM),
      to: Date.parse(TO),
      businessId: 'b-pay',
      instanceIds: ['i-pay-1', 'i-pay-2'],
    });
    const frame = response.data[0];
    expect(frame.refId).toBe('Anno');
    const column = (name: string) => frame.fields.find((f: { name: string }) => f.name === name).values;
    expect(column('title')).toEqual(['daily inspection succeeded', 'Missed daily inspection']);
    expect(column('timeEnd')).toEqual([Date.parse('2026-11-30T08:00:09Z'), null]);
    expect(column('tags')[1]).toEqual(['missed', 'daily', 'schedule', 'nightly']);
    expect(frame.fields.find((f: { name: string }) => f.name === 'time').type).toBe(FieldType.time);
  });
});

describe('variables', () => {
  const answerVariables = (r: BackendSrvRequest): HandlerResponse | undefined =>
    r.url === `${PROXY}/grafana/variables`
      ? { status: 200, data: variables[(r.params as { kind: string }).kind] ?? [] }
      : undefined;

  it('lists a kind through the custom variable support, with the business variable interpolated', async () => {
    const requests = backend(answerVariables);
    const ds = new DataSource(settings());
    const support = ds.variables as DBPatrolVariableSupport;
    const query: VariableQuery = { refId: 'host', kind: 'host', businessId: '$business' };
    const response = await lastValueFrom(
      support.query({ ...request([]), targets: [query] } as unknown as DataQueryRequest<VariableQuery>)
    );
    expect(requests[0]!.params).toEqual({ kind: 'host', businessId: 'b-pay' });
    const frame = response.data[0];
    expect(frame.fields.map((f: { name: string; values: string[] }) => [f.name, f.values])).toEqual([
      ['text', ['pay-db-01']],
      ['value', ['h-pay-1']],
    ]);
  });

  it('drops a host filter set to All and lists every instance', async () => {
    const requests = backend(answerVariables);
    const ds = new DataSource(settings());
    await ds.variableValues({ refId: 'i', kind: 'instance', businessId: '$business', hostId: '$host' });
    expect(requests[0]!.params).toEqual({ kind: 'instance', businessId: 'b-pay' });
  });

  it('answers the legacy metricFindQuery with a kind name, and refuses an unknown kind', async () => {
    backend(answerVariables);
    const ds = new DataSource(settings());
    await expect(ds.metricFindQuery('tier')).resolves.toEqual(variables.tier);
    await expect(ds.metricFindQuery('database')).rejects.toThrow('Unknown variable kind "database"');
  });
});

describe('testDatasource', () => {
  it.each<[string, HandlerResponse | 'network', { status: string; message: string | RegExp }]>([
    [
      'a healthy backend',
      { status: 200, data: { status: 'ok', message: 'DB Patrol 0.1.0 on postgres store: 12 instances, 340 reports' } },
      { status: 'success', message: 'DB Patrol 0.1.0 on postgres store: 12 instances, 340 reports' },
    ],
    [
      'a backend whose store does not answer',
      { status: 200, data: { status: 'error', message: 'DB Patrol 0.1.0: the mongo store does not answer' } },
      { status: 'error', message: 'DB Patrol 0.1.0: the mongo store does not answer' },
    ],
    [
      'a wrong token',
      { status: 401, data: { error: { code: 'unauthorized', message: 'invalid token' } } },
      { status: 'error', message: /refused the API token \(401\)/ },
    ],
    [
      'a URL where nothing listens (Grafana proxy 502)',
      { status: 502, data: { message: 'Bad Gateway' } },
      { status: 'error', message: `Grafana could not reach the DB Patrol backend at ${API_URL}.` },
    ],
    [
      'a network failure',
      'network',
      { status: 'error', message: `Grafana could not reach the DB Patrol backend at ${API_URL}.` },
    ],
    [
      'a URL that is not DB Patrol',
      { status: 404, data: '<html>not found</html>' },
      { status: 'error', message: `No DB Patrol API answers at ${API_URL} (404): check the backend URL.` },
    ],
    [
      'the backend’s own 503',
      { status: 503, data: { error: { code: 'store_unavailable', message: 'the store is unavailable' } } },
      { status: 'error', message: 'the store is unavailable' },
    ],
  ])('%s', async (_name, answer, expected) => {
    const requests = installBackendSrv(() => {
      if (answer === 'network') {
        throw new TypeError('Failed to fetch');
      }
      return answer;
    });
    const result = await new DataSource(settings()).testDatasource();
    expect(requests[0]!.url).toBe(`${PROXY}/grafana/health`);
    expect(result.status).toBe(expected.status);
    expect(result.message).toMatch(expected.message);
  });

  it('asks for the URL before calling anything', async () => {
    const requests = installBackendSrv(() => ({ status: 200, data: {} }));
    const result = await new DataSource(settings({})).testDatasource();
    expect(result).toEqual({ status: 'error', message: 'Set the backend URL first.' });
    expect(requests).toHaveLength(0);
  });
});
