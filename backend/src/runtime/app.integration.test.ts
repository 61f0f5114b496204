import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../test/api-harness.js';

const ENV_TOKEN = 'env-admin-token-0123456789';

describe('HTTP API: auth, errors, OpenAPI', () => {
  let api: ApiHarness;
  let viewer: string;
  let editor: string;

  beforeAll(async () => {
    api = await startApiHarness({ DBPATROL_API_TOKEN: ENV_TOKEN });
    viewer = (await api.call('POST', '/api/v1/tokens', { body: { name: 'grafana-viewer', role: 'viewer' } })).body
      .token;
    editor = (await api.call('POST', '/api/v1/tokens', { body: { name: 'grafana-editor', role: 'editor' } })).body
      .token;
  });
  afterAll(() => api?.close());

  it('serves health and readiness without a token', async () => {
    expect((await api.call('GET', '/healthz', { token: null })).body).toEqual({ status: 'ok' });
    expect((await api.call('GET', '/readyz', { token: null })).body).toEqual({ status: 'ready', store: 'postgres' });
  });

  it.each([
    ['no header', null, /missing bearer token/],
    ['a wrong token', 'dbp_wrong', /invalid or revoked token/],
  ])('answers 401 with %s', async (_what, token, message) => {
    const res = await api.call('GET', '/api/v1/businesses', { token });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'unauthenticated', message: expect.stringMatching(message) });
  });

  it('enforces roles: viewer reads, editor tests connections, admin edits inventory and tokens', async () => {
    expect((await api.call('GET', '/api/v1/businesses', { token: viewer })).status).toBe(200);
    const denied = await api.call('POST', '/api/v1/businesses', { token: viewer, body: { name: 'x' } });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/needs the admin role; token "grafana-viewer" has viewer/);
    expect((await api.call('POST', '/api/v1/businesses', { token: editor, body: { name: 'x' } })).status).toBe(403);
    expect((await api.call('GET', '/api/v1/tokens', { token: editor })).status).toBe(403);
    expect((await api.call('POST', '/api/v1/instances/nope/test', { token: viewer })).status).toBe(403);
    expect((await api.call('POST', '/api/v1/instances/nope/test', { token: editor })).status).toBe(404);
    expect((await api.call('POST', '/api/v1/businesses', { token: ENV_TOKEN, body: { name: 'via-env' } })).status).toBe(
      201,
    );
  });

  it('records writes in the audit log with the token name and the Grafana user', async () => {
    const created = await api.call('POST', '/api/v1/businesses', {
      body: { name: 'audited' },
      headers: { 'X-Grafana-User': 'alice' },
    });
    await api.call('PATCH', `/api/v1/businesses/${created.body.id}`, { body: { description: 'core banking' } });
    const audit = await api.call('GET', '/api/v1/audit?limit=5');
    expect(audit.body.items[0]).toMatchObject({
      actor: 'admin',
      action: 'business.update',
      targetName: 'audited',
      details: { fields: ['description'] },
    });
    expect(audit.body.items[1]).toMatchObject({
      actor: 'admin',
      grafanaUser: 'alice',
      action: 'business.create',
      targetId: created.body.id,
    });
    // The header is only believed with a valid token.
    expect(
      (await api.call('GET', '/api/v1/audit', { token: null, headers: { 'X-Grafana-User': 'mallory' } })).status,
    ).toBe(401);
    expect((await api.call('GET', '/api/v1/audit', { token: viewer })).status).toBe(403);
  });

  it('revokes tokens and never lists their secrets', async () => {
    const made = await api.call('POST', '/api/v1/tokens', { body: { name: 'short-lived', role: 'viewer' } });
    expect(made.status).toBe(201);
    expect(made.body.token).toMatch(/^dbp_/);
    const listed = await api.call('GET', '/api/v1/tokens');
    expect(listed.text).not.toContain(made.body.token);
    expect(listed.body.items.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['admin', 'short-lived']),
    );
    expect((await api.call('GET', '/api/v1/businesses', { token: made.body.token })).status).toBe(200);
    expect((await api.call('DELETE', `/api/v1/tokens/${made.body.id}`)).status).toBe(204);
    expect((await api.call('GET', '/api/v1/businesses', { token: made.body.token })).status).toBe(401);
    expect(
      (await api.call('POST', '/api/v1/tokens', { body: { name: 'short-lived', role: 'root' } })).body.error.details,
    ).toEqual([{ path: 'role', message: 'must be one of "viewer", "editor", "admin"' }]);
  });

  it('maps bad requests to specific errors', async () => {
    const badJson = await api.call('POST', '/api/v1/businesses', { rawBody: '{"name":' });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.message).toBe('body: is not valid JSON');
    const big = await api.call('POST', '/api/v1/businesses', {
      body: { name: 'big', description: 'x'.repeat(1024 * 1024 + 10) },
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const unknownField = await api.call('POST', '/api/v1/businesses', { body: { name: 'ok', colour: 'red' } });
    expect(unknownField.body.error.details).toEqual([{ path: 'colour', message: 'is not a known field' }]);
    const route = await api.call('GET', '/api/v1/nothing-here');
    expect(route.status).toBe(404);
    expect(route.body.error.message).toBe('no route GET /api/v1/nothing-here');
  });

  it('publishes an OpenAPI document generated from the route schemas', async () => {
    const doc = (await api.call('GET', '/api/v1/openapi.json', { token: null })).body;
    expect(doc.openapi).toBe('3.0.3');
    const create = doc.paths['/instances'].post;
    expect(create['x-required-role']).toBe('admin');
    const schema = create.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'hostId', 'engine', 'port', 'user']));
    expect(schema.properties.port).toMatchObject({ type: 'integer', maximum: 65535 });
    expect(doc.paths['/instances/{id}/test'].post.parameters[0]).toMatchObject({
      name: 'id',
      in: 'path',
      required: true,
    });
    const out = doc.paths['/instances/{id}'].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(out.properties)).toContain('passwordSet');
    expect(Object.keys(out.properties)).not.toContain('password');
  });
});
