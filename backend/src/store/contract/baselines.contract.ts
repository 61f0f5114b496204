import { describe, expect } from 'vitest';
import type { ParameterBaseline } from '../../baselines/baseline.model.js';
import { T0, T1, unique } from './builders.js';
import { contractCase, type ContractRun } from './skips.js';

/** Parameter baselines: one per (scope, scope id, engine), replaced whole on put; an instance's wins over its business's. */
export function baselinesContract(run: ContractRun): void {
  describe('baselines', () => {
    contractCase(
      run,
      'baselines.inForce',
      'keeps parameter baselines per scope and engine, replacing on put; the instance one is in force before the business one',
      async () => {
        const baselines = run.store().baselines;
        const biz = unique('b');
        const inst = unique('i');
        const base = (over: Partial<ParameterBaseline>): ParameterBaseline => ({
          scope: 'business',
          scopeId: biz,
          engine: 'postgres',
          parameters: { 'pg_stat_statements.max': '5000', shared_buffers: '1GB' },
          updatedAt: T0,
          updatedBy: 'admin',
          ...over,
        });
        await baselines.put(base({}));
        await baselines.put(base({ engine: 'mysql', parameters: { max_connections: '500' } }));
        expect(await baselines.get('business', biz, 'postgres')).toEqual(base({}));
        expect(await baselines.get('business', biz, 'mariadb' as never)).toBeNull();
        expect((await baselines.inForce(inst, biz, 'postgres'))?.scope).toBe('business');
        expect(await baselines.inForce(inst, undefined, 'postgres')).toBeNull();

        const own = base({ scope: 'instance', scopeId: inst, parameters: { work_mem: '64MB' }, fromReportId: 'r1' });
        expect(await baselines.put(own)).toEqual(own);
        expect(await baselines.inForce(inst, biz, 'postgres')).toEqual(own);
        expect((await baselines.inForce(inst, biz, 'mysql'))?.parameters).toEqual({ max_connections: '500' });

        const replaced = await baselines.put({ ...own, parameters: { work_mem: '32MB' }, note: 'n', updatedAt: T1 });
        expect(replaced).toMatchObject({ parameters: { work_mem: '32MB' }, note: 'n', updatedAt: T1 });
        const cleared = await baselines.put({ ...own, updatedAt: T1 });
        expect(cleared.note).toBeUndefined();

        expect((await baselines.list({ scopeId: biz })).map((b) => [b.scope, b.engine])).toEqual([
          ['business', 'mysql'],
          ['business', 'postgres'],
        ]);
        expect((await baselines.list({ scope: 'instance', scopeId: inst })).map((b) => b.scopeId)).toEqual([inst]);
        expect(await baselines.remove('instance', inst, 'postgres')).toBe(true);
        expect(await baselines.remove('instance', inst, 'postgres')).toBe(false);
        expect((await baselines.inForce(inst, biz, 'postgres'))?.scope).toBe('business');
      },
    );
  });
}
