import type { Severity } from '../checks/check.types.js';
import type { CheckOutcome, OutcomeCounts } from '../reports/report.types.js';

/** Points a failed check takes off the score of 100, by its worst severity; an errored check takes ERROR_PENALTY. */
export const SEVERITY_PENALTY: Record<Severity, number> = { critical: 20, warning: 5, info: 1 };
export const ERROR_PENALTY = 2;

export function countOutcomes(checks: readonly CheckOutcome[], findingSeverities: readonly Severity[]): OutcomeCounts {
  const counts: OutcomeCounts = { pass: 0, fail: 0, error: 0, skipped: 0, critical: 0, warning: 0, info: 0 };
  for (const c of checks) counts[c.status]++;
  for (const s of findingSeverities) counts[s]++;
  return counts;
}

/**
 * 100 minus, for every failed check, the penalty of its worst severity (critical 20, warning 5, info 1), and 2 for
 * every check that could not run; floored at 0. Skipped checks and waived findings cost nothing. A check counts once
 * however many objects it flags, so one noisy check cannot drown the rest.
 */
export function computeScore(checks: readonly CheckOutcome[]): number {
  let score = 100;
  for (const c of checks) {
    if (c.status === 'fail' && c.severity) score -= SEVERITY_PENALTY[c.severity];
    else if (c.status === 'error') score -= ERROR_PENALTY;
  }
  return Math.max(0, score);
}
