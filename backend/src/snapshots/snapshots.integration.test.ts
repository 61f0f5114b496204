import type { Job } from 'agenda';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toTexts } from '../checks/check.types.js';
import { CLI_ACTOR } from '../http/actor.js';
import type { SnapshotData } from '../schedules/scheduler.js';
import { startApiHarness, type ApiHarness } from '../test/api-harness.js';
import { MARIADB_ROOT } from '../test/mysql-fixtures.js';
import { randomSuffix } from '../test/pg-fixtures.js';
import { baselineFor, sameLifetime } from './baseline.js';
import { collectorHandler, nextSlot } from './collector.job.js';

describe('nextSlot and sameLifetime', () => {
  it.each([
    ['2026-11-24T10:07:00.000Z', 15 * 60_000, '2026-11-24T10:15:00.000Z'],
    ['2026-11-24T10:15:00.000Z', 15 * 60_000, '2026-11-24T10:30:00.000Z'],
    ['2026-11-24T10:00:09.999Z', 10_000, '2026-11-24T10:00:10.000Z'],
  ])('after %s every %d ms → %s', (now, interval, expected) => {
    expect(nextSlot(new Date(now), interval).toISOString()).toBe(expected);
  });
  it.each([
    ['2026-11-24T10:00:00Z', '2026-11-24T10:00:01Z', true],
    ['2026-11-24T10:00:00Z', '2026-11-24T10:00:05Z', true],
    ['2026-11-24T10:00:00Z', '2026-11-24T10:03:00Z', false],
  ])('%s and %s are one server lifetime: %s', (a, b, expected) => expect(sameLifetime(a, b)).toBe(expected));
});

