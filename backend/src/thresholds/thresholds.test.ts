import { describe, expect, it } from 'vitest';
import type { ThresholdOverride } from './threshold.model.js';
import { mergeThresholds } from './thresholds.service.js';

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
