import { describe, expect, it } from 'vitest';
import type { ThresholdOverride } from './threshold.model.js';
import type { AuditLog } from '../audit/audit-log.js';
import { CHECKS } from '../checks/registry.js';
import { upgradeStoredThresholds } from '../checks/threshold-renames.js';
import { mergeThresholds, ThresholdsService } from './thresholds.service.js';

const o = (scope: ThresholdOverride['scope'], scopeId: string, values: Record<string, unknown>): ThresholdOverride => ({
  checkId: 'c',
  scope,
  scopeId,
  values,
  updatedAt: '2026-01-01T00:00:00.000Z',
  updatedBy: 't',
});

describe('mergeThresholds: instance over business over global over defaults, key by key', () => {
  const defaults = { warn: 80, crit: 90, minRows: 1000 };
  const overrides = [
    o('instance', 'i1', { warn: 60 }),
    o('global', '', { warn: 70, crit: 95 }),
    o('business', 'b1', { crit: 85, minRows: 10 }),
  ];
  it.each([
    [{}, { warn: 70, crit: 95, minRows: 1000 }],
    [{ businessId: 'b1' }, { warn: 70, crit: 85, minRows: 10 }],
    [
      { businessId: 'b2', instanceId: 'i1' },
      { warn: 60, crit: 95, minRows: 1000 },
    ],
    [
      { businessId: 'b1', instanceId: 'i1' },
      { warn: 60, crit: 85, minRows: 10 },
    ],
    [{ instanceId: 'i2' }, { warn: 70, crit: 95, minRows: 1000 }],
  ])('%j → %j', (target, expected) => {
    expect(mergeThresholds(defaults, overrides, target)).toEqual(expected);
  });

  it('returns the defaults untouched when nothing applies', () => {
    expect(mergeThresholds(defaults, [], { instanceId: 'x' })).toEqual(defaults);
  });
});

describe('stored overrides written before a rename or a retired value', () => {
  const stored = (checkId: string, values: Record<string, unknown>): ThresholdOverride => ({
    ...o('global', '', values),
    checkId,
  });
  const service = (overrides: ThresholdOverride[]) =>
    new ThresholdsService(
      {
        list: async (checkId?: string) => overrides.filter((x) => checkId === undefined || x.checkId === checkId),
        put: async (x) => x,
        remove: async () => false,
      },
      CHECKS,
      {} as AuditLog,
      () => new Date(),
      upgradeStoredThresholds,
    );
  const check = (id: string) => CHECKS.find((c) => c.id === id)!;

  it.each([
    // A key renamed after migration 8 ran (MY-W12): the old key's value reaches the new key.
    ['mysql.over-open-hosts', { ignoreRemoteWhenLoopbackOnly: false }, { lowerWhenLoopbackOnly: false }],
    // A value the check no longer accepts (PG-D08 archive_mode = off is no longer skipped): the lowest severity.
    ['postgres.wal-archiving', { archiveModeOff: 'skip' }, { archiveModeOff: 'info' }],
    ['postgres.wal-archiving', { archiveModeOff: 'warning' }, { archiveModeOff: 'warning' }],
    // The key already stored under the new name wins.
    ['mysql.deadlocks', { warnAbove: 1, warnCount: 7 }, { warnCount: 7 }],
  ])('%s %j is read as %j', async (id, values, expected) => {
    const svc = service([stored(id, values)]);
    const resolved = (await svc.resolverFor({}))(check(id));
    expect(resolved).toMatchObject(expected);
    for (const key of Object.keys(values)) if (!(key in expected)) expect(resolved).not.toHaveProperty(key);
    expect(check(id).thresholds.schema.safeParse(resolved).success).toBe(true);
    expect((await svc.overrides(id))[0]!.values).toEqual(expected);
  });
});
