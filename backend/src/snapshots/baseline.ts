import type { CounterBaseline, InspectionWindow } from '../checks/check.types.js';
import type { SnapshotRepository } from '../store/store.js';
import type { CounterSnapshot } from './snapshot.model.js';

/** Start times read from uptime differ by rounding; a restart moves them by far more. */
const SAME_LIFETIME_MS = 5000;

export const sameLifetime = (a: string, b: string): boolean =>
  Math.abs(Date.parse(a) - Date.parse(b)) <= SAME_LIFETIME_MS;

const toBaseline = (s: CounterSnapshot, coversWindowStart: boolean): CounterBaseline => ({
  takenAt: s.takenAt,
  coversWindowStart,
  counters: s.counters,
});

/**
 * The counters delta checks subtract from: the latest snapshot at or before the window start, else the first one
 * inside the window; only from the server's current lifetime (a restart resets the counters).
 */
export async function baselineFor(
  snapshots: SnapshotRepository,
  instanceId: string,
  window: InspectionWindow,
  serverStartedAt: string,
): Promise<CounterBaseline | undefined> {
  const before = await snapshots.latestAtOrBefore(instanceId, window.from.toISOString());
  if (before && sameLifetime(before.serverStartedAt, serverStartedAt)) return toBaseline(before, true);
  const inside = await snapshots.firstBetween(instanceId, window.from.toISOString(), window.to.toISOString());
  if (inside && sameLifetime(inside.serverStartedAt, serverStartedAt)) return toBaseline(inside, false);
  return undefined;
}
