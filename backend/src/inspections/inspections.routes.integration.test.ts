import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_STORES, MONGO_URL, startApiHarness, type ApiHarness } from '../test/api-harness.js';
import { MARIADB_ROOT } from '../test/mysql-fixtures.js';
import { startSilentServer, waitFor } from '../test/silent-server.js';

/** Immediate inspections through the API, run as real Agenda jobs by a worker in the same process. */

if (!MONGO_URL) console.warn('inspections run now: MongoDB skipped (set MONGO_URL=mongodb://… to run these on it too)');

describe.each(API_STORES)('inspections run now on $name', ({ mongoUrl }) => {
  let api: ApiHarness;
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    silent = await startSilentServer();
    api = await startApiHarness(
      { DBPATROL_CONNECT_TIMEOUT_MS: '1500', DBPATROL_POLL_MS: '500' },
      { worker: true, ...(mongoUrl ? { mongoUrl } : {}) },
    );
    const biz = (await api.call('POST', '/api/v1/businesses', { body: { name: 'run-now' } })).body.id;
    const host = (
      await api.call('POST', '/api/v1/hosts', { body: { name: 'run-now-host', businessId: biz, address: '127.0.0.1' } })
    ).body.id;
    const add = async (name: string, engine: string, port: number, user: string) => {
      ids[name] = (
        await api.call('POST', '/api/v1/instances', {
          body: { name, hostId: host, engine, port, user, labels: { suite: 'run-now' } },
        })
      ).body.id;
    };
    await add('pg', 'postgres', 5432, 'postgres');
    await add('maria', 'mariadb', MARIADB_ROOT.port, 'root');
    await add('down', 'postgres', 1, 'nobody');
    await add('hung', 'mariadb', silent.port, 'nobody');
  });
  afterAll(async () => {
    await api?.close();
    await silent?.close();
  });

  const finished = (id: string) =>
    waitFor(
      async () => {
        const r = await api.call('GET', `/api/v1/inspections/${id}`);
        return ['succeeded', 'partial', 'failed', 'cancelled'].includes(r.body.state) ? r.body : undefined;
      },
      60_000,
      `inspection ${id} to finish`,
    );

  it('runs once per request id, finishes the reachable instances and records the down and hung ones as failed', async () => {
    const body = { instanceIds: [ids.pg, ids.maria, ids.down, ids.hung], tier: 'daily', requestId: 'req-1' };
    const started = Date.now();
    const first = await api.call('POST', '/api/v1/inspections', { body });
    expect(first.status).toBe(202);
    expect(first.headers.get('location')).toBe(`/api/v1/inspections/${first.body.id}`);
    const again = await api.call('POST', '/api/v1/inspections', { body });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);

    const done = await finished(first.body.id);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(done.state).toBe('partial');
    const byName = Object.fromEntries(done.progress.map((p: { instanceName: string }) => [p.instanceName, p]));
    expect(byName.pg).toMatchObject({ state: 'done', reportId: expect.any(String) });
    expect(byName.maria).toMatchObject({ state: 'done', reportId: expect.any(String) });
    expect(byName.down).toMatchObject({ state: 'failed', error: 'instance unreachable' });
    expect(byName.hung).toMatchObject({ state: 'failed', error: 'instance unreachable' });

    const reports = (await api.call('GET', `/api/v1/reports?inspectionId=${first.body.id}`)).body.items;
    expect(reports).toHaveLength(4);
    const full = (await api.call('GET', `/api/v1/reports/${byName.hung.reportId}`)).body;
    expect(full).toMatchObject({
      inspectionId: first.body.id,
      reachable: false,
      trigger: { kind: 'manual', actor: 'admin' },
    });
    expect(full.findings[0].message.en).toMatch(/timed out|unreachable/);
    expect(full.findings[0].message.zh).toMatch(/实例无法连接/);
    const audit = (await api.call('GET', '/api/v1/audit?action=inspection.run')).body.items;
    expect(audit.filter((a: { targetId: string }) => a.targetId === first.body.id)).toHaveLength(1);
  });

  it('gives up on a server that never answers after one connect timeout, not one per attempt', async () => {
    const res = await api.call('POST', '/api/v1/inspections', { body: { instanceIds: [ids.hung], tier: 'weekly' } });
    const done = await finished(res.body.id);
    expect(done.progress[0]).toMatchObject({ state: 'failed', error: 'instance unreachable' });
    // The connect timeout is 1,500 ms here: a second attempt (say, one for the counter snapshot and another for the
    // checks) would take at least 3,000 ms.
    const tookMs = Date.parse(done.finishedAt) - Date.parse(done.startedAt);
    expect(tookMs).toBeGreaterThanOrEqual(1400);
    expect(tookMs).toBeLessThan(2600);
  });

  it('runs a selector and honours an explicit window', async () => {
    const window = { from: '2026-11-01T00:00:00+08:00', to: '2026-11-02T00:00:00+08:00' };
    const res = await api.call('POST', '/api/v1/inspections', {
      body: { selector: { labels: { suite: 'run-now' } }, tier: 'daily', window },
    });
    const done = await finished(res.body.id);
    expect(done.progress).toHaveLength(4);
    expect(done.window).toEqual({ from: '2026-10-31T16:00:00.000Z', to: '2026-11-01T16:00:00.000Z' });
    const report = (
      await api.call(
        'GET',
        `/api/v1/reports/${done.progress.find((p: { instanceName: string }) => p.instanceName === 'pg').reportId}`,
      )
    ).body;
    expect(report.window).toEqual(done.window);
  });

  it('cancels: a queued or running inspection ends cancelled and its reports say so', async () => {
    const res = await api.call('POST', '/api/v1/inspections', {
      body: { instanceIds: [ids.pg, ids.maria, ids.hung], tier: 'weekly' },
    });
    const cancelled = await api.call('DELETE', `/api/v1/inspections/${res.body.id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.cancelRequested).toBe(true);
    const done = await finished(res.body.id);
    expect(done.state).toBe('cancelled');
    for (const p of done.progress) expect(['cancelled', 'done', 'failed']).toContain(p.state);
    const reports = (await api.call('GET', `/api/v1/reports?inspectionId=${res.body.id}`)).body.items;
    for (const r of reports) {
      const full = (await api.call('GET', `/api/v1/reports/${r.id}`)).body;
      expect(
        full.checks.some((c: { reason?: string }) => c.reason === 'inspection cancelled') ||
          !full.reachable ||
          full.checks.length > 0,
      ).toBe(true);
    }
  });

  it.each([
    [{ instanceIds: ['nope'], tier: 'daily' }, 'instanceIds.0', 'no instance with id nope'],
    [{ tier: 'daily' }, 'instanceIds', 'give instanceIds or a selector'],
    [{ instanceIds: ['x'], tier: 'hourly' }, 'tier', 'must be one of "daily", "weekly", "monthly", "annual"'],
    [{ selector: { labels: { suite: 'nothing' } }, tier: 'daily' }, 'selector', 'matches no instance'],
    [
      { instanceIds: ['x'], tier: 'daily', window: { from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' } },
      'window.from',
      'must be before window.to',
    ],
  ])('rejects %j naming %s', async (body, path, message) => {
    const before = (await api.call('GET', '/api/v1/inspections?limit=500')).body.items.length;
    const res = await api.call('POST', '/api/v1/inspections', { body });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual({ path, message });
    expect((await api.call('GET', '/api/v1/inspections?limit=500')).body.items.length).toBe(before);
  });
});
