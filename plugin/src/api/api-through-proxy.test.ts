import { execFileSync } from 'child_process';

import datasourceJson from '../datasource/plugin.json';
import pluginJson from '../plugin.json';
import { installBackendSrv } from '../test/backendSrv';
import { startBackend, type RunningBackend } from '../test/backend-process';
import { httpRequest } from '../test/http';
import { decide, proxyHandler, type GrafanaRole, type PluginRoute, type PluginSettings } from '../test/proxy-emulator';
import { ApiError } from './client';
import { checksApi } from './checks';
import { grafanaApi } from './grafana';
import { inspectionsApi } from './inspections';
import { inventoryApi } from './inventory';
import { reportsApi } from './reports';
import { schedulesApi } from './schedules';

jest.setTimeout(120_000);

const APP_ROUTES = pluginJson.routes as PluginRoute[];
const PG_ROLE = `dbpatrol_plugin_${process.pid}`;
const PG_PASSWORD = 'plugin-test-pw';

function psql(sql: string) {
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', sql], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

let backend: RunningBackend;
let settings: PluginSettings;

function as(role: GrafanaRole) {
  installBackendSrv(
    proxyHandler({ pluginId: pluginJson.id, routes: APP_ROUTES, role, settings, login: `${role.toLowerCase()}-user` })
  );
}

async function expectApiError(call: Promise<unknown>): Promise<ApiError> {
  try {
    await call;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  psql(`DROP ROLE IF EXISTS ${PG_ROLE}; CREATE ROLE ${PG_ROLE} LOGIN PASSWORD '${PG_PASSWORD}' IN ROLE pg_monitor`);
  backend = await startBackend();
  settings = { jsonData: { apiUrl: backend.url }, secureJsonData: { apiToken: backend.token } };
});

afterAll(async () => {
  await backend?.stop();
  psql(`DROP ROLE IF EXISTS ${PG_ROLE}`);
});

describe('the API client through the proxy routes to the real backend', () => {
  it('keeps the inventory as an Admin and tests a connection as an Editor', async () => {
    as('Admin');
    const business = await inventoryApi.createBusiness({ name: 'Payments', description: 'card payments' });
    const host = await inventoryApi.createHost({ name: 'pg-1', businessId: business.id, address: '127.0.0.1' });
    const instance = await inventoryApi.createInstance({
      name: 'payments-pg',
      hostId: host.id,
      engine: 'postgres',
      port: 5432,
      user: PG_ROLE,
      password: PG_PASSWORD,
      database: 'postgres',
      labels: { env: 'test' },
    });
    expect(instance).toMatchObject({ engine: 'postgres', passwordSet: true, labels: { env: 'test' } });
    expect(instance).not.toHaveProperty('password');

    expect((await inventoryApi.listInstances({ engine: 'postgres', labels: ['env:test'] })).map((i) => i.id)).toEqual([
      instance.id,
    ]);
    expect(await inventoryApi.listInstances({ engine: 'mysql' })).toEqual([]);

    as('Editor');
    const result = await inventoryApi.testInstance(instance.id);
    expect(result).toMatchObject({ ok: true, engine: 'postgres', flavor: 'postgres', role: 'primary' });
    expect(result.ok && result.version).toMatch(/^1\d/);

    const denied = await expectApiError(inventoryApi.updateInstance(instance.id, { port: 5433 }));
    expect(denied).toMatchObject({
      status: 403,
      kind: 'grafana_forbidden',
      message: 'plugin proxy route access denied',
    });

    as('Viewer');
    expect((await inventoryApi.listBusinesses()).map((b) => b.name)).toContain('Payments');
    const viewerTest = await expectApiError(inventoryApi.testInstance(instance.id));
    expect(viewerTest.kind).toBe('grafana_forbidden');
  });

  it('maps the backend 400 to field paths', async () => {
    as('Admin');
    const business = await inventoryApi.createBusiness({ name: 'Field errors' });
    const host = await inventoryApi.createHost({ name: 'h-fe', businessId: business.id, address: '127.0.0.1' });
    const err = await expectApiError(
      inventoryApi.createInstance({ name: 'bad', hostId: host.id, engine: 'mysql', port: 70000, user: '' })
    );
    expect(err.status).toBe(400);
    expect(err.kind).toBe('invalid_input');
    expect(err.fieldMessage('port')).toBe('must be ≤ 65535');
    expect(err.fieldMessage('user')).toBeDefined();
    expect(err.fieldMessage('name')).toBeUndefined();
  });

  it('previews, imports and exports YAML', async () => {
    as('Admin');
    const yaml = [
      'businesses:',
      '  - name: Imported',
      '    hosts:',
      '      - name: imp-host',
      '        address: 10.0.0.9',
      '        instances:',
      '          - name: imp-db',
      '            engine: mariadb',
      '            port: 3306',
      '            user: monitor',
      '',
    ].join('\n');
    const preview = await inventoryApi.importDocument(yaml, true);
    expect(preview).toMatchObject({ dryRun: true, instances: { created: ['imp-db'], updated: [] } });
    expect((await inventoryApi.listBusinesses()).map((b) => b.name)).not.toContain('Imported');

    await inventoryApi.importDocument(yaml, false);
    const exported = await inventoryApi.exportYaml();
    expect(exported).toContain('imp-db');
    expect(exported).not.toMatch(/password/i);

    as('Editor');
    expect((await expectApiError(inventoryApi.exportYaml())).kind).toBe('grafana_forbidden');
  });

  it('reads every other resource as a Viewer and runs only as an Editor', async () => {
    as('Viewer');
    expect(await inspectionsApi.list()).toEqual([]);
    expect(await reportsApi.list({ severity: 'critical' })).toEqual([]);
    expect(await schedulesApi.list()).toEqual([]);
    const checks = await checksApi.list({ engine: 'postgres', tier: 'daily' });
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.every((c) => c.engine === 'postgres' && c.tier === 'daily')).toBe(true);
    expect(await checksApi.get(checks[0]!.id)).toMatchObject({ id: checks[0]!.id });
    expect(await grafanaApi.health()).toMatchObject({ status: 'ok' });
    expect((await expectApiError(inspectionsApi.run({ tier: 'daily', selector: {} }))).kind).toBe('grafana_forbidden');

    as('Editor');
    const occurrences = await schedulesApi.previewUnsaved(
      {
        name: 'preview-only',
        selector: {},
        tier: 'daily',
        frequency: { kind: 'cron', expression: '30 0 8 * * 3' },
        timezone: 'Asia/Shanghai',
        windowDays: 3,
      },
      3
    );
    expect(occurrences).toHaveLength(3);
    expect(occurrences[0]!.fireAt).toMatch(/T08:00:30/);
  });

  it('answers a wrong token with unauthenticated, not a crash', async () => {
    installBackendSrv(
      proxyHandler({
        pluginId: pluginJson.id,
        routes: APP_ROUTES,
        role: 'Admin',
        settings: { ...settings, secureJsonData: { apiToken: 'wrong-token-wrong-token' } },
      })
    );
    const err = await expectApiError(grafanaApi.health());
    expect(err).toMatchObject({ status: 401, kind: 'unauthenticated' });
  });
});

