import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { aSchedule, anInspection, T0, T1, unique } from './builders.js';
import { contractCase, type ContractRun } from './skips.js';

/** Schedules (one live per name, compare-and-set) and inspections (idempotent, claimed once per attempt). */
export function schedulesInspectionsContract(run: ContractRun): void {
  describe('schedules', () => {
    contractCase(
      run,
      'schedules.liveName',
      'keeps one live schedule per name, with compare-and-set updates',
      async () => {
        const schedules = run.store().schedules;
        const name = unique('nightly');
        const s = await schedules.insert(
          aSchedule(name, { selector: { labels: { env: 'prod' } }, maxLatenessSeconds: 600 }),
        );
        expect(await schedules.get(s.id)).toEqual(s);
        expect(await schedules.getByName(name)).toEqual(s);
        await expect(schedules.insert(aSchedule(name))).rejects.toThrow(`a schedule named "${name}" already exists`);
        const paused = await schedules.update({ ...s, status: 'paused', version: 2, updatedAt: T1 }, 1);
        expect(paused).toMatchObject({
          status: 'paused',
          version: 2,
          updatedAt: T1,
          createdAt: T0,
          timezone: 'Asia/Shanghai',
        });
        expect(await schedules.update({ ...s, status: 'active', version: 2 }, 1)).toBeNull();
        expect((await schedules.list({ status: ['paused'] })).map((x) => x.id)).toEqual([s.id]);
        expect(await schedules.list({ status: ['active'] })).toEqual([]);
        expect(await schedules.count({ status: ['active', 'paused'] })).toBe(1);
        await schedules.update({ ...s, status: 'cancelled', version: 3 }, 2);
        expect(await schedules.getByName(name)).toBeNull();
        expect(await schedules.count({ status: ['active', 'paused'] })).toBe(0);
        const again = await schedules.insert(aSchedule(name));
        expect((await schedules.getByName(name))?.id).toBe(again.id);
      },
    );
  });

  describe('inspections', () => {
    contractCase(run, 'inspections.immediate', 'inserts immediate inspections idempotently by request id', async () => {
      const inspections = run.store().inspections;
      const requestId = unique('req');
      const first = await inspections.insertImmediate(anInspection({ requestId }));
      expect(first.created).toBe(true);
      const second = await inspections.insertImmediate(anInspection({ requestId }));
      expect(second).toEqual({ inspection: first.inspection, created: false });
      expect(await inspections.get(first.inspection.id)).toEqual(first.inspection);
      expect((await inspections.list({ limit: 10 })).map((i) => i.id)).toEqual([first.inspection.id]);
    });

    contractCase(
      run,
      'inspections.occurrences',
      'claims each scheduled occurrence once per attempt and never after it finished',
      async () => {
        const inspections = run.store().inspections;
        const scheduleId = randomUUID();
        const fireAt = '2026-11-25T00:00:00.000Z';
        const occurrence = anInspection({
          scheduleId,
          fireAt,
          trigger: { kind: 'schedule', scheduleId, scheduleName: 's' },
        });
        const a1 = await inspections.claimOccurrence(occurrence);
        expect(a1).toMatchObject({ id: occurrence.id, attempt: 1, state: 'queued' });
        const a2 = await inspections.claimOccurrence({ ...occurrence, id: randomUUID() });
        expect(a2).toMatchObject({ id: occurrence.id, attempt: 2 });
        expect(await inspections.update(occurrence.id, 1, { state: 'running' })).toBe(false);
        expect(await inspections.update(occurrence.id, 2, { state: 'running', worker: 'w2', startedAt: T1 })).toBe(
          true,
        );
        expect(
          await inspections.setProgress(occurrence.id, 2, {
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
          await inspections.setProgress(occurrence.id, 1, {
            instanceId: 'i1',
            instanceName: 'one',
            state: 'done',
            checksDone: 1,
            checksTotal: 1,
          }),
        ).toBe(false);
        const running = await inspections.getOccurrence(scheduleId, fireAt);
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
        expect(await inspections.update(occurrence.id, 2, { state: 'succeeded', finishedAt: T1 })).toBe(true);
        expect(await inspections.update(occurrence.id, 2, { state: 'running' })).toBe(false);
        expect(await inspections.claimOccurrence({ ...occurrence, id: randomUUID() })).toBeNull();
        expect((await inspections.list({ limit: 10, scheduleId })).map((i) => i.state)).toEqual(['succeeded']);
      },
    );

    contractCase(run, 'inspections.cancel', 'cancels a queued inspection at once and flags a running one', async () => {
      const inspections = run.store().inspections;
      const queued = (await inspections.insertImmediate(anInspection({ requestId: unique('q') }))).inspection;
      expect(await inspections.requestCancel(queued.id)).toMatchObject({ state: 'cancelled', cancelRequested: true });
      const running = (await inspections.insertImmediate(anInspection({ requestId: unique('r') }))).inspection;
      await inspections.update(running.id, 1, { state: 'running' });
      expect(await inspections.requestCancel(running.id)).toMatchObject({ state: 'running', cancelRequested: true });
      expect(await inspections.requestCancel(randomUUID())).toBeNull();
      expect((await inspections.list({ limit: 500, state: 'cancelled' })).map((i) => i.id)).toEqual([queued.id]);
    });
  });
}
