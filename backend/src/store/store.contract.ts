import { randomUUID } from 'node:crypto';
import { Agenda } from 'agenda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiTokenRecord } from '../auth/token.types.js';
import { ConflictError, InputError, NotFoundError } from '../errors/domain-errors.js';
import type { Business, Host, InstanceRecord } from '../inventory/inventory.schema.js';
import type { StoredReport } from '../reports/report.model.js';
import type { Schedule } from '../schedules/schedule.model.js';
import type { Inspection } from '../inspections/inspection.model.js';
import type { InventoryWritePlan, Store } from './store.js';

/** How a contract run gets a fresh, migrated store and disposes of it. */
export interface StoreHarness {
  open(): Promise<Store>;
  dispose(store: Store): Promise<void>;
}

const T0 = '2026-01-02T03:04:05.000Z';
const T1 = '2026-01-02T03:04:06.000Z';

export const aBusiness = (name: string, extra: Partial<Business> = {}): Business => ({
  id: randomUUID(),
  name,
  createdAt: T0,
  updatedAt: T0,
  ...extra,
});
export const aHost = (name: string, businessId: string, extra: Partial<Host> = {}): Host => ({
  id: randomUUID(),
  name,
  businessId,
  address: '10.0.0.1',
  labels: {},
  createdAt: T0,
  updatedAt: T0,
  ...extra,
});
export const anInstance = (name: string, hostId: string, extra: Partial<InstanceRecord> = {}): InstanceRecord => ({
  id: randomUUID(),
  name,
  hostId,
  engine: 'postgres',
  port: 5432,
  user: 'monitor',
  labels: {},
  enabled: true,
  createdAt: T0,
  updatedAt: T0,
  ...extra,
});
export const aReport = (instanceId: string, startedAt: string, extra: Partial<StoredReport> = {}): StoredReport => ({
  id: randomUUID(),
  instanceId,
  trigger: { kind: 'manual', actor: 'admin' },
  maxSeverity: null,
  instance: { id: instanceId, name: 'pg-1', engine: 'postgres' },
  server: { engine: 'postgres', flavor: 'postgres', version: '15.20', role: 'primary', uptimeSeconds: 10 },
  reachable: true,
  tier: 'weekly',
  window: { from: '2026-01-01T00:00:00.000Z', to: startedAt },
  startedAt,
  finishedAt: startedAt,
  durationMs: 5,
  score: 100,
  counts: { pass: 1, fail: 0, error: 0, skipped: 0, critical: 0, warning: 0, info: 0 },
  checks: [],
  findings: [],
  catalogVersion: '0.1.0+abcdef01',
  thresholds: {},
  language: 'en',
  fingerprints: {},
  contentHash: 'f'.repeat(64),
  ...extra,
});

export const aSchedule = (name: string, extra: Partial<Schedule> = {}): Schedule => ({
  id: randomUUID(),
  name,
  instanceIds: ['i1'],
  tier: 'weekly',
  frequency: { kind: 'weekly', dayOfWeek: 3 },
  time: '08:00:00',
  timezone: 'Asia/Shanghai',
  windowDays: 3,
  catchUp: 'latest',
  status: 'active',
  version: 1,
  createdAt: T0,
  updatedAt: T0,
  createdBy: 'admin',
  ...extra,
});

export const anInspection = (extra: Partial<Inspection> = {}): Inspection => ({
  id: randomUUID(),
  trigger: { kind: 'manual', actor: 'admin' },
  tier: 'daily',
  window: { from: T0, to: T1 },
  instanceIds: ['i1', 'i2'],
  state: 'queued',
  progress: [
    { instanceId: 'i1', instanceName: 'one', state: 'queued', checksDone: 0, checksTotal: 0 },
    { instanceId: 'i2', instanceName: 'two', state: 'queued', checksDone: 0, checksTotal: 0 },
  ],
  cancelRequested: false,
  attempt: 1,
  createdAt: T0,
  ...extra,
});

const emptyPlan = (): InventoryWritePlan => ({
  businesses: { create: [], update: [] },
  hosts: { create: [], update: [] },
  instances: { create: [], update: [] },
});

