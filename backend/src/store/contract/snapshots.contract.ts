import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import type { StatementSample } from '../../snapshots/snapshot.model.js';
import { contractCase, type ContractRun } from './skips.js';

/** Counter snapshots: the latest at or before an instant, the first inside a window, pruning. */
export function snapshotsContract(run: ContractRun): void {
  describe('snapshots', () => {
    contractCase(
      run,
      'snapshots.edges',
      'keeps counter snapshots with their statement samples and finds the edges of a window',
      async () => {
        const snapshots = run.store().snapshots;
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
          await snapshots.insert(snap(h, n));
        await snapshots.insert(snap(4, 999));
        expect((await snapshots.latestAtOrBefore(inst, at(5)))?.counters).toEqual({
          'status.aborted_connects': 20,
          'db.app.deadlocks': 40,
        });
        expect((await snapshots.latestAtOrBefore(inst, at(4)))?.takenAt).toBe(at(4));
        expect(await snapshots.latestAtOrBefore(inst, at(1))).toBeNull();
        expect(await snapshots.latestAtOrBefore('another instance', at(5))).toBeNull();
        expect((await snapshots.firstBetween(inst, at(1), at(7)))?.takenAt).toBe(at(2));
        expect(await snapshots.firstBetween(inst, at(7), at(9))).toBeNull();
        expect((await snapshots.latestAtOrBefore(inst, at(5)))?.statements).toBeUndefined();
        expect(await snapshots.prune(at(3))).toBe(1);
        expect((await snapshots.firstBetween(inst, at(0), at(9)))?.takenAt).toBe(at(4));
        // Statement samples (migration 11) come back as written.
        const takenAt = new Date(Date.UTC(2026, 5, 2, 3)).toISOString();
        const statements: StatementSample[] = [
          {
            id: '-4711',
            database: 'app',
            user: 'web',
            text: 'SELECT * FROM "orders" WHERE id = $1 -- ü',
            calls: 12,
            totalTimeMs: 34.5,
            rows: 12,
            extras: { shared_blks_hit: 40, temp_blks_written: 0, wal_bytes: 1e12 },
          },
          { id: 'abc', text: 'COMMIT', calls: 1, totalTimeMs: 0, rows: 0, extras: {} },
        ];
        await snapshots.insert({
          instanceId: `${inst}-statements`,
          takenAt,
          serverStartedAt: takenAt,
          counters: { 'db.app.xact_commit': 1 },
          statements,
        });
        const back = await snapshots.latestAtOrBefore(`${inst}-statements`, takenAt);
        expect(back?.statements).toEqual(statements);
        expect(
          (await snapshots.firstBetween(`${inst}-statements`, takenAt, new Date(Date.UTC(2027, 0, 1)).toISOString()))
            ?.statements,
        ).toEqual(statements);
      },
    );
  });
}
