import { describe, expect } from 'vitest';
import { T0, T1, unique } from './builders.js';
import { contractCase, type ContractRun } from './skips.js';

/** Threshold overrides: one per check and scope, replaced whole on put. */
export function thresholdsContract(run: ContractRun): void {
  describe('thresholds', () => {
    contractCase(
      run,
      'thresholds.overrides',
      'keeps threshold overrides per check and scope, replacing on put',
      async () => {
        const thresholds = run.store().thresholds;
        const checkId = unique('postgres.x').replace(' ', '-');
        const base = { checkId, updatedAt: T0, updatedBy: 'admin' };
        await thresholds.put({ ...base, scope: 'global', scopeId: '', values: { warnPercent: 70 } });
        await thresholds.put({ ...base, scope: 'instance', scopeId: 'i1', values: { warnPercent: 60 } });
        const replaced = await thresholds.put({
          ...base,
          scope: 'global',
          scopeId: '',
          values: { warnPercent: 75, critPercent: 95 },
          updatedAt: T1,
        });
        expect(replaced.values).toEqual({ warnPercent: 75, critPercent: 95 });
        const listed = await thresholds.list(checkId);
        expect(listed.map((o) => [o.scope, o.scopeId, o.values])).toEqual([
          ['global', '', { warnPercent: 75, critPercent: 95 }],
          ['instance', 'i1', { warnPercent: 60 }],
        ]);
        expect(await thresholds.remove(checkId, 'instance', 'i1')).toBe(true);
        expect(await thresholds.remove(checkId, 'instance', 'i1')).toBe(false);
        expect(await thresholds.list()).toHaveLength(1);
      },
    );
  });
}
