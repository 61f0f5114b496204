import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../test/api-harness.js';
import type { StoredReport } from '../reports/report.model.js';

const CHECK = 'mysql.tables-without-primary-key';
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

describe('waivers and report diff over HTTP', () => {
  let api: ApiHarness;
  let viewer: string;
  let bizId: string;
  let instanceId: string;
  let otherInstanceId: string;
  const valid = () => ({
    checkId: CHECK,
    scope: 'instance',
    scopeId: instanceId,
    objectPattern: '`shop`.`legacy_*`',
    reason: 'replaced by the ledger in Q2',
    owner: 'dba-team',
    expiresAt: inDays(30),
  });

  beforeAll(async () => {
    api = await startApiHarness();
    viewer = (await api.call('POST', '/api/v1/tokens', { body: { name: 'w-viewer', role: 'viewer' } })).body.token;
    bizId = (await api.call('POST', '/api/v1/businesses', { body: { name: 'payments' } })).body.id;
    const hostId = (
      await api.call('POST', '/api/v1/hosts', { body: { name: 'h1', businessId: bizId, address: '10.0.0.1' } })
    ).body.id;
    const inst = (name: string) =>
      api.call('POST', '/api/v1/instances', { body: { name, hostId, engine: 'mysql', port: 3306, user: 'u' } });
    instanceId = (await inst('db-a')).body.id;
    otherInstanceId = (await inst('db-b')).body.id;
  }, 60_000);
  afterAll(async () => api?.close());

  it.each([
    ['checkId', { checkId: 'mysql.no-such-check' }],
    ['expiresAt', { expiresAt: '2020-01-01T00:00:00Z' }],
    ['expiresAt', { expiresAt: 'next tuesday' }],
    ['reason', { reason: '   ' }],
    ['owner', { owner: '' }],
    ['scopeId', { scopeId: undefined }],
    ['scopeId', { scopeId: 'no-such-instance' }],
    ['scopeId', { scope: 'business', scopeId: 'no-such-business' }],
    ['scopeId', { scope: 'global' }],
    ['scope', { scope: 'planet' }],
  ])('400 naming %s for %j', async (field, change) => {
    const res = await api.call('POST', '/api/v1/waivers', { body: { ...valid(), ...change } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
  });

  it('creates, reads, changes and deletes a waiver as admin, each write audited; viewers read only', async () => {
    const body = valid();
    const created = await api.call('POST', '/api/v1/waivers', { body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...body, active: true, createdBy: 'admin' });
    const id = created.body.id as string;

    expect((await api.call('POST', '/api/v1/waivers', { token: viewer, body: valid() })).status).toBe(403);
    expect((await api.call('PATCH', `/api/v1/waivers/${id}`, { token: viewer, body: { owner: 'x' } })).status).toBe(
      403,
    );
    expect((await api.call('DELETE', `/api/v1/waivers/${id}`, { token: viewer })).status).toBe(403);
    const listed = await api.call('GET', `/api/v1/waivers?checkId=${CHECK}&active=true`, { token: viewer });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((w: { id: string }) => w.id)).toEqual([id]);
    expect((await api.call('GET', `/api/v1/waivers/${id}`, { token: viewer })).body.owner).toBe('dba-team');

    const patched = await api.call('PATCH', `/api/v1/waivers/${id}`, {
      body: { scope: 'business', scopeId: bizId, objectPattern: null, expiresAt: inDays(60) },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ scope: 'business', scopeId: bizId });
    expect(patched.body.objectPattern).toBeUndefined();
    const badPatch = await api.call('PATCH', `/api/v1/waivers/${id}`, { body: { expiresAt: '2020-01-01T00:00:00Z' } });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.error.details[0].path).toBe('expiresAt');

    expect((await api.call('DELETE', `/api/v1/waivers/${id}`)).status).toBe(204);
    expect((await api.call('GET', `/api/v1/waivers/${id}`)).status).toBe(404);
    expect((await api.call('DELETE', `/api/v1/waivers/${id}`)).status).toBe(404);

    const audit = (await api.call('GET', '/api/v1/audit?targetType=waiver&limit=10')).body.items as {
      action: string;
      targetId: string;
      details: Record<string, unknown>;
    }[];
    expect(audit.map((a) => a.action)).toEqual(['waivers.delete', 'waivers.update', 'waivers.create']);
    expect(audit.every((a) => a.targetId === id)).toBe(true);
    expect(audit[1]!.details.changed).toEqual(['scope', 'scopeId', 'objectPattern', 'expiresAt']);
  });

  it('compares a report with the previous one of its instance and tier; against must be the same instance', async () => {
    const base = (id: string, instance: string, startedAt: string, objects: string[]): StoredReport => ({
      id,
      instanceId: instance,
      instance: { id: instance, name: instance, engine: 'mysql' },
      server: null,
      reachable: true,
      tier: 'weekly',
      window: { from: startedAt, to: startedAt },
      startedAt,
      finishedAt: startedAt,
      durationMs: 1,
      score: 95,
      counts: { pass: 0, fail: 1, error: 0, skipped: 0, critical: 0, warning: objects.length, info: 0 },
      checks: [
        {
          checkId: CHECK,
          catalogRef: 'MY-W01',
          category: 'objects',
          tier: 'weekly',
          status: 'fail',
          durationMs: 1,
          findingCount: objects.length,
        },
      ],
      findings: objects.map((object) => ({
        checkId: CHECK,
        catalogRef: 'MY-W01',
        category: 'objects',
        tier: 'weekly',
        severity: 'warning',
        object,
        message: { en: `${object} has no primary key`, zh: `${object} 没有主键` },
        remediation: { en: 'add one', zh: '加主键' },
      })),
      catalogVersion: 'test',
      thresholds: {},
      language: 'en',
      fingerprints: {},
      contentHash: 'x',
      trigger: { kind: 'manual' },
      maxSeverity: 'warning',
    });
    const reports = api.ctx.store.reports;
    await reports.insert(base('r1', instanceId, '2026-10-01T02:00:00.000Z', ['a', 'b']));
    await reports.insert(base('r2', instanceId, '2026-10-02T02:00:00.000Z', ['a', 'b']));
    await reports.insert(base('r3', instanceId, '2026-10-03T02:00:00.000Z', ['a', 'c']));
    await reports.insert(base('o1', otherInstanceId, '2026-10-02T03:00:00.000Z', ['a']));

    const diff = await api.call('GET', '/api/v1/reports/r3/diff', { token: viewer });
    expect(diff.status).toBe(200);
    expect(diff.body.against).toEqual({ id: 'r2', startedAt: '2026-10-02T02:00:00.000Z', tier: 'weekly' });
    expect(diff.body.new.map((f: { object: string }) => f.object)).toEqual(['c']);
    expect(diff.body.resolved.map((f: { object: string }) => f.object)).toEqual(['b']);
    expect(diff.body.persisting).toEqual([
      expect.objectContaining({ object: 'a', since: '2026-10-01T02:00:00.000Z', sinceReportId: 'r1', runs: 3 }),
    ]);

    const against = await api.call('GET', '/api/v1/reports/r3/diff?against=r1');
    expect(against.body.against.id).toBe('r1');
    expect(against.body.persisting[0]).toMatchObject({ object: 'a', runs: 2 });

    const first = await api.call('GET', '/api/v1/reports/r1/diff');
    expect(first.body.against).toBeNull();
    expect(first.body.counts).toMatchObject({ new: 2, persisting: 0, resolved: 0 });

    const other = await api.call('GET', '/api/v1/reports/r3/diff?against=o1');
    expect(other.status).toBe(400);
    expect(other.body.error.details[0].path).toBe('against');
    expect((await api.call('GET', '/api/v1/reports/r3/diff?against=nope')).status).toBe(400);
    expect((await api.call('GET', '/api/v1/reports/nope/diff')).status).toBe(404);
  });
});
