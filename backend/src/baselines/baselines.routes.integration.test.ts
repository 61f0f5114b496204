import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_STORES, startApiHarness, type ApiHarness } from '../test/api-harness.js';
import type { StoredReport } from '../reports/report.model.js';

/** A stored monthly report whose drift check recorded these parameter values. */
const report = (id: string, instanceId: string, engine: 'mysql' | 'postgres', values?: Record<string, string>) =>
  ({
    id,
    instanceId,
    instance: { id: instanceId, name: instanceId, engine },
    server: null,
    reachable: true,
    tier: 'monthly',
    window: { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' },
    startedAt: '2026-12-01T00:00:00.000Z',
    finishedAt: '2026-12-01T00:00:01.000Z',
    durationMs: 1000,
    score: 100,
    counts: { pass: 1, fail: 0, error: 0, skipped: 0, critical: 0, warning: 0, info: 0 },
    checks: [],
    findings: [],
    catalogVersion: 'test',
    thresholds: {},
    language: 'en',
    fingerprints: values ? { [engine === 'mysql' ? 'mysql.parameter-drift' : 'postgres.settings-drift']: values } : {},
    contentHash: 'x',
    trigger: { kind: 'manual' },
    maxSeverity: null,
  }) as unknown as StoredReport;

describe.each(API_STORES)('parameter baselines over HTTP on $name', ({ mongoUrl }) => {
  let api: ApiHarness;
  let viewer: string;
  let bizId: string;
  let otherBizId: string;
  let mysqlId: string;
  let pgId: string;
  let strangerId: string;

  beforeAll(async () => {
    api = await startApiHarness({}, mongoUrl ? { mongoUrl } : {});
    viewer = (await api.call('POST', '/api/v1/tokens', { body: { name: 'b-viewer', role: 'viewer' } })).body.token;
    bizId = (await api.call('POST', '/api/v1/businesses', { body: { name: 'payments' } })).body.id;
    otherBizId = (await api.call('POST', '/api/v1/businesses', { body: { name: 'crm' } })).body.id;
    const host = async (name: string, businessId: string) =>
      (await api.call('POST', '/api/v1/hosts', { body: { name, businessId, address: '10.0.0.1' } })).body.id;
    const h1 = await host('h1', bizId);
    const h2 = await host('h2', otherBizId);
    const inst = async (name: string, hostId: string, engine: string, port: number) =>
      (await api.call('POST', '/api/v1/instances', { body: { name, hostId, engine, port, user: 'u' } })).body.id;
    mysqlId = await inst('db-a', h1, 'mariadb', 3306);
    pgId = await inst('pg-a', h1, 'postgres', 5432);
    strangerId = await inst('db-x', h2, 'mysql', 3306);
    const reports = api.ctx.store.reports;
    await reports.insert(
      report('r-my', mysqlId, 'mysql', {
        '#at': '2026-12-01T00:00:00.000Z',
        max_connections: '151',
        innodb_flush_log_at_trx_commit: '1',
        wsrep_sst_auth: 'sha256:0123456789abcdef',
      }),
    );
    await reports.insert(report('r-pg', pgId, 'postgres', { '#at': 'x', shared_buffers: '128MB', work_mem: '4MB' }));
    await reports.insert(report('r-daily', mysqlId, 'mysql'));
    await reports.insert(report('r-x', strangerId, 'mysql', { '#at': 'x', max_connections: '10' }));
  }, 60_000);
  afterAll(async () => api?.close());

  it.each([
    ['scopeId', 'instance', 'no-such-instance', { parameters: { a: '1' } }],
    ['scopeId', 'business', 'no-such-business', { engine: 'mysql', parameters: { a: '1' } }],
    ['engine', 'business', 'BIZ', { parameters: { a: '1' } }],
    ['engine', 'instance', 'MY', { engine: 'postgres', parameters: { a: '1' } }],
    ['engine', 'business', 'BIZ', { engine: 'oracle', parameters: { a: '1' } }],
    ['parameters', 'instance', 'MY', {}],
    ['parameters.max connections', 'instance', 'MY', { parameters: { 'max connections': '1' } }],
    ['parameters.a', 'instance', 'MY', { parameters: { a: 1 } }],
    ['fromReportId', 'instance', 'MY', { fromReportId: 'nope' }],
    ['fromReportId', 'instance', 'MY', { fromReportId: 'r-pg' }],
    ['fromReportId', 'instance', 'MY', { fromReportId: 'r-daily' }],
    ['fromReportId', 'business', 'BIZ', { fromReportId: 'r-x' }],
    ['only', 'instance', 'MY', { fromReportId: 'r-my', only: ['no_such_variable'] }],
    ['only', 'instance', 'MY', { parameters: { a: '1' }, only: ['a'] }],
    ['nope', 'instance', 'MY', { parameters: { a: '1' }, nope: 1 }],
    ['params.scope', 'planet', 'MY', { parameters: { a: '1' } }],
  ])('400 naming %s for PUT /baselines/%s/%s %j', async (field, scope, id, body) => {
    const scopeId = id === 'MY' ? mysqlId : id === 'BIZ' ? bizId : id;
    const res = await api.call('PUT', `/api/v1/baselines/${scope}/${scopeId}`, { body });
    expect(res.status).toBe(400);
    const paths = (res.body.error.details as { path: string }[]).map((d) => d.path);
    expect(paths).toContain(field);
  });

  it('sets a baseline from a report, pins more by hand, reads it as viewer; admin writes audited', async () => {
    const put = await api.call('PUT', `/api/v1/baselines/instance/${mysqlId}`, {
      body: { fromReportId: 'r-my', parameters: { innodb_buffer_pool_size: '1G' }, note: 'after the Q4 tuning' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      scope: 'instance',
      scopeId: mysqlId,
      engine: 'mysql',
      fromReportId: 'r-my',
      note: 'after the Q4 tuning',
      updatedBy: 'admin',
    });
    // The hashed credential and the time the values were read are not parameters a baseline can expect.
    expect(put.body.parameters).toEqual({
      max_connections: '151',
      innodb_flush_log_at_trx_commit: '1',
      innodb_buffer_pool_size: '1G',
    });
    const read = await api.call('GET', `/api/v1/baselines/instance/${mysqlId}`, { token: viewer });
    expect(read.status).toBe(200);
    expect(read.body.parameters).toEqual(put.body.parameters);
    expect(
      (await api.call('PUT', `/api/v1/baselines/instance/${mysqlId}`, { token: viewer, body: { parameters: {} } }))
        .status,
    ).toBe(403);
    expect((await api.call('DELETE', `/api/v1/baselines/instance/${mysqlId}`, { token: viewer })).status).toBe(403);

    const again = await api.call('PUT', `/api/v1/baselines/instance/${mysqlId}`, {
      body: { fromReportId: 'r-my', only: ['max_connections'] },
    });
    expect(again.body.parameters).toEqual({ max_connections: '151' });
    expect(again.body.note).toBeUndefined();

    const audit = (await api.call('GET', '/api/v1/audit?targetType=baseline&limit=10')).body.items as {
      action: string;
      details: Record<string, unknown>;
    }[];
    expect(audit.map((a) => a.action)).toEqual(['baselines.update', 'baselines.create']);
    expect(audit[0]!.details).toMatchObject({
      fromReportId: 'r-my',
      parameters: 1,
      removed: ['innodb_buffer_pool_size', 'innodb_flush_log_at_trx_commit'],
    });
  });

  it('keeps one baseline per engine for a business; the instance in force wins over its business', async () => {
    const pg = await api.call('PUT', `/api/v1/baselines/business/${bizId}`, { body: { fromReportId: 'r-pg' } });
    expect(pg.status).toBe(200);
    expect(pg.body).toMatchObject({ engine: 'postgres', parameters: { shared_buffers: '128MB', work_mem: '4MB' } });
    const my = await api.call('PUT', `/api/v1/baselines/business/${bizId}`, {
      body: { engine: 'mysql', parameters: { max_connections: '500' } },
    });
    expect(my.status).toBe(200);
    expect((await api.call('GET', `/api/v1/baselines/business/${bizId}`)).status).toBe(400);
    expect((await api.call('GET', `/api/v1/baselines/business/${bizId}?engine=postgres`)).body.parameters).toEqual({
      shared_buffers: '128MB',
      work_mem: '4MB',
    });
    const listed = await api.call('GET', `/api/v1/baselines?scope=business&scopeId=${bizId}`, { token: viewer });
    expect(listed.body.items.map((b: { engine: string }) => b.engine)).toEqual(['mysql', 'postgres']);

    const baselines = api.ctx.store.baselines;
    expect((await baselines.inForce(pgId, bizId, 'postgres'))?.scope).toBe('business');
    expect((await baselines.inForce(mysqlId, bizId, 'mysql'))?.scope).toBe('instance');
    expect(await baselines.inForce(strangerId, otherBizId, 'mysql')).toBeNull();

    expect((await api.call('DELETE', `/api/v1/baselines/business/${bizId}?engine=mysql`)).status).toBe(204);
    expect((await api.call('DELETE', `/api/v1/baselines/business/${bizId}?engine=mysql`)).status).toBe(404);
    expect((await api.call('GET', `/api/v1/baselines/instance/${strangerId}`)).status).toBe(404);
  });

  it('documents the routes with their schemas in the OpenAPI document', async () => {
    const doc = (await api.call('GET', '/api/v1/openapi.json')).body;
    const path = doc.paths['/baselines/{scope}/{scopeId}'];
    expect(Object.keys(path).sort()).toEqual(['delete', 'get', 'put']);
    expect(JSON.stringify(path.put)).toContain('fromReportId');
    expect(doc.paths['/baselines'].get).toBeDefined();
  });
});
