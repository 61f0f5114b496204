/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are read as parsed JSON */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Severity } from '../checks/check.types.js';
import { loadConfig } from '../config/config.js';
import type { Inspection } from '../inspections/inspection.model.js';
import { createLogger } from '../logging/logger.js';
import type { StoredReport } from '../reports/report.model.js';
import type { CheckOutcome, Finding } from '../reports/report.types.js';
import { createContext, type AppContext } from '../runtime/context.js';
import { startServer } from '../runtime/serve.js';
import { MONGO_URL, startApiHarness } from '../test/api-harness.js';

interface Api {
  ctx: AppContext;
  call(
    method: string,
    route: string,
    o?: { body?: unknown; token?: string | null },
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** The API on the embedded store (PGlite), as a fresh machine runs it. */
async function startEmbeddedApi(): Promise<Api & { adminToken: string }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-grafana-'));
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const ctx = await createContext(
    loadConfig({}, { DBPATROL_DATA_DIR: dataDir }),
    createLogger({ level: 'warn', destination: sink }),
  );
  const running = await startServer(ctx, { port: 0, host: '127.0.0.1' });
  const adminToken = running.bootstrapToken!;
  return {
    ctx,
    adminToken,
    call: (method, route, o = {}) => httpCall(running.url, adminToken, method, route, o),
    async close() {
      await running.stop();
      await ctx.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function httpCall(
  base: string,
  adminToken: string,
  method: string,
  route: string,
  o: { body?: unknown; token?: string | null },
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  const token = o.token === undefined ? adminToken : o.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + route, {
    method,
    headers,
    ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const at = (days: number, hours = 8): string => new Date(T0 + days * DAY + hours * 3_600_000).toISOString();

function outcome(checkId: string, status: CheckOutcome['status'], severity?: Severity, findingCount = 0): CheckOutcome {
  return {
    checkId,
    catalogRef: checkId === 'postgres.xid-wraparound' ? 'PG-D11' : 'PG-W03',
    category: 'transactions',
    tier: 'daily',
    status,
    ...(severity ? { severity } : {}),
    durationMs: 3,
    findingCount,
  };
}

function finding(checkId: string, severity: Severity, object: string, value?: number): Finding {
  return {
    checkId,
    catalogRef: checkId === 'postgres.xid-wraparound' ? 'PG-D11' : 'PG-W03',
    category: 'transactions',
    tier: 'daily',
    severity,
    object,
    message: { en: `${checkId} on ${object}`, zh: `${object} 上的 ${checkId}` },
    ...(value !== undefined ? { value, threshold: 100 } : {}),
    remediation: { en: 'vacuum', zh: '执行 vacuum' },
    evidence: [{ relname: object }],
  };
}

let reportSeq = 0;
function report(instanceId: string, name: string, startedAt: string, score: number, findings: Finding[]): StoredReport {
  const counts = { pass: 1, fail: findings.length ? 1 : 0, error: 0, skipped: 0, critical: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity] += 1;
  const worst = (['critical', 'warning', 'info'] as const).find((s) => counts[s] > 0) ?? null;
  return {
    id: `rep-${instanceId}-${++reportSeq}`,
    instanceId,
    trigger: { kind: 'manual', actor: 'test' },
    maxSeverity: worst,
    instance: { id: instanceId, name, engine: 'postgres' },
    server: null,
    reachable: true,
    tier: 'daily',
    window: { from: startedAt, to: startedAt },
    startedAt,
    finishedAt: startedAt,
    durationMs: 100,
    score,
    counts,
    checks: [
      outcome(
        'postgres.long-transactions',
        findings.some((f) => f.checkId === 'postgres.long-transactions') ? 'fail' : 'pass',
        findings.find((f) => f.checkId === 'postgres.long-transactions')?.severity,
        findings.filter((f) => f.checkId === 'postgres.long-transactions').length,
      ),
      outcome(
        'postgres.xid-wraparound',
        findings.some((f) => f.checkId === 'postgres.xid-wraparound') ? 'fail' : 'pass',
        findings.find((f) => f.checkId === 'postgres.xid-wraparound')?.severity,
        findings.filter((f) => f.checkId === 'postgres.xid-wraparound').length,
      ),
    ],
    findings,
    catalogVersion: 'test',
    thresholds: {},
    language: 'en',
    fingerprints: {},
    contentHash: `hash-${reportSeq}`,
  };
}

interface Fixture {
  businessId: string;
  otherBusinessId: string;
  hostId: string;
  orders: string;
  carts: string;
  billing: string;
  viewerToken: string;
}

/** Two businesses, three instances, reports over four days, two runs and a missed occurrence, counter snapshots. */
async function seed(api: Api): Promise<Fixture> {
  const ok = (r: { status: number; body: any }) => {
    if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const shop = ok(await api.call('POST', '/api/v1/businesses', { body: { name: 'shop' } }));
  const bank = ok(await api.call('POST', '/api/v1/businesses', { body: { name: 'bank' } }));
  const db1 = ok(
    await api.call('POST', '/api/v1/hosts', { body: { name: 'db1', businessId: shop.id, address: '10.0.0.1' } }),
  );
  const db2 = ok(
    await api.call('POST', '/api/v1/hosts', { body: { name: 'db2', businessId: shop.id, address: '10.0.0.2' } }),
  );
  const db3 = ok(
    await api.call('POST', '/api/v1/hosts', { body: { name: 'db3', businessId: bank.id, address: '10.0.0.3' } }),
  );
  const inst = async (name: string, hostId: string, engine: string) =>
    ok(
      await api.call('POST', '/api/v1/instances', {
        body: { name, hostId, engine, port: engine === 'postgres' ? 5432 : 3306, user: 'monitor' },
      }),
    );
  const orders = await inst('orders-pg', db1.id, 'postgres');
  const carts = await inst('carts-maria', db2.id, 'mariadb');
  const billing = await inst('billing-pg', db3.id, 'postgres');
  const viewer = ok(await api.call('POST', '/api/v1/tokens', { body: { name: 'grafana-viewer', role: 'viewer' } }));

  const reports = api.ctx.store.reports;
  const xid = (sev: Severity, obj: string) => finding('postgres.xid-wraparound', sev, obj, 150);
  const long = (sev: Severity, obj: string) => finding('postgres.long-transactions', sev, obj);
  // orders: day 0 score 80 (1 warning), day 1 two reports (60 then 90; newest has 1 info), day 3 score 50 (critical+warning)
  await reports.insert(report(orders.id, 'orders-pg', at(0), 80, [long('warning', 'pid 1')]));
  await reports.insert(
    report(orders.id, 'orders-pg', at(1, 6), 60, [xid('critical', 'app'), long('warning', 'pid 2')]),
  );
  await reports.insert(report(orders.id, 'orders-pg', at(1, 12), 90, [long('info', 'pid 3')]));
  await reports.insert(report(orders.id, 'orders-pg', at(3), 50, [xid('critical', 'app'), long('warning', 'pid 4')]));
  // carts: day 0 score 100, day 3 score 70 (one warning)
  await reports.insert(report(carts.id, 'carts-maria', at(0), 100, []));
  await reports.insert(report(carts.id, 'carts-maria', at(3), 70, [long('warning', 'trx 9')]));
  // billing (other business): day 2 score 40 (critical)
  await reports.insert(report(billing.id, 'billing-pg', at(2), 40, [xid('critical', 'ledger')]));

  const run = (over: Partial<Inspection>): Inspection => ({
    id: `run-${Math.random().toString(36).slice(2)}`,
    trigger: { kind: 'manual', actor: 'alice' },
    tier: 'daily',
    window: { from: at(0), to: at(1) },
    state: 'succeeded',
    progress: [
      { instanceId: orders.id, instanceName: 'orders-pg', state: 'done', checksDone: 2, checksTotal: 2 },
      { instanceId: carts.id, instanceName: 'carts-maria', state: 'done', checksDone: 2, checksTotal: 2 },
    ],
    cancelRequested: false,
    attempt: 1,
    createdAt: at(1, 6),
    startedAt: at(1, 6),
    finishedAt: new Date(Date.parse(at(1, 6)) + 30_000).toISOString(),
    ...over,
  });
  await api.ctx.store.inspections.insertImmediate(run({ requestId: 'req-1' }));
  await api.ctx.store.inspections.insertImmediate(
    run({
      requestId: 'req-2',
      createdAt: at(2),
      startedAt: at(2),
      finishedAt: at(2, 9),
      state: 'partial',
      progress: [
        { instanceId: billing.id, instanceName: 'billing-pg', state: 'failed', checksDone: 0, checksTotal: 2 },
      ],
    }),
  );
  await api.ctx.store.inspections.claimOccurrence(
    run({
      scheduleId: 'sched-1',
      fireAt: at(2, 2),
      trigger: { kind: 'schedule', scheduleId: 'sched-1', scheduleName: 'nightly' },
      state: 'missed',
      createdAt: at(2, 5),
      progress: [],
      instanceIds: [orders.id],
      startedAt: undefined,
      finishedAt: undefined,
    }),
  );

  // Deadlock counters of orders: +3 within day 0, +2 by day 1, then a restart (no negative delta), then +4.
  const snap = (takenAt: string, startedAt: string, app: number, postgres: number) =>
    api.ctx.store.snapshots.insert({
      instanceId: orders.id,
      takenAt,
      serverStartedAt: startedAt,
      counters: { 'db.app.deadlocks': app, 'db.postgres.deadlocks': postgres, 'db.app.xact_commit': 1000 },
    });
  const life1 = at(-10);
  const life2 = at(1, 20);
  await snap(at(0, 1), life1, 10, 1);
  await snap(at(0, 9), life1, 12, 2);
  await snap(at(1, 9), life1, 14, 2);
  await snap(at(1, 21), life2, 0, 0);
  await snap(at(2, 9), life2, 3, 1);

  return {
    businessId: shop.id,
    otherBusinessId: bank.id,
    hostId: db1.id,
    orders: orders.id,
    carts: carts.id,
    billing: billing.id,
    viewerToken: viewer.token,
  };
}

const RANGE = { from: at(0, 0), to: at(4, 0) };

const harnesses: [string, () => Promise<Api>][] = [
  ['PostgreSQL', () => startApiHarness()],
  ['embedded store', startEmbeddedApi],
];
if (MONGO_URL) harnesses.push(['MongoDB', () => startApiHarness({}, { mongoUrl: MONGO_URL })]);

describe.each(harnesses)('Grafana datasource API on %s', (_name, start) => {
  let api: Api;
  let fx: Fixture;
  const query = async (queries: Record<string, unknown>[], extra: Record<string, unknown> = {}, token?: string) =>
    api.call('POST', '/api/v1/grafana/query', {
      body: { range: RANGE, maxDataPoints: 4, queries, ...extra },
      ...(token !== undefined ? { token } : {}),
    });
  const framesOf = (body: any, refId: string): any[] => {
    const r = body.results[refId];
    if (!r?.frames) throw new Error(`no frames for ${refId}: ${JSON.stringify(r)}`);
    return r.frames;
  };
  const rowsOf = (frame: any): Record<string, unknown>[] => {
    const names: string[] = frame.schema.fields.map((f: { name: string }) => f.name);
    const n = (frame.data.values[0] ?? []).length;
    return Array.from({ length: n }, (_, i) => Object.fromEntries(names.map((k, c) => [k, frame.data.values[c][i]])));
  };

  beforeAll(async () => {
    api = await start();
    fx = await seed(api);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  it('scores: one frame per instance with daily average scores and name labels', async () => {
    const res = await query([{ refId: 'A', queryType: 'scores' }]);
    expect(res.status).toBe(200);
    const frames = framesOf(res.body, 'A');
    expect(frames.map((f) => f.schema.name)).toEqual(['billing-pg', 'carts-maria', 'orders-pg']);
    const orders = frames[2];
    expect(orders.schema.refId).toBe('A');
    expect(orders.schema.fields[1].labels).toEqual({
      business: 'shop',
      host: 'db1',
      instance: 'orders-pg',
      engine: 'postgres',
    });
    expect(orders.data.values).toEqual([
      [T0, T0 + DAY, T0 + 3 * DAY],
      [80, 75, 50],
    ]);
  });

  it('scores: maxDataPoints widens the buckets; businessId and tier filter', async () => {
    // Eight days in one point: the epoch-aligned bucket holds all four days of reports.
    const one = await query([{ refId: 'A', queryType: 'scores', businessId: fx.businessId }], {
      maxDataPoints: 1,
      range: { from: at(0, 0), to: at(8, 0) },
    });
    const frames = framesOf(one.body, 'A');
    expect(frames.map((f) => f.schema.name)).toEqual(['carts-maria', 'orders-pg']);
    expect(frames[1].data.values[1]).toEqual([70]); // (80 + 60 + 90 + 50) / 4
    const weekly = await query([{ refId: 'A', queryType: 'scores', tier: 'weekly' }]);
    expect(framesOf(weekly.body, 'A')).toEqual([]);
  });

  it('findingCounts: per severity per bucket, each instance counted once from its newest report', async () => {
    const res = await query([{ refId: 'B', queryType: 'findingCounts' }]);
    const frames = framesOf(res.body, 'B');
    expect(frames.map((f) => f.schema.name)).toEqual(['critical', 'warning', 'info']);
    const series = Object.fromEntries(frames.map((f) => [f.schema.name, f.data.values]));
    const times = [T0, T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY];
    expect(series.critical).toEqual([times, [0, 0, 1, 1]]);
    expect(series.warning).toEqual([times, [1, 0, 0, 2]]);
    expect(series.info).toEqual([times, [0, 1, 0, 0]]);
    const only = await query([
      { refId: 'B', queryType: 'findingCounts', severity: 'critical', instanceIds: [fx.orders] },
    ]);
    expect(framesOf(only.body, 'B').map((f) => [f.schema.name, f.data.values[1]])).toEqual([['critical', [0, 0, 1]]]);
  });

  it('findings: the newest report per instance, worst first, with the documented columns', async () => {
    const res = await query([{ refId: 'C', queryType: 'findings' }]);
    const [frame] = framesOf(res.body, 'C');
    expect(frame.schema.fields.map((f: { name: string }) => f.name)).toEqual([
      'time',
      'business',
      'host',
      'instance',
      'engine',
      'check',
      'catalogRef',
      'category',
      'severity',
      'object',
      'message',
      'value',
      'threshold',
      'reportId',
    ]);
    const rows = rowsOf(frame);
    const rank = { critical: 3, warning: 2, info: 1 } as Record<string, number>;
    const ranks = rows.map((r) => rank[String(r.severity)]!);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(rows.map((r) => `${String(r.instance)} ${String(r.severity)} ${String(r.object)}`).sort()).toEqual([
      'billing-pg critical ledger',
      'carts-maria warning trx 9',
      'orders-pg critical app',
      'orders-pg warning pid 4',
    ]);
    const xid = rows.find((r) => r.object === 'app')!;
    expect(xid).toMatchObject({
      business: 'shop',
      host: 'db1',
      engine: 'postgres',
      check: 'postgres.xid-wraparound',
      catalogRef: 'PG-D11',
      value: '150',
      threshold: '100',
      time: Date.parse(at(3)),
      message: 'postgres.xid-wraparound on app',
    });
    const zh = rowsOf(framesOf((await query([{ refId: 'C', queryType: 'findings', lang: 'zh' }])).body, 'C')[0]);
    expect(zh.find((r) => r.object === 'app')?.message).toBe('app 上的 postgres.xid-wraparound');
  });

  it('findings: range picks the newest report inside it; checkIds, severity and hostId filter', async () => {
    const early = await api.call('POST', '/api/v1/grafana/query', {
      body: {
        range: { from: at(0, 0), to: at(2, 0) },
        queries: [{ refId: 'C', queryType: 'findings', hostId: fx.hostId }],
      },
    });
    expect(rowsOf(framesOf(early.body, 'C')[0]).map((r) => [r.instance, r.severity, r.object])).toEqual([
      ['orders-pg', 'info', 'pid 3'],
    ]);
    const res = await query([
      { refId: 'C', queryType: 'findings', checkIds: ['postgres.long-transactions'], severity: ['warning'] },
    ]);
    expect(
      rowsOf(framesOf(res.body, 'C')[0])
        .map((r) => r.object)
        .sort(),
    ).toEqual(['pid 4', 'trx 9']);
  });

  it('outcomes: one row per check over the newest reports', async () => {
    const res = await query([{ refId: 'D', queryType: 'outcomes', businessId: fx.businessId }]);
    const rows = rowsOf(framesOf(res.body, 'D')[0]);
    expect(rows).toEqual([
      {
        check: 'postgres.long-transactions',
        catalogRef: 'PG-W03',
        category: 'transactions',
        tier: 'daily',
        pass: 0,
        fail: 2,
        error: 0,
        skipped: 0,
        worstSeverity: 'warning',
        findings: 2,
      },
      {
        check: 'postgres.xid-wraparound',
        catalogRef: 'PG-D11',
        category: 'transactions',
        tier: 'daily',
        pass: 1,
        fail: 1,
        error: 0,
        skipped: 0,
        worstSeverity: 'critical',
        findings: 1,
      },
    ]);
  });

  it('inspections: runs and the missed occurrence with state and trigger, newest first', async () => {
    const res = await query([{ refId: 'E', queryType: 'inspections' }]);
    const rows = rowsOf(framesOf(res.body, 'E')[0]);
    expect(rows.map((r) => [r.state, r.trigger, r.schedule, r.time])).toEqual(
      [
        ['missed', 'schedule', 'nightly', Date.parse(at(2, 2))],
        ['partial', 'manual', null, Date.parse(at(2))],
        ['succeeded', 'manual', null, Date.parse(at(1, 6))],
      ].sort((a, b) => Number(b[3]) - Number(a[3])),
    );
    const scoped = await query([{ refId: 'E', queryType: 'inspections', businessId: fx.otherBusinessId }]);
    expect(rowsOf(framesOf(scoped.body, 'E')[0]).map((r) => r.state)).toEqual(['partial']);
  });

  it('counters: increase per bucket within one server lifetime, summed over matching counters', async () => {
    const res = await query([{ refId: 'F', queryType: 'counters', counter: 'db.*.deadlocks' }]);
    const frames = framesOf(res.body, 'F');
    expect(frames).toHaveLength(1);
    expect(frames[0].schema.fields[1].labels).toMatchObject({ instance: 'orders-pg', counter: 'db.*.deadlocks' });
    expect(frames[0].data.values).toEqual([
      [T0, T0 + DAY, T0 + 2 * DAY],
      [3, 2, 4],
    ]);
    const one = await query([{ refId: 'F', queryType: 'counters', counter: 'db.app.deadlocks' }]);
    expect(framesOf(one.body, 'F')[0].data.values[1]).toEqual([2, 2, 3]);
  });

  it('a bad query answers an error naming the field under its refId; the others still answer', async () => {
    const res = await query([
      { refId: 'A', queryType: 'scores' },
      { refId: 'B', queryType: 'findings', severity: 'fatal' },
      { refId: 'C', queryType: 'nope' },
      { refId: 'D', queryType: 'counters' },
      { refId: 'E', queryType: 'scores', businessId: 'no-such-business' },
      { refId: 'F', queryType: 'scores', hide: true },
      { refId: 'G', queryType: 'findings', instanceIds: 42 },
    ]);
    expect(res.status).toBe(200);
    expect(framesOf(res.body, 'A')).toHaveLength(3);
    expect(res.body.results.B).toEqual({ error: expect.stringMatching(/^severity: /), status: 400 });
    expect(res.body.results.C).toEqual({ error: expect.stringMatching(/^queryType: must be one of/), status: 400 });
    expect(res.body.results.D).toEqual({ error: 'counter: is required for queryType counters', status: 400 });
    expect(res.body.results.E).toEqual({ error: 'businessId: no business with id no-such-business', status: 400 });
    expect(res.body.results.F).toBeUndefined();
    expect(res.body.results.G.error).toMatch(/^instanceIds: /);
  });

  it('a request without a valid range or queries is a 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ range: { from: at(2), to: at(1) }, queries: [{ refId: 'A', queryType: 'scores' }] }, 'range.to'],
      [{ range: { from: 'yesterday', to: at(1) }, queries: [{ refId: 'A', queryType: 'scores' }] }, 'range.from'],
      [{ range: RANGE }, 'queries'],
      [{ range: RANGE, queries: [{ queryType: 'scores' }] }, 'queries.0.refId'],
      [{ range: RANGE, queries: [{ refId: 'A' }, { refId: 'A' }] }, 'queries.1.refId'],
    ];
    for (const [body, field] of cases) {
      const res = await api.call('POST', '/api/v1/grafana/query', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    }
  });

  it('accepts epoch milliseconds for the range, as Grafana may send them', async () => {
    const res = await api.call('POST', '/api/v1/grafana/query', {
      body: {
        range: { from: T0, to: String(T0 + 4 * DAY) },
        maxDataPoints: 4,
        queries: [{ refId: 'A', queryType: 'scores', instanceIds: fx.carts }],
      },
    });
    expect(framesOf(res.body, 'A')[0].data.values).toEqual([
      [T0, T0 + 3 * DAY],
      [100, 70],
    ]);
  });

  it('variables: businesses, hosts and instances by parent, checks, tiers, severities', async () => {
    const v = async (qs: string) => (await api.call('GET', `/api/v1/grafana/variables?${qs}`)).body;
    expect(await v('kind=business')).toEqual([
      { text: 'bank', value: fx.otherBusinessId },
      { text: 'shop', value: fx.businessId },
    ]);
    expect((await v(`kind=host&businessId=${fx.businessId}`)).map((x: { text: string }) => x.text)).toEqual([
      'db1',
      'db2',
    ]);
    expect((await v(`kind=instance&businessId=${fx.businessId}`)).map((x: { text: string }) => x.text)).toEqual([
      'carts-maria',
      'orders-pg',
    ]);
    expect(await v(`kind=instance&hostId=${fx.hostId}`)).toEqual([{ text: 'orders-pg', value: fx.orders }]);
    expect((await v('kind=tier')).map((x: { value: string }) => x.value)).toEqual([
      'daily',
      'weekly',
      'monthly',
      'annual',
    ]);
    expect((await v('kind=severity')).map((x: { value: string }) => x.value)).toEqual(['critical', 'warning', 'info']);
    const checks = await v('kind=check');
    expect(checks.length).toBeGreaterThan(20);
    expect(checks).toContainEqual(expect.objectContaining({ value: 'postgres.xid-wraparound' }));
    const bad = await api.call('GET', '/api/v1/grafana/variables?kind=planet');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('query.kind');
  });

  it('annotations: runs with their span and the missed occurrence at its fire time', async () => {
    const res = await api.call('GET', `/api/v1/grafana/annotations?from=${RANGE.from}&to=${RANGE.to}`);
    expect(res.status).toBe(200);
    const byTitle = Object.fromEntries(res.body.map((a: { title: string }) => [a.title, a]));
    expect(Object.keys(byTitle).sort()).toEqual([
      'Missed daily inspection',
      'daily inspection partial',
      'daily inspection succeeded',
    ]);
    expect(byTitle['Missed daily inspection']).toMatchObject({
      time: Date.parse(at(2, 2)),
      tags: ['missed', 'daily', 'schedule', 'nightly'],
    });
    expect(byTitle['Missed daily inspection'].timeEnd).toBeUndefined();
    expect(byTitle['daily inspection succeeded']).toMatchObject({
      time: Date.parse(at(1, 6)),
      timeEnd: Date.parse(at(1, 6)) + 30_000,
    });
    const filtered = await api.call(
      'GET',
      `/api/v1/grafana/annotations?from=${T0}&to=${T0 + 4 * DAY}&businessId=${fx.otherBusinessId}`,
    );
    expect(filtered.body.map((a: { title: string }) => a.title)).toEqual(['daily inspection partial']);
    const bad = await api.call('GET', `/api/v1/grafana/annotations?from=${RANGE.to}&to=${RANGE.from}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('query.to');
  });

  it('health: ok with version and counts', async () => {
    const res = await api.call('GET', '/api/v1/grafana/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.message).toMatch(
      /DB Patrol .+ store: 3 instances, 7 reports, last report 2026-03-04T08:00:00.000Z/,
    );
  });

  it('a viewer token may query; no token is 401', async () => {
    const viewer = await query([{ refId: 'A', queryType: 'scores' }], {}, fx.viewerToken);
    expect(viewer.status).toBe(200);
    expect(framesOf(viewer.body, 'A')).toHaveLength(3);
    expect((await api.call('GET', '/api/v1/grafana/health', { token: fx.viewerToken })).status).toBe(200);
    expect((await query([{ refId: 'A', queryType: 'scores' }], {}, null as unknown as string)).status).toBe(401);
    expect((await api.call('GET', '/api/v1/grafana/variables?kind=tier', { token: null })).status).toBe(401);
  });

  it('the routes are in the OpenAPI document', async () => {
    const doc = (await api.call('GET', '/api/v1/openapi.json', { token: null })).body;
    for (const p of ['/grafana/query', '/grafana/variables', '/grafana/annotations', '/grafana/health']) {
      expect(
        Object.keys(doc.paths).some((k) => k.endsWith(p)),
        p,
      ).toBe(true);
    }
  });
});
