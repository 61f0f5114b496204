import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import type { ApiTokenRecord } from '../../auth/token.types.js';
import { ConflictError, NotFoundError } from '../../errors/domain-errors.js';
import { T0, T1, unique } from './builders.js';
import { contractCase, type ContractRun } from './skips.js';

/** API tokens (found by hash, the hash never listed) and the audit log. */
export function tokensAuditContract(run: ContractRun): void {
  describe('tokens and audit', () => {
    contractCase(run, 'tokens.byHash', 'stores tokens by hash, never returning the hash in lists', async () => {
      const tokens = run.store().tokens;
      const rec: ApiTokenRecord = {
        id: randomUUID(),
        name: unique('grafana'),
        role: 'editor',
        hash: randomUUID().replace(/-/g, ''),
        createdAt: T0,
        createdBy: 'cli',
      };
      expect(await tokens.count()).toBe(0);
      const saved = await tokens.insert(rec);
      expect(saved).not.toHaveProperty('hash');
      expect(await tokens.count()).toBe(1);
      await expect(tokens.insert({ ...rec, id: randomUUID(), hash: 'other' })).rejects.toBeInstanceOf(ConflictError);
      expect(await tokens.findByHash(rec.hash)).toEqual(rec);
      expect(await tokens.findByHash('nope')).toBeNull();
      await tokens.markUsed(rec.id, T1);
      expect((await tokens.findByHash(rec.hash))?.lastUsedAt).toBe(T1);
      const listed = await tokens.list();
      expect(listed).toEqual([{ ...saved, lastUsedAt: T1 }]);
      expect(listed[0]).not.toHaveProperty('hash');
      await tokens.delete(rec.id);
      await expect(tokens.delete(rec.id)).rejects.toBeInstanceOf(NotFoundError);
      expect(await tokens.findByHash(rec.hash)).toBeNull();
      expect(await tokens.count()).toBe(0);
    });

    contractCase(run, 'audit.list', 'lists audit entries newest first with filters and paging', async () => {
      const audit = run.store().audit;
      const actor = unique('auditor');
      const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
      for (let s = 0; s < 5; s++) {
        await audit.append({
          id: randomUUID(),
          at: at(s),
          actor,
          action: s % 2 ? 'host.create' : 'business.create',
          targetType: s % 2 ? 'host' : 'business',
          ...(s === 4 ? { grafanaUser: 'alice', targetName: 'core', details: { fields: ['name'] } } : {}),
        });
      }
      await audit.append({ id: randomUUID(), at: at(9), actor: 'someone else', action: 'x', targetType: 'host' });
      const all = await audit.list({ limit: 10, actor });
      expect(all.map((e) => e.at)).toEqual([4, 3, 2, 1, 0].map(at));
      expect(all[0]).toMatchObject({ grafanaUser: 'alice', targetName: 'core', details: { fields: ['name'] } });
      expect(all[1]).not.toHaveProperty('grafanaUser');
      expect((await audit.list({ limit: 2, actor })).length).toBe(2);
      expect((await audit.list({ limit: 10, actor, before: at(2) })).map((e) => e.at)).toEqual([at(1), at(0)]);
      expect((await audit.list({ limit: 10, actor, action: 'host.create' })).length).toBe(2);
      expect((await audit.list({ limit: 10, actor, targetType: 'business' })).length).toBe(3);
      expect((await audit.list({ limit: 10 })).length).toBe(6);
    });
  });
}
