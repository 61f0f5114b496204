import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startApiHarness, type ApiHarness, type ApiResponse, type CallOptions } from '../test/api-harness.js';
import { waitFor } from '../test/silent-server.js';

// ajv-formats is CommonJS: under ESM its plugin is the `default` of module.exports.
const addFormats = addFormatsModule.default;

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };

/**
 * Every operation of the OpenAPI document, called with a valid request on a real API (PostgreSQL store, a worker, the
 * local PostgreSQL as the inspected instance): each real response must validate against the schema the document gives
 * for its status and media type. A route added without a case here fails the coverage test.
 */
describe('every API response matches the OpenAPI document', () => {
  let api: ApiHarness;
  let doc: OpenApi;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validators = new Map<object, ValidateFunction>();
  const exercised = new Set<string>();
  const failures: string[] = [];

  /** Calls one operation (`template` as in the document) and checks the response against the document. */
  async function op(method: string, template: string, route: string, o: CallOptions = {}): Promise<ApiResponse> {
    const res = await api.call(method, `/api/v1${route}`, o);
    const where = `${method} ${template} → ${res.status}`;
    const operation = doc.paths[template]?.[method.toLowerCase()];
    if (!operation) {
      failures.push(`${where}: not in the document`);
      return res;
    }
    exercised.add(`${method} ${template}`);
    if (res.status >= 400) failures.push(`${where}: ${res.text}`);
    const documented = operation.responses[String(res.status)];
    if (!documented) {
      failures.push(`${where}: status not documented`);
      return res;
    }
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!;
    if (!documented.content) {
      if (res.text !== '') failures.push(`${where}: documented without a body but sent ${res.text.slice(0, 80)}`);
      return res;
    }
    const schema = documented.content[mediaType]?.schema;
    if (!schema) {
      failures.push(`${where}: media type ${mediaType} not documented`);
      return res;
    }
    let validate = validators.get(schema);
    if (!validate) validators.set(schema, (validate = ajv.compile(schema)));
    const body: unknown = mediaType === 'application/yaml' ? parseYaml(res.text) : res.body;
    if (!validate(body)) failures.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    return res;
  }

  beforeAll(async () => {
    api = await startApiHarness({ DBPATROL_POLL_MS: '500' }, { worker: true });
    doc = (await api.call('GET', '/api/v1/openapi.json')).body as OpenApi;
  });
  afterAll(() => api?.close());

  it('validates the real responses of every operation', { timeout: 120_000 }, async () => {
    // Inventory
    const biz = (await op('POST', '/businesses', '/businesses', { body: { name: 'oa-biz', description: 'x' } })).body;
    await op('GET', '/businesses', '/businesses');
    await op('GET', '/businesses/{id}', `/businesses/${biz.id}`);
    await op('PATCH', '/businesses/{id}', `/businesses/${biz.id}`, { body: { description: 'y' } });
    const host = (
      await op('POST', '/hosts', '/hosts', {
        body: { name: 'oa-host', businessId: biz.id, address: '127.0.0.1', labels: { env: 'test' } },
      })
    ).body;
    await op('GET', '/hosts', '/hosts?label=env:test');
    await op('GET', '/hosts/{id}', `/hosts/${host.id}`);
    await op('PATCH', '/hosts/{id}', `/hosts/${host.id}`, { body: { labels: { env: 'test', rack: 'a' } } });
    const inst = (
      await op('POST', '/instances', '/instances', {
        body: {
          name: 'oa-pg',
          hostId: host.id,
          engine: 'postgres',
          port: 5432,
          user: 'postgres',
          password: 'never-shown',
          tls: { mode: 'disable' },
          labels: { env: 'test' },
        },
      })
    ).body;
    await op('GET', '/instances', `/instances?hostId=${host.id}`);
    await op('GET', '/instances/{id}', `/instances/${inst.id}`);
    await op('PATCH', '/instances/{id}', `/instances/${inst.id}`, { body: { labels: { env: 'test', role: 'db' } } });
    await op('POST', '/instances/{id}/test', `/instances/${inst.id}/test`);
    await op('GET', '/inventory/export', '/inventory/export');
    const exported = (await op('GET', '/inventory/export', '/inventory/export?format=json')).body;
    await op('POST', '/inventory/import', '/inventory/import?dryRun=true', { body: exported });

    // Tokens and audit
    const token = (await op('POST', '/tokens', '/tokens', { body: { name: 'oa-token', role: 'viewer' } })).body;
    await op('GET', '/tokens', '/tokens');
    await op('DELETE', '/tokens/{id}', `/tokens/${token.id}`);
    await op('GET', '/audit', '/audit?limit=5');

    // Checks and thresholds
    const checks = (await op('GET', '/checks', '/checks?engine=postgres&tier=weekly')).body.items as {
      id: string;
      thresholds: { defaults: Record<string, unknown> };
    }[];
    const withThresholds = checks.find((c) => Object.keys(c.thresholds.defaults).length > 0)!;
    await op('GET', '/checks/{id}', `/checks/${withThresholds.id}`);
    await op('GET', '/checks/{id}/thresholds', `/checks/${withThresholds.id}/thresholds?instanceId=${inst.id}`);
    await op('PUT', '/checks/{id}/thresholds', `/checks/${withThresholds.id}/thresholds`, {
      body: { scope: 'business', scopeId: biz.id, values: withThresholds.thresholds.defaults },
    });
    await op(
      'DELETE',
      '/checks/{id}/thresholds',
      `/checks/${withThresholds.id}/thresholds?scope=business&scopeId=${biz.id}`,
    );

    // Inspections and reports
    const run = (await op('POST', '/inspections', '/inspections', { body: { instanceIds: [inst.id], tier: 'daily' } }))
      .body;
    const done = await waitFor(
      async () => {
        const r = await api.call('GET', `/api/v1/inspections/${run.id}`);
        return ['succeeded', 'partial', 'failed'].includes(r.body.state) ? r.body : undefined;
      },
      90_000,
      'the inspection to finish',
    );
    expect(done.progress[0].reportId).toEqual(expect.any(String));
    await op('GET', '/inspections', '/inspections?limit=5');
    await op('GET', '/inspections/{id}', `/inspections/${run.id}`);
    await op('DELETE', '/inspections/{id}', `/inspections/${run.id}`);
    await op('GET', '/reports', `/reports?instanceId=${inst.id}`);
    await op('GET', '/reports/{id}', `/reports/${done.progress[0].reportId}`);
    await op('GET', '/reports/{id}/export', `/reports/${done.progress[0].reportId}/export?format=json&lang=zh`);
    await op(
      'GET',
      '/reports/{id}/export',
      `/reports/${done.progress[0].reportId}/export?format=html&tz=Asia/Shanghai`,
    );
    await op('GET', '/inspections/{id}/export', `/inspections/${run.id}/export?format=csv&lang=zh`);
    await op('GET', '/reports/{id}/diff', `/reports/${done.progress[0].reportId}/diff`);

    // Waivers
    const waiver = (
      await op('POST', '/waivers', '/waivers', {
        body: {
          checkId: checks[0]!.id,
          scope: 'instance',
          scopeId: inst.id,
          objectPattern: 'public.*',
          reason: 'accepted until the migration',
          owner: 'dba-team',
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        },
      })
    ).body;
    await op('GET', '/waivers', '/waivers?active=true');
    await op('GET', '/waivers/{id}', `/waivers/${waiver.id}`);
    await op('PATCH', '/waivers/{id}', `/waivers/${waiver.id}`, { body: { reason: 'still accepted' } });
    await op('DELETE', '/waivers/{id}', `/waivers/${waiver.id}`);

    // Parameter baselines
    await op('PUT', '/baselines/{scope}/{scopeId}', `/baselines/instance/${inst.id}`, {
      body: { parameters: { work_mem: '4MB' }, note: 'conformance' },
    });
    await op('GET', '/baselines', '/baselines?scope=instance');
    await op('GET', '/baselines/{scope}/{scopeId}', `/baselines/instance/${inst.id}`);
    await op('DELETE', '/baselines/{scope}/{scopeId}', `/baselines/instance/${inst.id}`);

    // Grafana datasource
    const range = {
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
    };
    await op('POST', '/grafana/query', '/grafana/query', {
      body: {
        range,
        maxDataPoints: 100,
        queries: [
          { refId: 'A', queryType: 'scores', instanceIds: [inst.id] },
          { refId: 'B', queryType: 'findings' },
          { refId: 'C', queryType: 'inspections' },
        ],
      },
    });
    await op('GET', '/grafana/variables', `/grafana/variables?kind=instance&hostId=${host.id}`);
    await op('GET', '/grafana/annotations', `/grafana/annotations?from=${range.from}&to=${range.to}`);
    await op('GET', '/grafana/health', '/grafana/health');

    // Schedules
    const form = {
      name: 'oa-weekly',
      instanceIds: [inst.id],
      tier: 'weekly',
      frequency: { kind: 'weekly', dayOfWeek: 3 },
      time: '08:00:00',
      timezone: 'Asia/Shanghai',
      windowDays: 3,
    };
    await op('POST', '/schedules/preview', '/schedules/preview?count=3', { body: form });
    const schedule = (await op('POST', '/schedules', '/schedules', { body: form })).body;
    await op('GET', '/schedules', '/schedules?status=all');
    await op('GET', '/schedules/{id}', `/schedules/${schedule.id}`);
    await op('PATCH', '/schedules/{id}', `/schedules/${schedule.id}`, { body: { windowDays: 7 } });
    await op('GET', '/schedules/{id}/preview', `/schedules/${schedule.id}/preview?count=2`);
    await op('POST', '/schedules/{id}/pause', `/schedules/${schedule.id}/pause`);
    await op('POST', '/schedules/{id}/resume', `/schedules/${schedule.id}/resume`);
    await op('POST', '/schedules/{id}/run-now', `/schedules/${schedule.id}/run-now`, { body: {} });
    await op('DELETE', '/schedules/{id}', `/schedules/${schedule.id}`);
    await op('POST', '/schedules', '/schedules', { body: { ...form, name: 'oa-by-name', enabled: false } });
    await op('DELETE', '/schedules/by-name/{name}', '/schedules/by-name/oa-by-name');

    // Deleting: a separate business, host and instance without reports.
    const b2 = (await op('POST', '/businesses', '/businesses', { body: { name: 'oa-gone' } })).body;
    const h2 = (
      await op('POST', '/hosts', '/hosts', { body: { name: 'oa-gone-host', businessId: b2.id, address: 'db.example' } })
    ).body;
    const i2 = (
      await op('POST', '/instances', '/instances', {
        body: { name: 'oa-gone-my', hostId: h2.id, engine: 'mariadb', port: 3306, user: 'root' },
      })
    ).body;
    await op('DELETE', '/instances/{id}', `/instances/${i2.id}`);
    await op('DELETE', '/hosts/{id}', `/hosts/${h2.id}`);
    await op('DELETE', '/businesses/{id}', `/businesses/${b2.id}`);

    expect(failures).toEqual([]);
    expect(validators.size).toBeGreaterThan(20);
  });

  it('covers every operation of the document', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.filter((o) => !exercised.has(o))).toEqual([]);
    expect(exercised.size).toBeGreaterThanOrEqual(40);
  });

  it('never sends a password, not even the one just set', () => {
    expect(api.bodies.filter((b) => b.includes('never-shown'))).toEqual([]);
  });
});
