import type { Severity } from '../checks/check.types.js';
import type { CheckOutcome, Finding, OutcomeCounts } from '../reports/report.types.js';

/** Points a failed check takes off the score of 100, by its worst severity; an errored check takes ERROR_PENALTY. */
export const SEVERITY_PENALTY: Record<Severity, number> = { critical: 20, warning: 5, info: 1 };
export const ERROR_PENALTY = 2;

/** Checks by status, open findings by severity, and waived findings apart (they count in no severity). */
export function countOutcomes(
  checks: readonly Pick<CheckOutcome, 'status'>[],
  findings: readonly Pick<Finding, 'severity' | 'waived'>[],
): OutcomeCounts {
  const counts: OutcomeCounts = { pass: 0, fail: 0, error: 0, skipped: 0, critical: 0, warning: 0, info: 0, waived: 0 };
  for (const c of checks) counts[c.status]++;
  for (const f of findings) {
    if (f.waived) counts.waived = (counts.waived ?? 0) + 1;
    else counts[f.severity]++;
  }
  return counts;
}

/**
 * 100 minus, for every failed check, the penalty of its worst severity (critical 20, warning 5, info 1), and 2 for
 * every check that could not run; floored at 0. Skipped checks and waived findings cost nothing: waivers are applied
 * to the outcomes first (a check keeps the worst severity of its open findings, and passes when all are waived). A
 * check counts once however many objects it flags, so one noisy check cannot drown the rest.
 */
export function computeScore(checks: readonly Pick<CheckOutcome, 'status' | 'severity'>[]): number {
  let score = 100;
  for (const c of checks) {
    if (c.status === 'fail' && c.severity) score -= SEVERITY_PENALTY[c.severity];
    else if (c.status === 'error') score -= ERROR_PENALTY;
  }
  return Math.max(0, score);
}