/** The behaviour every Store adapter must show; run against each adapter with its own harness. */
export function describeStoreContract(name: string, harness: StoreHarness): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await harness.open();
    });
    afterAll(async () => {
      if (store) await harness.dispose(store);
    });
    const unique = (base: string) => `${base} ${randomUUID().slice(0, 8)}`;

    it('migrates idempotently, also when two starters race', async () => {
      await Promise.all([store.migrate(), store.migrate()]);
      await store.migrate();
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('keeps businesses with unique names, sorted by name', async () => {
      const b = await store.inventory.insertBusiness(aBusiness(unique('zz-pay'), { description: 'payments' }));
      const a = await store.inventory.insertBusiness(aBusiness(unique('aa-core')));
      expect(a).not.toHaveProperty('description');
      expect(await store.inventory.getBusiness(b.id)).toEqual(b);
      const names = (await store.inventory.listBusinesses()).map((x) => x.name);
      expect(names.indexOf(a.name)).toBeLessThan(names.indexOf(b.name));
      await expect(store.inventory.insertBusiness(aBusiness(b.name))).rejects.toBeInstanceOf(ConflictError);
      await expect(store.inventory.updateBusiness({ ...a, name: b.name })).rejects.toThrow(/already exists/);
      const renamed = await store.inventory.updateBusiness({ ...a, name: `${a.name}-x`, updatedAt: T1 });
      expect(renamed).toMatchObject({ name: `${a.name}-x`, createdAt: T0, updatedAt: T1 });
      await expect(store.inventory.updateBusiness(aBusiness('ghost'))).rejects.toBeInstanceOf(NotFoundError);
      await store.inventory.deleteBusiness(a.id);
      expect(await store.inventory.getBusiness(a.id)).toBeNull();
      await expect(store.inventory.deleteBusiness(a.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('refuses hosts of a missing business and deleting a business that has hosts', async () => {
      const b = await store.inventory.insertBusiness(aBusiness(unique('biz')));
      const err = await store.inventory.insertHost(aHost(unique('h'), randomUUID())).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).details[0]?.path).toBe('businessId');
      const h = await store.inventory.insertHost(aHost(unique('h'), b.id, { labels: { env: 'prod', dc: 'sh' } }));
      await expect(store.inventory.deleteBusiness(b.id)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.inventory.getBusiness(b.id)).not.toBeNull();
      await expect(store.inventory.updateHost({ ...h, businessId: randomUUID() })).rejects.toBeInstanceOf(InputError);
      expect(await store.inventory.getHost(h.id)).toEqual(h);
    });

    it('filters hosts by business and by all given labels', async () => {
      const b1 = await store.inventory.insertBusiness(aBusiness(unique('b1')));
      const b2 = await store.inventory.insertBusiness(aBusiness(unique('b2')));
      const h1 = await store.inventory.insertHost(aHost(unique('h1'), b1.id, { labels: { env: 'prod', dc: 'sh' } }));
      const h2 = await store.inventory.insertHost(aHost(unique('h2'), b1.id, { labels: { env: 'test' } }));
      const h3 = await store.inventory.insertHost(aHost(unique('h3'), b2.id, { labels: { env: 'prod' } }));
      expect((await store.inventory.listHosts({ businessId: b1.id })).map((h) => h.id).sort()).toEqual(
        [h1.id, h2.id].sort(),
      );
      const prod = (await store.inventory.listHosts({ labels: { env: 'prod' } })).map((h) => h.id);
      expect(prod).toEqual(expect.arrayContaining([h1.id, h3.id]));
      expect(prod).not.toContain(h2.id);
      expect(
        (await store.inventory.listHosts({ businessId: b1.id, labels: { env: 'prod', dc: 'sh' } })).map((h) => h.id),
      ).toEqual([h1.id]);
      expect(await store.inventory.listHosts({ businessId: b2.id, labels: { env: 'test' } })).toEqual([]);
    });

    it('round-trips instances exactly, optional fields absent when unset', async () => {
      const b = await store.inventory.insertBusiness(aBusiness(unique('b')));
      const h = await store.inventory.insertHost(aHost(unique('h'), b.id));
      const full = anInstance(unique('full'), h.id, {
        engine: 'mariadb',
        port: 3306,
        passwordSealed: 'v1:abc:def:ghi:jkl',
        database: 'app',
        tls: { mode: 'verify-ca', ca: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----' },
        labels: { env: 'prod', 'team.name': '支付' },
        backupEvidenceSql: 'SELECT max(end_time) AS last_backup_end FROM backups',
        enabled: false,
      });
      const bare = anInstance(unique('bare'), h.id);
      expect(await store.inventory.insertInstance(full)).toEqual(full);
      expect(await store.inventory.insertInstance(bare)).toEqual(bare);
      expect(await store.inventory.getInstance(bare.id)).toEqual(bare);
      for (const key of ['passwordSealed', 'database', 'tls', 'backupEvidenceSql']) {
        expect(await store.inventory.getInstance(bare.id)).not.toHaveProperty(key);
      }
      const { passwordSealed: _p, database: _d, ...cleared } = full;
      expect(await store.inventory.updateInstance({ ...cleared, updatedAt: T1 })).toEqual({
        ...cleared,
        updatedAt: T1,
      });
      await expect(store.inventory.insertInstance(anInstance(full.name, h.id))).rejects.toBeInstanceOf(ConflictError);
      const orphan = await store.inventory
        .insertInstance(anInstance(unique('o'), randomUUID()))
        .catch((e: unknown) => e);
      expect((orphan as InputError).details?.[0]?.path).toBe('hostId');
      await expect(store.inventory.deleteHost(h.id)).rejects.toBeInstanceOf(ConflictError);
      await store.inventory.deleteInstance(bare.id);
      await expect(store.inventory.deleteInstance(bare.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('filters instances by business, host, engine and labels', async () => {
      const b1 = await store.inventory.insertBusiness(aBusiness(unique('fb1')));
      const b2 = await store.inventory.insertBusiness(aBusiness(unique('fb2')));
      const h1 = await store.inventory.insertHost(aHost(unique('fh1'), b1.id));
      const h2 = await store.inventory.insertHost(aHost(unique('fh2'), b2.id));
      const i1 = await store.inventory.insertInstance(
        anInstance(unique('i1'), h1.id, { engine: 'mysql', labels: { env: 'prod' } }),
      );
      const i2 = await store.inventory.insertInstance(anInstance(unique('i2'), h1.id, { labels: { env: 'test' } }));
      const i3 = await store.inventory.insertInstance(anInstance(unique('i3'), h2.id, { labels: { env: 'prod' } }));
      const ids = async (f: Parameters<Store['inventory']['listInstances']>[0]) =>
        (await store.inventory.listInstances(f)).map((i) => i.id).sort();
      expect(await ids({ businessId: b1.id })).toEqual([i1.id, i2.id].sort());
      expect(await ids({ hostId: h2.id })).toEqual([i3.id]);
      expect(await ids({ businessId: b1.id, engine: 'mysql' })).toEqual([i1.id]);
      expect(await ids({ businessId: b2.id, labels: { env: 'prod' } })).toEqual([i3.id]);
      expect(await ids({ businessId: b2.id, labels: { env: 'test' } })).toEqual([]);
    });

    it('applies an import plan all or nothing', async () => {
      const existing = await store.inventory.insertBusiness(aBusiness(unique('plan-old')));
      const failing = emptyPlan();
      const b = aBusiness(unique('plan-new'));
      failing.businesses.create.push(b);
      failing.hosts.create.push(aHost(unique('plan-h'), b.id));
      failing.businesses.create.push(aBusiness(existing.name));
      await expect(store.inventory.applyPlan(failing)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.inventory.getBusiness(b.id)).toBeNull();

      const ok = emptyPlan();
      const renamedOld = { ...existing, name: `${existing.name}-renamed`, updatedAt: T1 };
      const reuse = aBusiness(existing.name);
      const host = aHost(unique('plan-h2'), reuse.id);
      const inst = anInstance(unique('plan-i'), host.id, { passwordSealed: 'v1:k:a:b:c' });
      ok.businesses.update.push(renamedOld);
      ok.businesses.create.push(reuse);
      ok.hosts.create.push(host);
      ok.instances.create.push(inst);
      await store.inventory.applyPlan(ok);
      const snap = await store.inventory.snapshot();
      expect(snap.businesses).toEqual(expect.arrayContaining([renamedOld, reuse]));
      expect(snap.hosts).toEqual(expect.arrayContaining([host]));
      expect(snap.instances).toEqual(expect.arrayContaining([inst]));
      await store.inventory.replaceSealedPasswords([{ id: inst.id, passwordSealed: 'v1:k2:d:e:f' }]);
      expect((await store.inventory.getInstance(inst.id))?.passwordSealed).toBe('v1:k2:d:e:f');
    });

    it('stores tokens by hash, never returning the hash in lists', async () => {
      const rec: ApiTokenRecord = {
        id: randomUUID(),
        name: unique('grafana'),
        role: 'editor',
        hash: randomUUID().replace(/-/g, ''),
        createdAt: T0,
        createdBy: 'cli',
      };
      const before = await store.tokens.count();
      const saved = await store.tokens.insert(rec);
      expect(saved).not.toHaveProperty('hash');
      expect(await store.tokens.count()).toBe(before + 1);
      await expect(store.tokens.insert({ ...rec, id: randomUUID(), hash: 'other' })).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(await store.tokens.findByHash(rec.hash)).toEqual(rec);
      expect(await store.tokens.findByHash('nope')).toBeNull();
      await store.tokens.markUsed(rec.id, T1);
      expect((await store.tokens.findByHash(rec.hash))?.lastUsedAt).toBe(T1);
      const listed = (await store.tokens.list()).find((t) => t.id === rec.id);
      expect(listed).toEqual({ ...saved, lastUsedAt: T1 });
      expect(listed).not.toHaveProperty('hash');
      await store.tokens.delete(rec.id);
      await expect(store.tokens.delete(rec.id)).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.tokens.findByHash(rec.hash)).toBeNull();
    });

    it('keeps threshold overrides per check and scope, replacing on put', async () => {
      const checkId = unique('postgres.x').replace(' ', '-');
      const base = { checkId, updatedAt: T0, updatedBy: 'admin' };
      await store.thresholds.put({ ...base, scope: 'global', scopeId: '', values: { warnPercent: 70 } });
      await store.thresholds.put({ ...base, scope: 'instance', scopeId: 'i1', values: { warnPercent: 60 } });
      const replaced = await store.thresholds.put({
        ...base,
        scope: 'global',
        scopeId: '',
        values: { warnPercent: 75, critPercent: 95 },
        updatedAt: T1,
      });
      expect(replaced.values).toEqual({ warnPercent: 75, critPercent: 95 });
      const listed = await store.thresholds.list(checkId);
      expect(listed.map((o) => [o.scope, o.scopeId, o.values])).toEqual([
        ['global', '', { warnPercent: 75, critPercent: 95 }],
        ['instance', 'i1', { warnPercent: 60 }],
      ]);
      expect(await store.thresholds.remove(checkId, 'instance', 'i1')).toBe(true);
      expect(await store.thresholds.remove(checkId, 'instance', 'i1')).toBe(false);
      expect((await store.thresholds.list()).filter((o) => o.checkId === checkId)).toHaveLength(1);
    });

    it('stores reports whole and lists their summaries newest first with filters', async () => {
      const inst = randomUUID();
      const other = randomUUID();
      const at = (d: number) => new Date(Date.UTC(2026, 2, d)).toISOString();
      const r1 = aReport(inst, at(1), { businessId: 'b1' });
      const r2 = aReport(inst, at(2), {
        businessId: 'b1',
        maxSeverity: 'critical',
        score: 80,
        counts: { pass: 0, fail: 1, error: 0, skipped: 0, critical: 1, warning: 0, info: 0 },
        findings: [
          {
            checkId: 'c',
            catalogRef: 'PG-D01',
            category: 'availability',
            tier: 'daily',
            severity: 'critical',
            object: '"s"."t"',
            message: 'm',
            remediation: 'r',
          },
        ],
      });
      const r3 = aReport(inst, at(3), { tier: 'daily', maxSeverity: 'warning' });
      const r4 = aReport(other, at(4), { maxSeverity: 'info' });
      for (const r of [r1, r2, r3, r4]) await store.reports.insert(r);
      expect(await store.reports.get(r2.id)).toEqual(r2);
      expect(await store.reports.get(randomUUID())).toBeNull();
      const ids = async (q: Partial<Parameters<Store['reports']['list']>[0]>) =>
        (await store.reports.list({ limit: 50, ...q })).map((s) => s.id);
      expect(await ids({ instanceId: inst })).toEqual([r3.id, r2.id, r1.id]);
      expect(await ids({ instanceId: inst, tier: 'weekly' })).toEqual([r2.id, r1.id]);
      expect(await ids({ businessId: 'b1' })).toEqual([r2.id, r1.id]);
      expect(await ids({ instanceId: inst, severity: 'warning' })).toEqual([r3.id, r2.id]);
      expect(await ids({ instanceId: inst, severity: 'critical' })).toEqual([r2.id]);
      expect(await ids({ instanceId: inst, from: at(2), to: at(3) })).toEqual([r2.id]);
      expect(await ids({ instanceId: inst, before: at(3), limit: 1 })).toEqual([r2.id]);
      const summary = (await store.reports.list({ limit: 1, instanceId: other }))[0];
      expect(summary).toMatchObject({ id: r4.id, instanceName: 'pg-1', maxSeverity: 'info', score: 100 });
      expect(summary).not.toHaveProperty('findings');
      expect((await store.reports.latest(inst, 'weekly'))?.id).toBe(r2.id);
      expect((await store.reports.latest(inst, 'weekly', at(2)))?.id).toBe(r1.id);
      expect(await store.reports.latest(inst, 'annual')).toBeNull();
    });

    it('keeps one live schedule per name, with compare-and-set updates', async () => {
      const name = unique('nightly');
      const s = await store.schedules.insert(
        aSchedule(name, { selector: { labels: { env: 'prod' } }, maxLatenessSeconds: 600 }),
      );
      expect(await store.schedules.get(s.id)).toEqual(s);
      expect(await store.schedules.getByName(name)).toEqual(s);
      await expect(store.schedules.insert(aSchedule(name))).rejects.toThrow(
        `a schedule named "${name}" already exists`,
      );
      const paused = await store.schedules.update({ ...s, status: 'paused', version: 2, updatedAt: T1 }, 1);
      expect(paused).toMatchObject({
        status: 'paused',
        version: 2,
        updatedAt: T1,
        createdAt: T0,
        timezone: 'Asia/Shanghai',
      });
      expect(await store.schedules.update({ ...s, status: 'active', version: 2 }, 1)).toBeNull();
      expect((await store.schedules.list({ status: ['paused'] })).map((x) => x.id)).toContain(s.id);
      expect((await store.schedules.list({ status: ['active'] })).map((x) => x.id)).not.toContain(s.id);
      const before = await store.schedules.count({ status: ['active', 'paused'] });
      await store.schedules.update({ ...s, status: 'cancelled', version: 3 }, 2);
      expect(await store.schedules.getByName(name)).toBeNull();
      expect(await store.schedules.count({ status: ['active', 'paused'] })).toBe(before - 1);
      const again = await store.schedules.insert(aSchedule(name));
      expect((await store.schedules.getByName(name))?.id).toBe(again.id);
    });

    it('inserts immediate inspections idempotently by request id', async () => {
      const requestId = unique('req');
      const first = await store.inspections.insertImmediate(anInspection({ requestId }));
      expect(first.created).toBe(true);
      const second = await store.inspections.insertImmediate(anInspection({ requestId }));
      expect(second).toEqual({ inspection: first.inspection, created: false });
      expect(await store.inspections.get(first.inspection.id)).toEqual(first.inspection);
    });

    it('claims each scheduled occurrence once per attempt and never after it finished', async () => {
      const scheduleId = randomUUID();
      const fireAt = '2026-11-25T00:00:00.000Z';
      const occurrence = anInspection({
        scheduleId,
        fireAt,
        trigger: { kind: 'schedule', scheduleId, scheduleName: 's' },
      });
      const a1 = await store.inspections.claimOccurrence(occurrence);
      expect(a1).toMatchObject({ id: occurrence.id, attempt: 1, state: 'queued' });
      const a2 = await store.inspections.claimOccurrence({ ...occurrence, id: randomUUID() });
      expect(a2).toMatchObject({ id: occurrence.id, attempt: 2 });
      expect(await store.inspections.update(occurrence.id, 1, { state: 'running' })).toBe(false);
      expect(await store.inspections.update(occurrence.id, 2, { state: 'running', worker: 'w2', startedAt: T1 })).toBe(
        true,
      );
      expect(
        await store.inspections.setProgress(occurrence.id, 2, {
          instanceId: 'i2',
          instanceName: 'two',
          state: 'done',
          checksDone: 5,
          checksTotal: 5,
          reportId: 'r2',
          score: 95,
        }),
      ).toBe(true);
      expect(
        await store.inspections.setProgress(occurrence.id, 1, {
          instanceId: 'i1',
          instanceName: 'one',
          state: 'done',
          checksDone: 1,
          checksTotal: 1,
        }),
      ).toBe(false);
      const running = await store.inspections.getOccurrence(scheduleId, fireAt);
      expect(running).toMatchObject({ state: 'running', worker: 'w2', startedAt: T1, attempt: 2 });
      expect(running?.progress).toEqual([
        { instanceId: 'i1', instanceName: 'one', state: 'queued', checksDone: 0, checksTotal: 0 },
        {
          instanceId: 'i2',
          instanceName: 'two',
          state: 'done',
          checksDone: 5,
          checksTotal: 5,
          reportId: 'r2',
          score: 95,
        },
      ]);
      expect(await store.inspections.update(occurrence.id, 2, { state: 'succeeded', finishedAt: T1 })).toBe(true);
      expect(await store.inspections.update(occurrence.id, 2, { state: 'running' })).toBe(false);
      expect(await store.inspections.claimOccurrence({ ...occurrence, id: randomUUID() })).toBeNull();
      expect((await store.inspections.list({ limit: 10, scheduleId })).map((i) => i.state)).toEqual(['succeeded']);
    });

    it('cancels a queued inspection at once and flags a running one', async () => {
      const queued = (await store.inspections.insertImmediate(anInspection({ requestId: unique('q') }))).inspection;
      expect(await store.inspections.requestCancel(queued.id)).toMatchObject({
        state: 'cancelled',
        cancelRequested: true,
      });
      const running = (await store.inspections.insertImmediate(anInspection({ requestId: unique('r') }))).inspection;
      await store.inspections.update(running.id, 1, { state: 'running' });
      expect(await store.inspections.requestCancel(running.id)).toMatchObject({
        state: 'running',
        cancelRequested: true,
      });
      expect(await store.inspections.requestCancel(randomUUID())).toBeNull();
      expect((await store.inspections.list({ limit: 500, state: 'cancelled' })).map((i) => i.id)).toContain(queued.id);
    });

    it('keeps one report per inspection and instance', async () => {
      const inspectionId = randomUUID();
      const r = aReport('inst-x', '2026-04-01T00:00:00.000Z', {
        inspectionId,
        scheduleId: 'sch-1',
        fireAt: '2026-04-01T00:00:00.000Z',
      });
      expect(await store.reports.insert(r)).toBe(true);
      expect(await store.reports.insert({ ...r, id: randomUUID() })).toBe(false);
      expect((await store.reports.list({ limit: 10, inspectionId })).map((x) => x.id)).toEqual([r.id]);
      expect((await store.reports.list({ limit: 10, scheduleId: 'sch-1' }))[0]).toMatchObject({
        id: r.id,
        inspectionId,
        fireAt: r.fireAt,
      });
    });

    it('keeps counter snapshots and finds the edges of a window', async () => {
      const inst = `snap-${randomUUID()}`;
      const at = (h: number) => new Date(Date.UTC(2026, 5, 1, h)).toISOString();
      const snap = (h: number, n: number) => ({
        instanceId: inst,
        takenAt: at(h),
        serverStartedAt: at(0),
        counters: { 'status.aborted_connects': n, 'db.app.deadlocks': n * 2 },
      });
      for (const [h, n] of [
        [2, 10],
        [4, 20],
        [6, 30],
      ] as const)
        await store.snapshots.insert(snap(h, n));
      await store.snapshots.insert(snap(4, 999));
      expect((await store.snapshots.latestAtOrBefore(inst, at(5)))?.counters).toEqual({
        'status.aborted_connects': 20,
        'db.app.deadlocks': 40,
      });
      expect((await store.snapshots.latestAtOrBefore(inst, at(4)))?.takenAt).toBe(at(4));
      expect(await store.snapshots.latestAtOrBefore(inst, at(1))).toBeNull();
      expect((await store.snapshots.firstBetween(inst, at(1), at(7)))?.takenAt).toBe(at(2));
      expect(await store.snapshots.firstBetween(inst, at(7), at(9))).toBeNull();
      expect(await store.snapshots.prune(at(3))).toBeGreaterThanOrEqual(1);
      expect((await store.snapshots.firstBetween(inst, at(0), at(9)))?.takenAt).toBe(at(4));
    });

    it("reads pending occurrence versions and prunes finished rows of Agenda's job table", async () => {
      const agenda = new Agenda({ backend: store.agendaBackend(), processEvery: 200, name: 'contract' });
      try {
        const scheduleId = randomUUID();
        const fireAt = new Date('2030-01-02T03:04:05.000Z');
        await agenda.ready;
        await agenda
          .create('inspection:occurrence', { scheduleId, fireAt: fireAt.toISOString(), version: 3 })
          .schedule(fireAt)
          .save();
        const requestId = randomUUID();
        let ran = false;
        agenda.define('inspection:immediate', async () => {
          ran = true;
        });
        await agenda.start();
        await agenda.create('inspection:immediate', { inspectionId: 'i', requestId }).schedule(new Date()).save();
        const finished = async () =>
          (await agenda.queryJobs({ name: 'inspection:immediate', data: { requestId } })).jobs[0]?.lastFinishedAt;
        for (let i = 0; i < 100 && !(ran && (await finished())); i++) await new Promise((r) => setTimeout(r, 100));
        expect(await finished()).toBeTruthy();
        expect((await store.jobs.pendingOccurrenceVersions()).get(scheduleId)).toEqual([3]);
        expect(await store.jobs.pruneFinishedJobs(new Date(Date.now() - 3_600_000).toISOString())).toBe(0);
        expect(await store.jobs.pruneFinishedJobs(new Date(Date.now() + 60_000).toISOString())).toBeGreaterThanOrEqual(
          1,
        );
        expect((await agenda.queryJobs({ name: 'inspection:immediate', data: { requestId } })).total).toBe(0);
        expect((await store.jobs.pendingOccurrenceVersions()).get(scheduleId)).toEqual([3]);
        await agenda.cancel({ name: 'inspection:occurrence', data: { scheduleId } });
      } finally {
        await agenda.drain(2000);
      }
    });

    it('lists audit entries newest first with filters and paging', async () => {
      const actor = unique('auditor');
      const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
      for (let s = 0; s < 5; s++) {
        await store.audit.append({
          id: randomUUID(),
          at: at(s),
          actor,
          action: s % 2 ? 'host.create' : 'business.create',
          targetType: s % 2 ? 'host' : 'business',
          ...(s === 4 ? { grafanaUser: 'alice', targetName: 'core', details: { fields: ['name'] } } : {}),
        });
      }
      const all = await store.audit.list({ limit: 10, actor });
      expect(all.map((e) => e.at)).toEqual([4, 3, 2, 1, 0].map(at));
      expect(all[0]).toMatchObject({ grafanaUser: 'alice', targetName: 'core', details: { fields: ['name'] } });
      expect(all[1]).not.toHaveProperty('grafanaUser');
      expect((await store.audit.list({ limit: 2, actor })).length).toBe(2);
      expect((await store.audit.list({ limit: 10, actor, before: at(2) })).map((e) => e.at)).toEqual([at(1), at(0)]);
      expect((await store.audit.list({ limit: 10, actor, action: 'host.create' })).length).toBe(2);
      expect((await store.audit.list({ limit: 10, actor, targetType: 'business' })).length).toBe(3);
    });
  });
}
