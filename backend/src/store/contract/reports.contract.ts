import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import type { Store } from '../store.js';
import { aReport } from './builders.js';
import { contractCase, type ContractRun } from './skips.js';

/** Reports: stored whole, summaries listed newest first with filters, one per inspection and instance. */
export function reportsContract(run: ContractRun): void {
  describe('reports', () => {
    contractCase(
      run,
      'reports.list',
      'stores reports whole and lists their summaries newest first with filters',
      async () => {
        const reports = run.store().reports;
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
        for (const r of [r1, r2, r3, r4]) await reports.insert(r);
        expect(await reports.get(r2.id)).toEqual(r2);
        expect(await reports.get(randomUUID())).toBeNull();
        const ids = async (q: Partial<Parameters<Store['reports']['list']>[0]>) =>
          (await reports.list({ limit: 50, ...q })).map((s) => s.id);
        expect(await ids({})).toEqual([r4.id, r3.id, r2.id, r1.id]);
        expect(await ids({ instanceId: inst })).toEqual([r3.id, r2.id, r1.id]);
        expect(await ids({ instanceId: inst, tier: 'weekly' })).toEqual([r2.id, r1.id]);
        expect(await ids({ businessId: 'b1' })).toEqual([r2.id, r1.id]);
        expect(await ids({ instanceId: inst, severity: 'warning' })).toEqual([r3.id, r2.id]);
        expect(await ids({ instanceId: inst, severity: 'critical' })).toEqual([r2.id]);
        expect(await ids({ instanceId: inst, from: at(2), to: at(3) })).toEqual([r2.id]);
        expect(await ids({ instanceId: inst, before: at(3), limit: 1 })).toEqual([r2.id]);
        const summary = (await reports.list({ limit: 1, instanceId: other }))[0];
        expect(summary).toMatchObject({ id: r4.id, instanceName: 'pg-1', maxSeverity: 'info', score: 100 });
        expect(summary).not.toHaveProperty('findings');
        expect((await reports.latest(inst, 'weekly'))?.id).toBe(r2.id);
        expect((await reports.latest(inst, 'weekly', at(2)))?.id).toBe(r1.id);
        expect(await reports.latest(inst, 'annual')).toBeNull();
      },
    );

    contractCase(run, 'reports.onePerInspection', 'keeps one report per inspection and instance', async () => {
      const reports = run.store().reports;
      const inspectionId = randomUUID();
      const r = aReport('inst-x', '2026-04-01T00:00:00.000Z', {
        inspectionId,
        scheduleId: 'sch-1',
        fireAt: '2026-04-01T00:00:00.000Z',
      });
      expect(await reports.insert(r)).toBe(true);
      expect(await reports.insert({ ...r, id: randomUUID() })).toBe(false);
      expect((await reports.list({ limit: 10, inspectionId })).map((x) => x.id)).toEqual([r.id]);
      expect((await reports.list({ limit: 10, scheduleId: 'sch-1' }))[0]).toMatchObject({
        id: r.id,
        inspectionId,
        fireAt: r.fireAt,
      });
      expect(await reports.list({ limit: 10 })).toHaveLength(1);
    });
  });
}
