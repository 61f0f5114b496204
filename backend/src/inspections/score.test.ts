import { describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../reports/report.types.js';
import { computeScore, countOutcomes } from './score.js';

const outcome = (status: CheckOutcome['status'], severity?: CheckOutcome['severity']): CheckOutcome => ({
  checkId: 'x',
  catalogRef: 'PG-D01',
  category: 'availability',
  tier: 'daily',
  status,
  ...(severity ? { severity } : {}),
  durationMs: 1,
  findingCount: status === 'fail' ? 1 : 0,
});

describe('computeScore', () => {
  it.each([
    [[], 100],
    [[outcome('pass'), outcome('skipped')], 100],
    [[outcome('fail', 'info')], 99],
    [[outcome('fail', 'warning'), outcome('fail', 'warning')], 90],
    [[outcome('fail', 'critical'), outcome('error')], 78],
    [Array.from({ length: 6 }, () => outcome('fail', 'critical')), 0],
  ] as const)('%j → %d', (checks, expected) => {
    expect(computeScore(checks)).toBe(expected);
  });
});

describe('countOutcomes', () => {
  it('counts checks by status and findings by severity', () => {
    expect(
      countOutcomes(
        [outcome('pass'), outcome('fail', 'critical'), outcome('error'), outcome('skipped')],
        ['critical', 'critical', 'info'],
      ),
    ).toEqual({
      pass: 1,
      fail: 1,
      error: 1,
      skipped: 1,
      critical: 2,
      warning: 0,
      info: 1,
    });
  });
});
