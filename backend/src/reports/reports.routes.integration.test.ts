import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../test/api-harness.js';
import { MARIADB_ROOT } from '../test/mysql-fixtures.js';

/** Real inspections of the local servers through the service, read back over REST. */
describe('reports over REST', () => {
  let api: ApiHarness;
  let pgId: string;
  let myId: string;
  let bizId: string;

  beforeAll(async () => {
    api = await startApiHarness();
    bizId = (await api.call('POST', '/api/v1/businesses', { body: { name: 'reports-biz' } })).body.id;
    const host = (
      await api.call('POST', '/api/v1/hosts', {
        body: { name: 'reports-host', businessId: bizId, address: '127.0.0.1' },
      })
    ).body.id;
    pgId = (
      await api.call('POST', '/api/v1/instances', {
        body: { name: 'r-pg', hostId: host, engine: 'postgres', port: 5432, user: 'postgres' },
      })
    ).body.id;
    myId = (
      await api.call('POST', '/api/v1/instances', {
        body: {
          name: 'r-maria',
          hostId: host,
          engine: 'mariadb',
          port: MARIADB_ROOT.port,
          user: 'root',
          password: MARIADB_ROOT.password,
        },
      })
    ).body.id;
  });
  afterAll(() => api?.close());

  const window = (days: number) => ({ from: new Date(Date.now() - days * 86_400_000), to: new Date() });

  it('stores one report per inspected instance and lists summaries with filters', async () => {
    const daily = await api.ctx.inspector.inspectInstance(pgId, {
      tier: 'daily',
      window: window(1),
      trigger: { kind: 'manual', actor: 'admin' },
    });
    const weekly = await api.ctx.inspector.inspectInstance(myId, {
      tier: 'weekly',
      window: window(7),
      trigger: { kind: 'manual', actor: 'admin' },
    });
    expect(daily).toMatchObject({
      instanceId: pgId,
      businessId: bizId,
      tier: 'daily',
      reachable: true,
      server: { flavor: 'postgres' },
    });
    expect(weekly.server?.flavor).toBe('mariadb');
    expect(daily.checks.length).toBeGreaterThan(0);
    expect(daily.checks.every((c: { tier: string }) => c.tier === 'daily')).toBe(true);

    const all = await api.call('GET', `/api/v1/reports?businessId=${bizId}`);
    expect(all.body.items.map((r: { id: string }) => r.id)).toEqual([weekly.id, daily.id]);
    expect(all.body.items[0]).not.toHaveProperty('findings');
    expect((await api.call('GET', `/api/v1/reports?instanceId=${pgId}&tier=daily`)).body.items).toHaveLength(1);
    expect((await api.call('GET', `/api/v1/reports?instanceId=${pgId}&tier=weekly`)).body.items).toHaveLength(0);
    const full = await api.call('GET', `/api/v1/reports/${daily.id}`);
    expect(full.body).toMatchObject({
      id: daily.id,
      contentHash: daily.contentHash,
      catalogVersion: expect.any(String),
    });
    expect(full.body.checks.length).toBe(daily.checks.length);
    expect((await api.call('GET', '/api/v1/reports/nope')).status).toBe(404);
    const bad = await api.call('GET', '/api/v1/reports?severity=fatal&from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'query.from',
      'query.severity',
    ]);
  });

  it('records an unreachable instance as a report with a critical availability finding', async () => {
    const host = (
      await api.call('POST', '/api/v1/hosts', { body: { name: 'gone-host', businessId: bizId, address: '127.0.0.1' } })
    ).body.id;
    const gone = (
      await api.call('POST', '/api/v1/instances', {
        body: { name: 'gone', hostId: host, engine: 'postgres', port: 1, user: 'x' },
      })
    ).body.id;
    const report = await api.ctx.inspector.inspectInstance(gone, {
      tier: 'daily',
      window: window(1),
      trigger: { kind: 'manual' },
    });
    expect(report.reachable).toBe(false);
    expect(report.maxSeverity).toBe('critical');
    const listed = await api.call('GET', `/api/v1/reports?instanceId=${gone}&severity=critical`);
    expect(listed.body.items[0]).toMatchObject({ id: report.id, reachable: false, maxSeverity: 'critical' });
  });
});

describe('check catalog and thresholds over REST', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApiHarness();
  });
  afterAll(() => api?.close());

  it('lists the catalog with texts in both languages, filtered cumulatively by tier', async () => {
    const daily = (await api.call('GET', '/api/v1/checks?engine=postgres&tier=daily')).body.items;
    expect(daily.length).toBeGreaterThan(0);
    expect(daily.every((c: { engine: string; tier: string }) => c.engine === 'postgres' && c.tier === 'daily')).toBe(
      true,
    );
    const weekly = (await api.call('GET', '/api/v1/checks?engine=postgres&tier=weekly')).body.items;
    expect(weekly.length).toBeGreaterThan(daily.length);
    const one = (await api.call('GET', '/api/v1/checks/postgres.availability')).body;
    expect(one).toMatchObject({ catalogRef: 'PG-D01', title: { en: expect.any(String), zh: expect.any(String) } });
    expect((await api.call('GET', '/api/v1/checks/postgres.nope')).status).toBe(404);
  });

  it('validates threshold overrides against the check and resolves them by scope', async () => {
    const withThresholds = (await api.call('GET', '/api/v1/checks')).body.items.find(
      (c: { thresholds: { defaults: Record<string, unknown> } }) =>
        Object.values(c.thresholds.defaults).some((v) => typeof v === 'number'),
    );
    if (!withThresholds) throw new Error('the catalog has no check with numeric thresholds');
    const [key, value] = Object.entries(withThresholds.thresholds.defaults).find(([, v]) => typeof v === 'number') as [
      string,
      number,
    ];
    const route = `/api/v1/checks/${withThresholds.id}/thresholds`;
    const unknownKey = await api.call('PUT', route, { body: { scope: 'global', values: { noSuchKnob: 1 } } });
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.body.error.details[0].path).toBe('values.noSuchKnob');
    const wrongType = await api.call('PUT', route, { body: { scope: 'global', values: { [key]: 'lots' } } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.details[0].path).toBe(`values.${key}`);
    expect(
      (await api.call('PUT', route, { body: { scope: 'instance', values: { [key]: value + 1 } } })).body.error
        .details[0].path,
    ).toBe('scopeId');

    expect((await api.call('PUT', route, { body: { scope: 'global', values: { [key]: value + 1 } } })).status).toBe(
      200,
    );
    expect(
      (await api.call('PUT', route, { body: { scope: 'instance', scopeId: 'i-1', values: { [key]: value + 2 } } }))
        .status,
    ).toBe(200);
    expect((await api.call('GET', route)).body.effective[key]).toBe(value + 1);
    expect((await api.call('GET', `${route}?instanceId=i-1`)).body.effective[key]).toBe(value + 2);
    expect((await api.call('DELETE', `${route}?scope=instance&scopeId=i-1`)).status).toBe(204);
    expect((await api.call('DELETE', `${route}?scope=instance&scopeId=i-1`)).status).toBe(404);
    expect((await api.call('GET', `${route}?instanceId=i-1`)).body.effective[key]).toBe(value + 1);
    const audit = (await api.call('GET', '/api/v1/audit?action=thresholds.set')).body.items;
    expect(audit.length).toBe(2);
  });
});
