import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../reports/report.types.js';
import type { Inspection } from '../inspections/inspection.model.js';
import type { StoredReport } from '../reports/report.model.js';
import { API_STORES, startApiHarness, type ApiHarness } from '../test/api-harness.js';

const run = promisify(execFile);

/** `name{labels} value` lines of an exposition, keyed by the series as written. */
export function seriesOf(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

const outcome = (checkId: string, status: CheckOutcome['status'], severity?: 'critical' | 'warning'): CheckOutcome => ({
  checkId,
  catalogRef: checkId === 'mysql.uptime' ? 'MY-D01' : 'MY-W07',
  category: 'availability',
  tier: 'daily',
  status,
  ...(severity ? { severity } : {}),
  durationMs: 3,
  findingCount: status === 'fail' ? 1 : 0,
});

function report(
  id: string,
  instanceId: string,
  startedAt: string,
  score: number,
  checks: CheckOutcome[],
): StoredReport {
  const critical = checks.filter((c) => c.severity === 'critical').length;
  const warning = checks.filter((c) => c.severity === 'warning').length;
  return {
    id,
    instanceId,
    instance: { id: instanceId, name: 'x', engine: 'mariadb' },
    server: null,
    reachable: true,
    tier: 'daily',
    window: { from: startedAt, to: startedAt },
    startedAt,
    finishedAt: new Date(Date.parse(startedAt) + 2000).toISOString(),
    durationMs: 2000,
    score,
    counts: {
      pass: checks.filter((c) => c.status === 'pass').length,
      fail: checks.filter((c) => c.status === 'fail').length,
      error: checks.filter((c) => c.status === 'error').length,
      skipped: 0,
      critical,
      warning,
      info: 0,
    },
    checks,
    findings: [],
    catalogVersion: 'test',
    thresholds: {},
    language: 'en',
    fingerprints: {},
    contentHash: id,
    trigger: { kind: 'manual', actor: 'test' },
    maxSeverity: critical ? 'critical' : warning ? 'warning' : null,
  };
}

describe.each(API_STORES)('GET /metrics on a $name store', ({ mongoUrl }) => {
  const options = mongoUrl ? { mongoUrl } : {};
  let api: ApiHarness;
  let viewer: string;
  let text = '';
  const hour = 3_600_000;

  beforeAll(async () => {
    api = await startApiHarness({}, options);
    const biz = await api.call('POST', '/api/v1/businesses', { body: { name: 'payments' } });
    const host = await api.call('POST', '/api/v1/hosts', {
      body: { name: 'db-pay-01', businessId: biz.body.id, address: '10.0.0.1' },
    });
    const inst = await api.call('POST', '/api/v1/instances', {
      body: { name: 'pay-maria', hostId: host.body.id, engine: 'mariadb', port: 3306, user: 'dbpatrol' },
    });
    const idle = await api.call('POST', '/api/v1/instances', {
      body: { name: 'pay-idle', hostId: host.body.id, engine: 'postgres', port: 5432, user: 'dbpatrol' },
    });
    expect([inst.status, idle.status]).toEqual([201, 201]);
    const token = await api.call('POST', '/api/v1/tokens', { body: { name: 'prometheus', role: 'viewer' } });
    viewer = token.body.token;

    const t0 = Date.now() - 10 * hour;
    // The older report had a critical failure; the newer one (the one that counts) only a warning and an error.
    await api.ctx.store.reports.insert(
      report('r1', inst.body.id, new Date(t0).toISOString(), 60, [outcome('mysql.uptime', 'fail', 'critical')]),
    );
    await api.ctx.store.reports.insert(
      report('r2', inst.body.id, new Date(t0 + hour).toISOString(), 93, [
        outcome('mysql.uptime', 'pass'),
        outcome('mysql.users-without-password', 'fail', 'warning'),
        outcome('mysql.binlog', 'error'),
      ]),
    );

    const schedule = await api.call('POST', '/api/v1/schedules', {
      body: {
        name: 'nightly',
        instanceIds: [inst.body.id],
        tier: 'daily',
        frequency: { kind: 'daily' },
        time: '02:00:00',
        timezone: 'UTC',
        windowDays: 1,
      },
    });
    expect(schedule.status).toBe(201);
    const sid: string = schedule.body.id;
    const occurrence = (n: number): Inspection => ({
      id: `occ-${n}`,
      scheduleId: sid,
      fireAt: new Date(t0 - n * 24 * hour).toISOString(),
      trigger: { kind: 'schedule', scheduleId: sid, scheduleName: 'nightly' },
      tier: 'daily',
      window: { from: new Date(t0).toISOString(), to: new Date(t0).toISOString() },
      state: 'queued',
      progress: [],
      cancelRequested: false,
      attempt: 1,
      createdAt: new Date(t0 - n * 24 * hour).toISOString(),
    });
    // Two runs of 4 s and 40 s that succeeded, one missed occurrence.
    for (const [n, seconds] of [
      [1, 4],
      [2, 40],
    ] as const) {
      const claimed = await api.ctx.store.inspections.claimOccurrence(occurrence(n));
      const startedAt = new Date(t0 - n * 24 * hour);
      await api.ctx.store.inspections.update(claimed!.id, 1, {
        state: 'succeeded',
        startedAt: startedAt.toISOString(),
        finishedAt: new Date(startedAt.getTime() + seconds * 1000).toISOString(),
        worker: 'w1',
      });
    }
    const missed = await api.ctx.store.inspections.claimOccurrence(occurrence(3));
    await api.ctx.store.inspections.update(missed!.id, 1, { state: 'missed' });

    const res = await api.call('GET', '/metrics', { token: viewer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    text = res.text;
  }, 60_000);

  afterAll(async () => {
    await api?.close();
  });

  it('needs a token: 401 without one or with a wrong one', async () => {
    expect((await api.call('GET', '/metrics', { token: null })).status).toBe(401);
    const wrong = await api.call('GET', '/metrics', { token: 'dbp_not-a-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBeDefined();
  });

  it('shows the latest report per instance and tier: score, findings, failing and errored checks', () => {
    const s = seriesOf(text);
    const labels = 'business="payments",host="db-pay-01",instance="pay-maria",engine="mariadb",tier="daily"';
    expect(s.get(`dbpatrol_instance_score{${labels}}`)).toBe(93);
    expect(s.get(`dbpatrol_instance_open_findings{${labels},severity="warning"}`)).toBe(1);
    expect(s.get(`dbpatrol_instance_open_findings{${labels},severity="critical"}`)).toBe(0);
    expect(s.get(`dbpatrol_instance_checks_errored{${labels}}`)).toBe(1);
    expect(
      s.get(
        `dbpatrol_check_failing{${labels},check="mysql.users-without-password",catalog_ref="MY-W07",severity="warning"}`,
      ),
    ).toBe(1);
    // Only failing checks have series: the resolved critical one and the errored one have none.
    const failing = [...s.keys()].filter((k) => k.startsWith('dbpatrol_check_failing{'));
    expect(failing).toHaveLength(1);
    expect(s.get('dbpatrol_instances')).toBe(2);
    expect([...s.keys()].some((k) => k.includes('instance="pay-idle"'))).toBe(false);
  });

  it('shows each active schedule: last success, next fire, period, missed occurrences, runs by state', () => {
    const s = seriesOf(text);
    const labels = 'schedule="nightly",tier="daily"';
    const t1 = Date.now() - 10 * hour - 24 * hour;
    expect(s.get(`dbpatrol_schedule_last_success_timestamp_seconds{${labels}}`)).toBeCloseTo((t1 + 4000) / 1000, 0);
    expect(s.get(`dbpatrol_schedule_period_seconds{${labels}}`)).toBe(86400);
    const next = s.get(`dbpatrol_schedule_next_fire_timestamp_seconds{${labels}}`)!;
    expect(new Date(next * 1000).toISOString()).toMatch(/T02:00:00\.000Z$/);
    expect(next * 1000).toBeGreaterThan(Date.now());
    expect(s.get(`dbpatrol_schedule_missed_occurrences_total{${labels}}`)).toBe(1);
    expect(s.get(`dbpatrol_schedule_runs_total{${labels},state="succeeded"}`)).toBe(2);
    expect(s.get(`dbpatrol_schedule_runs_total{${labels},state="missed"}`)).toBe(1);
  });

  it('shows service metrics: runs by trigger and state, the duration histogram, process metrics', () => {
    const s = seriesOf(text);
    expect(s.get('dbpatrol_inspections_total{trigger="schedule",state="succeeded"}')).toBe(2);
    expect(s.get('dbpatrol_inspections_total{trigger="schedule",state="missed"}')).toBe(1);
    expect(s.get('dbpatrol_inspection_duration_seconds_bucket{le="1"}')).toBe(0);
    expect(s.get('dbpatrol_inspection_duration_seconds_bucket{le="5"}')).toBe(1);
    expect(s.get('dbpatrol_inspection_duration_seconds_bucket{le="30"}')).toBe(1);
    expect(s.get('dbpatrol_inspection_duration_seconds_bucket{le="60"}')).toBe(2);
    expect(s.get('dbpatrol_inspection_duration_seconds_bucket{le="+Inf"}')).toBe(2);
    expect(s.get('dbpatrol_inspection_duration_seconds_sum')).toBeCloseTo(44, 3);
    expect(s.get('dbpatrol_inspection_duration_seconds_count')).toBe(2);
    expect(s.has('process_cpu_user_seconds_total')).toBe(true);
    expect(s.get('dbpatrol_metrics_collect_seconds')).toBeGreaterThan(0);
  });

  it('passes promtool check metrics', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-metrics-'));
    try {
      const file = path.join(dir, 'metrics.txt');
      await writeFile(file, text);
      const { stdout, stderr } = await run('sh', ['-c', `promtool check metrics < ${file}`]);
      expect(stdout + stderr).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('never shows a token or password', () => {
    expect(text).not.toContain(viewer);
    expect(text).not.toContain(api.adminToken);
  });
});

describe('GET /metrics with DBPATROL_METRICS_PUBLIC=true', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApiHarness({ DBPATROL_METRICS_PUBLIC: 'true' });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('answers without a token; the API still needs one', async () => {
    const res = await api.call('GET', '/metrics', { token: null });
    expect(res.status).toBe(200);
    expect(seriesOf(res.text).get('dbpatrol_instances')).toBe(0);
    expect((await api.call('GET', '/api/v1/businesses', { token: null })).status).toBe(401);
  });
});
