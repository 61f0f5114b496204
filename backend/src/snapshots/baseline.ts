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
  ...(s.statements ? { statements: s.statements } : {}),
});

/**
 * The counters delta checks subtract from: the latest snapshot at or before the window start, else the first one
 * inside the window; only from the server's current lifetime (a restart resets the counters). When the run starts
 * after the window ended (a late catch-up) and a snapshot lies nearer the window end than `now` does, that snapshot is
 * the end edge (`end`), and the start comes from its lifetime, so the counts stay within the window even if the
 * server restarted since.
 */
export async function baselineFor(
  snapshots: SnapshotRepository,
  instanceId: string,
  window: InspectionWindow,
  serverStartedAt: string,
  now: Date = window.to,
): Promise<CounterBaseline | undefined> {
  const lateMs = now.getTime() - window.to.getTime();
  const atEnd = lateMs > 0 ? await snapshots.latestAtOrBefore(instanceId, window.to.toISOString()) : null;
  const end =
    atEnd &&
    Date.parse(atEnd.takenAt) > window.from.getTime() &&
    window.to.getTime() - Date.parse(atEnd.takenAt) < lateMs
      ? atEnd
      : undefined;
  const lifetime = end?.serverStartedAt ?? serverStartedAt;
  const start = await startOf(snapshots, instanceId, window, lifetime);
  if (!start) return undefined;
  if (end && Date.parse(end.takenAt) > Date.parse(start.takenAt)) {
    return {
      ...start,
      end: {
        takenAt: end.takenAt,
        counters: end.counters,
        ...(end.statements ? { statements: end.statements } : {}),
      },
    };
  }
  return sameLifetime(lifetime, serverStartedAt) ? start : undefined;
}

async function startOf(
  snapshots: SnapshotRepository,
  instanceId: string,
  window: InspectionWindow,
  lifetime: string,
): Promise<CounterBaseline | undefined> {
  const before = await snapshots.latestAtOrBefore(instanceId, window.from.toISOString());
  if (before && sameLifetime(before.serverStartedAt, lifetime)) return toBaseline(before, true);
  const inside = await snapshots.firstBetween(instanceId, window.from.toISOString(), window.to.toISOString());
  if (inside && sameLifetime(inside.serverStartedAt, lifetime)) return toBaseline(inside, false);
  return undefined;
}