/** Snapshots of the local servers: taken by every inspection and by the collector for scheduled instances. */
describe('counter snapshots', () => {
  let api: ApiHarness;
  let pg: string;
  let maria: string;
  let unscheduled: string;

  beforeAll(async () => {
    api = await startApiHarness();
    const biz = await api.ctx.inventory.createBusiness(CLI_ACTOR, { name: 'snap' });
    const host = await api.ctx.inventory.createHost(CLI_ACTOR, {
      name: 'snap-host',
      businessId: biz.id,
      address: '127.0.0.1',
    });
    const add = async (name: string, engine: 'postgres' | 'mariadb', port: number, user: string) =>
      (
        await api.ctx.inventory.createInstance(CLI_ACTOR, {
          name,
          hostId: host.id,
          engine,
          port,
          user,
          ...(engine === 'mariadb' ? { password: MARIADB_ROOT.password } : {}),
        })
      ).id;
    pg = await add('snap-pg', 'postgres', 5432, 'postgres');
    maria = await add('snap-maria', 'mariadb', MARIADB_ROOT.port, 'root');
    unscheduled = await add('snap-idle', 'postgres', 5432, 'postgres');
  });
  afterAll(() => api?.close());

  it('stores the counters of every instance an active schedule covers, and only those, per slot', async () => {
    await api.ctx.schedules.create(CLI_ACTOR, {
      name: 'snap-weekly',
      instanceIds: [pg, maria],
      tier: 'weekly',
      frequency: { kind: 'weekly', dayOfWeek: 1 },
      time: '08:00:00',
      timezone: 'UTC',
      windowDays: 7,
      catchUp: 'latest',
    });
    const slot = new Date();
    const touches: number[] = [];
    const job = {
      attrs: { data: { slot: slot.toISOString() } },
      touch: async () => void touches.push(1),
    } as unknown as Job<SnapshotData>;
    await collectorHandler({
      store: api.ctx.store,
      scheduler: api.ctx.scheduler,
      inspector: api.ctx.inspector,
      logger: api.ctx.logger,
      intervalMs: 60_000,
      retentionDays: 400,
    })(job);
    const after = new Date(Date.now() + 1000).toISOString();
    const pgSnap = await api.ctx.store.snapshots.latestAtOrBefore(pg, after);
    const mySnap = await api.ctx.store.snapshots.latestAtOrBefore(maria, after);
    expect(pgSnap?.counters['db.postgres.xact_commit']).toBeGreaterThan(0);
    expect(pgSnap?.counters).toHaveProperty('archiver.failed_count');
    expect(mySnap?.counters['status.connections']).toBeGreaterThan(0);
    expect(mySnap?.counters).toHaveProperty('status.aborted_connects');
    expect(await api.ctx.store.snapshots.latestAtOrBefore(unscheduled, after)).toBeNull();
    expect(touches.length).toBeGreaterThan(0);
    expect(await api.ctx.scheduler.agenda.queryJobs({ name: 'snapshots:collect' })).toMatchObject({ total: 1 });
  });

  it('takes a snapshot with each inspection and offers the one at the window start as the baseline', async () => {
    const t0 = new Date();
    await api.ctx.inspector.snapshot(pg, t0);
    const t1 = new Date(t0.getTime() + 2000);
    await api.ctx.inspector.inspectInstance(pg, {
      tier: 'daily',
      window: { from: t1, to: new Date(t1.getTime() + 1000) },
      now: new Date(t1.getTime() + 1000),
      trigger: { kind: 'manual' },
    });
    const taken = await api.ctx.store.snapshots.latestAtOrBefore(pg, new Date(t1.getTime() + 5000).toISOString());
    expect(taken?.takenAt).toBe(new Date(t1.getTime() + 1000).toISOString());
    const window = { from: t1, to: new Date(t1.getTime() + 1000) };
    const baseline = await baselineFor(api.ctx.store.snapshots, pg, window, taken!.serverStartedAt);
    expect(baseline).toMatchObject({ takenAt: t0.toISOString(), coversWindowStart: true });
    expect(await baselineFor(api.ctx.store.snapshots, pg, window, '2000-01-01T00:00:00.000Z')).toBeUndefined();
    const uncovered = await baselineFor(
      api.ctx.store.snapshots,
      pg,
      { from: new Date(t0.getTime() - 60_000), to: t1 },
      taken!.serverStartedAt,
    );
    expect(uncovered?.coversWindowStart).toBe(false);
  });

  it.each([
    // window [10:00, 12:00); snapshots at 09:45 (lifetime A), 11:45 (A) and, after a restart at 13:00, 13:15 (B)
    { name: 'on time: the live counters are the end edge', now: '12:00:05', current: 'A', end: undefined },
    { name: 'late, the 11:45 snapshot is nearer the window end than now', now: '12:30', current: 'A', end: '11:45' },
    { name: 'a few minutes late, now is nearer than 11:45', now: '12:10', current: 'A', end: undefined },
    { name: 'late, after a restart: both edges from the old lifetime', now: '14:00', current: 'B', end: '11:45' },
  ])('baseline of a run at $now: $name', async ({ now, current, end }) => {
    const instanceId = `synthetic-${randomSuffix()}`;
    const at = (hhmm: string) => `2026-11-20T${hhmm.length === 5 ? `${hhmm}:00` : hhmm}.000Z`;
    const lifetime = { A: at('08:00'), B: at('13:00') };
    for (const [takenAt, started, n] of [
      ['09:45', lifetime.A, 10],
      ['11:45', lifetime.A, 15],
      ['13:15', lifetime.B, 1],
    ] as const) {
      await api.ctx.store.snapshots.insert({
        instanceId,
        takenAt: at(takenAt),
        serverStartedAt: started,
        counters: { 'status.innodb_deadlocks': n },
      });
    }
    const window = { from: new Date(at('10:00')), to: new Date(at('12:00')) };
    const b = await baselineFor(
      api.ctx.store.snapshots,
      instanceId,
      window,
      lifetime[current as 'A' | 'B'],
      new Date(at(now)),
    );
    expect(b).toMatchObject({ takenAt: at('09:45'), coversWindowStart: true });
    expect(b?.end?.takenAt).toBe(end ? at(end) : undefined);
    if (end) expect(b?.end?.counters).toEqual({ 'status.innodb_deadlocks': 15 });
  });

  it('counts a delta check over the window from the snapshot at its start', async () => {
    await api.ctx.thresholds.set(CLI_ACTOR, 'mysql.aborted-connections', 'instance', maria, { warnPercent: 0 });
    const t0 = new Date();
    await api.ctx.inspector.snapshot(maria, t0);
    for (let i = 0; i < 3; i++) {
      await mysql
        .createConnection({ ...MARIADB_ROOT, user: `dbp_nobody_${randomSuffix()}`, password: 'wrong' })
        .then((c) => c.end())
        .catch(() => undefined);
    }
    const from = new Date(t0.getTime() + 1);
    const report = await api.ctx.inspector.inspectInstance(maria, {
      tier: 'daily',
      window: { from, to: new Date() },
      trigger: { kind: 'manual' },
    });
    const finding = report.findings.find((f) => f.checkId === 'mysql.aborted-connections');
    expect(toTexts(finding?.message ?? '').en).toContain(`in the window since ${t0.toISOString()}`);
    const aborted = finding?.evidence?.find(
      (e) => e.counter === 'Aborted_connects' || e.counter === 'status.aborted_connects',
    );
    expect(Number(aborted?.delta)).toBeGreaterThanOrEqual(3);
  });
  it('counts a late run up to the snapshot at the window end', async () => {
    await api.ctx.thresholds.set(CLI_ACTOR, 'mysql.aborted-connections', 'instance', maria, { warnPercent: 0 });
    const failLogins = async () => {
      for (let i = 0; i < 3; i++) {
        await mysql
          .createConnection({ ...MARIADB_ROOT, user: `dbp_nobody_${randomSuffix()}`, password: 'wrong' })
          .then((c) => c.end())
          .catch(() => undefined);
      }
    };
    // Real times: a snapshot's server start is its time minus the uptime it reads.
    const t0 = new Date();
    await api.ctx.inspector.snapshot(maria, t0);
    await failLogins();
    const t1 = new Date();
    await api.ctx.inspector.snapshot(maria, t1);
    await failLogins();
    const atEnd = await api.ctx.store.snapshots.latestAtOrBefore(maria, t1.toISOString());
    const report = await api.ctx.inspector.inspectInstance(maria, {
      tier: 'daily',
      window: { from: new Date(t0.getTime() + 1), to: new Date(t1.getTime() + 1) },
      now: new Date(),
      trigger: { kind: 'manual' },
    });
    const finding = report.findings.find((f) => f.checkId === 'mysql.aborted-connections');
    expect(toTexts(finding?.message ?? '').en).toContain(
      `in the window since ${t0.toISOString()} until ${t1.toISOString()}`,
    );
    const aborted = finding?.evidence?.find((e) => e.counter === 'Aborted_connects');
    // The end edge is the snapshot, not the live counter that also holds the three failures after it.
    expect(aborted?.current).toBe(atEnd?.counters['status.aborted_connects']);
    expect(Number(aborted?.delta)).toBeGreaterThanOrEqual(3);
  });
});
