import type { FireRule } from './fire-times.js';
import { periodMs } from './fire-times.js';
import type { Schedule } from './schedule.model.js';

export const ruleOf = (s: Pick<Schedule, 'frequency' | 'time' | 'timezone'>): FireRule => ({
  frequency: s.frequency,
  time: s.time,
  timezone: s.timezone,
});

/** Default lateness for `skip`: an occurrence this late no longer counts as on time. */
export const PUNCTUAL_MS = 5 * 60_000;

/**
 * How late an occurrence may start and still run: `maxLatenessSeconds` when set; else one period for `latest`
 * (the pending occurrence runs once after downtime) and five minutes, at most one period, for `skip`.
 */
export function maxLatenessMs(
  s: Pick<Schedule, 'frequency' | 'time' | 'timezone' | 'catchUp' | 'maxLatenessSeconds'>,
  at: Date,
): number {
  if (s.maxLatenessSeconds !== undefined) return s.maxLatenessSeconds * 1000;
  const period = periodMs(ruleOf(s), at);
  return s.catchUp === 'latest' ? period : Math.min(PUNCTUAL_MS, period);
}
