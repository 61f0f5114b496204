import { expect, it } from 'vitest';
import { describeEachStore } from '../test/stores.js';
import type { Waiver } from './waiver.model.js';

const waiver = (id: string, over: Partial<Waiver> = {}): Waiver => ({
  id,
  checkId: 'mysql.tables-without-primary-key',
  scope: 'global',
  scopeId: '',
  reason: 'accepted',
  owner: 'dba',
  expiresAt: '2027-01-01T00:00:00.000Z',
  createdAt: '2026-12-01T00:00:00.000Z',
  createdBy: 'admin',
  updatedAt: '2026-12-01T00:00:00.000Z',
  ...over,
});

// PostgreSQL and embedded always; MongoDB when MONGO_URL is set. Lists are ordered by check id, then expiry.
describeEachStore('Waiver and report-history repositories', (store) => {
  it('stores waivers, filters them, finds those in force for an instance, updates and removes', async () => {
    const repo = store().waivers;
    await repo.insert(waiver('g', { objectPattern: '`shop`.*' }));
    await repo.insert(waiver('b', { scope: 'business', scopeId: 'b1', expiresAt: '2026-12-10T00:00:00.000Z' }));
    await repo.insert(waiver('i', { scope: 'instance', scopeId: 'i1', checkId: 'postgres.x' }));
    await repo.insert(waiver('other', { scope: 'instance', scopeId: 'i2' }));
    expect(await repo.get('g')).toEqual(waiver('g', { objectPattern: '`shop`.*' }));
    expect(await repo.get('nope')).toBeNull();
    expect((await repo.list()).map((w) => w.id)).toEqual(['b', 'g', 'other', 'i']);
    expect((await repo.list({ scope: 'instance' })).map((w) => w.id)).toEqual(['other', 'i']);
    expect((await repo.list({ activeAt: '2026-12-20T00:00:00.000Z' })).map((w) => w.id)).toEqual(['g', 'other', 'i']);

    const inForce = async (at: string, businessId?: string) =>
      (await repo.applicable('i1', businessId, at)).map((w) => w.id).sort();
    expect(await inForce('2026-12-06T00:00:00.000Z', 'b1')).toEqual(['b', 'g', 'i']);
    expect(await inForce('2026-12-06T00:00:00.000Z')).toEqual(['g', 'i']);
    expect(await inForce('2026-12-10T00:00:00.000Z', 'b1')).toEqual(['g', 'i']);

    const changed = await repo.update({ ...waiver('g'), owner: 'security', updatedAt: '2026-12-02T00:00:00.000Z' });
    expect(changed).toMatchObject({ owner: 'security', createdAt: '2026-12-01T00:00:00.000Z' });
    expect(changed?.objectPattern).toBeUndefined();
    expect(await repo.update(waiver('nope'))).toBeNull();
    expect(await repo.remove('g')).toBe(true);
    expect(await repo.remove('g')).toBe(false);
  });

  it('reads finding keys of earlier reports of an instance and tier, newest first and bounded', async () => {
    const s = store();
    const report = (id: string, instanceId: string, tier: 'daily' | 'weekly', startedAt: string, objects: string[]) =>
      s.reports.insert({
        id,
        instanceId,
        instance: { id: instanceId, name: instanceId, engine: 'postgres' },
        server: null,
        reachable: true,
        tier,
        window: { from: startedAt, to: startedAt },
        startedAt,
        finishedAt: startedAt,
        durationMs: 1,
        score: 100,
        counts: { pass: 1, fail: 0, error: 1, skipped: 0, critical: 0, warning: objects.length, info: 0 },
        checks: [
          { checkId: 'c', catalogRef: 'C', category: 'objects', tier, status: 'fail', durationMs: 1, findingCount: 1 },
          { checkId: 'e', catalogRef: 'E', category: 'objects', tier, status: 'error', durationMs: 1, findingCount: 0 },
        ],
        findings: objects.map((object) => ({
          checkId: 'c',
          catalogRef: 'C',
          category: 'objects' as const,
          tier,
          severity: 'warning' as const,
          object,
          database: 'db1',
          message: { en: object, zh: object },
          remediation: { en: 'r', zh: 'r' },
        })),
        catalogVersion: 't',
        thresholds: {},
        language: 'en',
        fingerprints: {},
        contentHash: 'h',
        trigger: { kind: 'manual' },
        maxSeverity: objects.length ? 'warning' : null,
      });
    await report('r1', 'i1', 'daily', '2026-10-01T00:00:00.000Z', ['a']);
    await report('r2', 'i1', 'daily', '2026-10-02T00:00:00.000Z', ['a', 'b']);
    await report('r3', 'i1', 'daily', '2026-10-03T00:00:00.000Z', []);
    await report('w1', 'i1', 'weekly', '2026-10-02T12:00:00.000Z', ['z']);
    await report('x1', 'i2', 'daily', '2026-10-02T12:00:00.000Z', ['y']);
    const keys = await s.reportHistory.findingKeys('i1', 'daily', '2026-10-03T00:00:00.000Z', 100);
    expect(keys).toEqual([
      {
        id: 'r2',
        startedAt: '2026-10-02T00:00:00.000Z',
        findings: [
          { checkId: 'c', object: 'a', database: 'db1' },
          { checkId: 'c', object: 'b', database: 'db1' },
        ],
        notInspected: ['e'],
      },
      {
        id: 'r1',
        startedAt: '2026-10-01T00:00:00.000Z',
        findings: [{ checkId: 'c', object: 'a', database: 'db1' }],
        notInspected: ['e'],
      },
    ]);
    expect((await s.reportHistory.findingKeys('i1', 'daily', '2026-10-04T00:00:00.000Z', 1)).map((k) => k.id)).toEqual([
      'r3',
    ]);
  });
});
