import { randomUUID } from 'node:crypto';
import { Agenda } from 'agenda';
import { describe, expect } from 'vitest';
import { contractCase, type ContractRun } from './skips.js';

/** Schema migrations and Agenda's job table as the store reads and prunes it. */
export function jobsContract(run: ContractRun): void {
  describe('schema and jobs', () => {
    contractCase(run, 'migrate.idempotent', 'migrates idempotently, also when two starters race', async () => {
      const store = run.store();
      await Promise.all([store.migrate(), store.migrate()]);
      await store.migrate();
      await expect(store.ping()).resolves.toBeUndefined();
    });

    contractCase(
      run,
      'jobs.agendaTable',
      "reads pending occurrence versions and prunes finished rows of Agenda's job table",
      async () => {
        const store = run.store();
        const agenda = new Agenda({ backend: store.agendaBackend(), processEvery: 200, name: 'contract' });
        try {
          const scheduleId = randomUUID();
          const fireAt = new Date('2030-01-02T03:04:05.000Z');
          await agenda.ready;
          expect((await store.jobs.pendingOccurrenceVersions()).size).toBe(0);
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
          expect(await store.jobs.pruneFinishedJobs(new Date(Date.now() + 60_000).toISOString())).toBe(1);
          expect((await agenda.queryJobs({ name: 'inspection:immediate', data: { requestId } })).total).toBe(0);
          expect((await store.jobs.pendingOccurrenceVersions()).get(scheduleId)).toEqual([3]);
          await agenda.cancel({ name: 'inspection:occurrence', data: { scheduleId } });
        } finally {
          await agenda.drain(2000);
        }
      },
    );
  });
}