describe('plugin.json routes agree with the backend', () => {
  interface Operation {
    method: string;
    path: string;
    role: GrafanaRole;
  }
  let operations: Operation[];

  beforeAll(async () => {
    const res = await httpRequest(`${backend.url}/api/v1/openapi.json`, {
      headers: { Authorization: `Bearer ${backend.token}` },
    });
    const doc = JSON.parse(res.text) as { paths: Record<string, Record<string, { 'x-required-role'?: string }>> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => {
        const role = op['x-required-role'] ?? '';
        return {
          method: method.toUpperCase(),
          path: path.replace(/^\//, '').replace(/\{[^}]+\}/g, 'sample-id'),
          role: (role.charAt(0).toUpperCase() + role.slice(1)) as GrafanaRole,
        };
      })
    );
    expect(operations.length).toBeGreaterThan(30);
  });

  it('proxies every backend operation to its own URL with the role the backend requires', () => {
    const problems: string[] = [];
    for (const op of operations) {
      const decision = decide(APP_ROUTES, op.method, op.path, 'Admin', settings);
      if (decision.kind !== 'forward') {
        problems.push(`${op.method} ${op.path}: no route`);
        continue;
      }
      if (decision.url !== `${backend.url}/api/v1/${op.path}`) {
        problems.push(`${op.method} ${op.path}: forwarded to ${decision.url}`);
      }
      if (decision.route.reqRole !== op.role) {
        problems.push(`${op.method} ${op.path}: route requires ${decision.route.reqRole}, backend ${op.role}`);
      }
      if (decision.headers.Authorization !== `Bearer ${backend.token}`) {
        problems.push(`${op.method} ${op.path}: no bearer token`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has no route that serves no backend operation', () => {
    const used = new Set<PluginRoute>();
    for (const op of operations) {
      const decision = decide(APP_ROUTES, op.method, op.path, 'Admin', settings);
      if (decision.kind === 'forward') {
        used.add(decision.route);
      }
    }
    expect(APP_ROUTES.filter((r) => !used.has(r)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('gives the datasource the grafana/* endpoints as a Viewer', () => {
    const dsRoutes = datasourceJson.routes as PluginRoute[];
    const grafanaOps = operations.filter((op) => op.path.startsWith('grafana/'));
    expect(grafanaOps.map((op) => op.path).sort()).toEqual([
      'grafana/annotations',
      'grafana/health',
      'grafana/query',
      'grafana/variables',
    ]);
    for (const op of grafanaOps) {
      const decision = decide(dsRoutes, op.method, op.path, 'Viewer', settings);
      expect(decision).toMatchObject({ kind: 'forward', url: `${backend.url}/api/v1/${op.path}` });
    }
    expect(decide(dsRoutes, 'GET', 'businesses', 'Admin', settings).kind).toBe('no-route');
  });
});
