import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../test/api-harness.js';
import type { Role } from '../http/roles.js';

/**
 * The least role each operation of the OpenAPI document needs, declared here by hand (not read from the route specs):
 * reads are Viewer; running, scheduling and connection tests are Editor; inventory, thresholds, baselines, tokens,
 * waivers and the audit log are Admin. An operation the document has and this table lacks fails the test.
 */
const LEAST_ROLE: Record<string, Role> = {
  // Inventory: reads for everyone, writes for admins, a connection test for editors.
  'GET /businesses': 'viewer',
  'POST /businesses': 'admin',
  'GET /businesses/{id}': 'viewer',
  'PATCH /businesses/{id}': 'admin',
  'DELETE /businesses/{id}': 'admin',
  'GET /hosts': 'viewer',
  'POST /hosts': 'admin',
  'GET /hosts/{id}': 'viewer',
  'PATCH /hosts/{id}': 'admin',
  'DELETE /hosts/{id}': 'admin',
  'GET /instances': 'viewer',
  'POST /instances': 'admin',
  'GET /instances/{id}': 'viewer',
  'PATCH /instances/{id}': 'admin',
  'DELETE /instances/{id}': 'admin',
  'POST /instances/{id}/test': 'editor',
  'GET /inventory/export': 'admin',
  'POST /inventory/import': 'admin',
  // Tokens and audit
  'GET /tokens': 'admin',
  'POST /tokens': 'admin',
  'DELETE /tokens/{id}': 'admin',
  'GET /audit': 'admin',
  // Checks and thresholds
  'GET /checks': 'viewer',
  'GET /checks/{id}': 'viewer',
  'GET /checks/{id}/thresholds': 'viewer',
  'PUT /checks/{id}/thresholds': 'admin',
  'DELETE /checks/{id}/thresholds': 'admin',
  // Inspections and reports
  'POST /inspections': 'editor',
  'GET /inspections': 'viewer',
  'GET /inspections/{id}': 'viewer',
  'DELETE /inspections/{id}': 'editor',
  'GET /inspections/{id}/export': 'viewer',
  'GET /reports': 'viewer',
  'GET /reports/{id}': 'viewer',
  'GET /reports/{id}/export': 'viewer',
  'GET /reports/{id}/diff': 'viewer',
  // Waivers
  'GET /waivers': 'viewer',
  'GET /waivers/{id}': 'viewer',
  'POST /waivers': 'admin',
  'PATCH /waivers/{id}': 'admin',
  'DELETE /waivers/{id}': 'admin',
  // Parameter baselines
  'GET /baselines': 'viewer',
  'GET /baselines/{scope}/{scopeId}': 'viewer',
  'PUT /baselines/{scope}/{scopeId}': 'admin',
  'DELETE /baselines/{scope}/{scopeId}': 'admin',
  // Grafana datasource
  'POST /grafana/query': 'viewer',
  'GET /grafana/variables': 'viewer',
  'GET /grafana/annotations': 'viewer',
  'GET /grafana/health': 'viewer',
  // Schedules
  'GET /schedules': 'viewer',
  'POST /schedules': 'editor',
  'POST /schedules/preview': 'editor',
  'GET /schedules/{id}': 'viewer',
  'PATCH /schedules/{id}': 'editor',
  'DELETE /schedules/{id}': 'editor',
  'DELETE /schedules/by-name/{name}': 'editor',
  'POST /schedules/{id}/pause': 'editor',
  'POST /schedules/{id}/resume': 'editor',
  'POST /schedules/{id}/run-now': 'editor',
  'GET /schedules/{id}/preview': 'viewer',
};

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };
type Caller = Role | 'no token' | 'revoked token';
const CALLERS: Caller[] = ['viewer', 'editor', 'admin', 'no token', 'revoked token'];

/** Path parameters filled with values that name nothing: an allowed caller gets a 4xx about the input, never 401/403. */
const ABSENT_ID = '00000000-0000-4000-8000-000000000000';
function fill(template: string): string {
  return template
    .replace('{scope}', 'instance')
    .replace('{scopeId}', ABSENT_ID)
    .replace('{name}', 'no-such-schedule')
    .replace(/\{[^}]+\}/g, ABSENT_ID);
}

/** What the matrix expects: 401 without a valid token, 403 below the least role, anything but 401/403/5xx otherwise. */
function expected(caller: Caller, least: Role): 'unauthenticated' | 'forbidden' | 'allowed' {
  if (caller === 'no token' || caller === 'revoked token') return 'unauthenticated';
  return RANK[caller] >= RANK[least] ? 'allowed' : 'forbidden';
}

describe('authorization matrix: every route × role', () => {
  let api: ApiHarness;
  let operations: string[] = [];
  const tokens: Partial<Record<Caller, string | null>> = { 'no token': null };

  beforeAll(async () => {
    api = await startApiHarness();
    const doc = (await api.call('GET', '/api/v1/openapi.json')).body as { paths: Record<string, object> };
    operations = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    for (const role of ['viewer', 'editor', 'admin'] as const) {
      const res = await api.call('POST', '/api/v1/tokens', { body: { name: `matrix-${role}`, role } });
      expect(res.status).toBe(201);
      tokens[role] = res.body.token as string;
    }
    const revoked = await api.call('POST', '/api/v1/tokens', { body: { name: 'matrix-revoked', role: 'admin' } });
    expect((await api.call('DELETE', `/api/v1/tokens/${revoked.body.id}`)).status).toBe(204);
    tokens['revoked token'] = revoked.body.token as string;
  }, 60_000);
  afterAll(() => api?.close());

  it('declares the least role of every documented operation, and nothing else', () => {
    expect(operations.length).toBeGreaterThanOrEqual(40);
    expect(operations.filter((o) => !(o in LEAST_ROLE))).toEqual([]);
    expect(Object.keys(LEAST_ROLE).filter((o) => !operations.includes(o))).toEqual([]);
  });

  it('answers each caller as the table says', { timeout: 120_000 }, async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const least = LEAST_ROLE[op];
      if (!least) continue; // reported by the test above
      const [method, template] = op.split(' ') as [string, string];
      for (const caller of CALLERS) {
        const sendsBody = ['POST', 'PUT', 'PATCH'].includes(method);
        const res = await api.call(method, `/api/v1${fill(template)}`, {
          token: tokens[caller] ?? null,
          ...(sendsBody ? { body: {} } : {}),
        });
        const want = expected(caller, least);
        const ok =
          want === 'unauthenticated'
            ? res.status === 401
            : want === 'forbidden'
              ? res.status === 403
              : res.status < 500 && res.status !== 401 && res.status !== 403;
        if (!ok) wrong.push(`${op} as ${caller}: ${res.status}, expected ${want} (${res.text.slice(0, 120)})`);
        if (res.status === 401 || res.status === 403) expect(res.body?.error?.code ?? res.body?.code).toBeTruthy();
      }
    }
    expect(wrong).toEqual([]);
  });

  it('never leaks a token secret in an error', () => {
    const secrets = Object.values(tokens).filter((t): t is string => typeof t === 'string');
    const leaks = api.bodies.filter((b, i) => i > 4 && secrets.some((s) => b.includes(s)));
    expect(leaks).toEqual([]);
  });
});
