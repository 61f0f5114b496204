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
        [{ severity: 'critical' }, { severity: 'critical' }, { severity: 'info' }],
      ),
    ).toEqual({
      pass: 1,
      fail: 1,
      error: 1,
      skipped: 1,
      critical: 2,
      warning: 0,
      info: 1,
      waived: 0,
    });
  });

  it('counts waived findings apart from their severity', () => {
    const waived = { waiverId: 'w1', owner: 'dba', reason: 'accepted', expiresAt: '2027-01-01T00:00:00.000Z' };
    expect(
      countOutcomes(
        [outcome('fail', 'warning')],
        [{ severity: 'critical', waived }, { severity: 'warning' }, { severity: 'info', waived }],
      ),
    ).toMatchObject({ fail: 1, critical: 0, warning: 1, info: 0, waived: 2 });
  });
});
