import type { CounterBaseline, Texts } from '../check.types.js';
import { atWindowEnd, baselineCoverage, snapshotNotUsed } from '../format.js';
import { sinceStatsReset, UNUSABLE_SNAPSHOT } from './counter-coverage.js';

/** One cumulative counter: its snapshot key and its live value. */
export interface CounterSpec {
  name: string;
  key: string;
  live: number;
}

/** A statistics reset a group of counters shares: its snapshot key (epoch milliseconds, 0 = never) and live time. */
export interface ResetSpec {
  key: string;
  live: Date | null;
  /** Why the snapshot is not used when it lacks this key (default: it lacks the key). */
  missing?: Texts;
}

/** The counted values of a group of counters over the window, or since their statistics reset when no snapshot fits. */
export interface CounterWindow {
  /** Counter name → growth over the counted period. */
  values: Record<string, number>;
  /** True when a snapshot was subtracted (the window), false when the values are cumulative. */
  windowed: boolean;
  /** Which period was counted, to end a message with. */
  since: Texts;
  /** Milliseconds counted, when known (null: cumulative since statistics that were never reset). */
  spanMs: number | null;
  evidence: Record<string, unknown>[];
}

const endOf = (base: CounterBaseline | undefined, now: Date): number =>
  base?.end ? Date.parse(base.end.takenAt) : now.getTime();

/**
 * Subtracts the window-start snapshot from a group of counters (the live values, or the end snapshot of a late run).
 * The snapshot is not used when it lacks a counter, a counter went backwards or the group's statistics were reset
 * since (the reset time moved): then the values are cumulative since the latest reset and `since` says why.
 */
export function counterWindow(
  base: CounterBaseline | undefined,
  counters: readonly CounterSpec[],
  resets: readonly ResetSpec[],
  now: Date,
): CounterWindow {
  const current: Record<string, number> = {};
  for (const c of counters) current[c.name] = atWindowEnd(base, c.key, c.live);
  const latestReset = resets.reduce<Date | null>(
    (latest, r) => (r.live && (!latest || r.live > latest) ? r.live : latest),
    null,
  );
  const cumulative = (why?: Texts): CounterWindow => {
    const reset = sinceStatsReset(latestReset);
    let since: Texts = { en: `${reset.en}; window start not covered`, zh: `${reset.zh}；未覆盖窗口起点` };
    if (base && why) {
      const skip = snapshotNotUsed(base, why);
      since = { en: since.en + skip.en, zh: since.zh + skip.zh };
    }
    return {
      values: current,
      windowed: false,
      since,
      spanMs: latestReset ? endOf(base, now) - latestReset.getTime() : null,
      evidence: counters.map((c) => ({ counter: c.name, current: current[c.name] })),
    };
  };
  if (!base) return cumulative();
  if (!Number.isFinite(Date.parse(base.takenAt))) return cumulative(UNUSABLE_SNAPSHOT.unreadableTime);
  for (const r of resets) {
    const then = base.counters[r.key];
    if (then === undefined) return cumulative(r.missing ?? UNUSABLE_SNAPSHOT.lacks(r.key));
    // Reset times keep microseconds (through float8); the driver's Date truncates to milliseconds.
    if (Math.abs(then - atWindowEnd(base, r.key, r.live?.getTime() ?? 0)) >= 2) {
      return cumulative(UNUSABLE_SNAPSHOT.statsReset);
    }
  }
  const values: Record<string, number> = {};
  const evidence: Record<string, unknown>[] = [];
  for (const c of counters) {
    const then = base.counters[c.key];
    const now_ = current[c.name]!;
    if (then === undefined) return cumulative(UNUSABLE_SNAPSHOT.lacks(c.name));
    if (now_ < then) return cumulative(UNUSABLE_SNAPSHOT.backwards(c.name));
    values[c.name] = now_ - then;
    evidence.push({ counter: c.name, baseline: then, current: now_, delta: now_ - then });
  }
  return {
    values,
    windowed: true,
    since: baselineCoverage(base),
    spanMs: endOf(base, now) - Date.parse(base.takenAt),
    evidence,
  };
}

/** The counters of one database in pg_stat_database, as `db.<datname>.<column>` in snapshots. */
export function databaseWindow(
  base: CounterBaseline | undefined,
  datname: string,
  live: Record<string, number>,
  statsReset: Date | null,
  now: Date,
): CounterWindow {
  return counterWindow(
    base,
    Object.entries(live).map(([name, value]) => ({ name, key: `db.${datname}.${name}`, live: value })),
    [{ key: `db.${datname}.stats_reset_ms`, live: statsReset, missing: UNUSABLE_SNAPSHOT.databaseMissing }],
    now,
  );
}

/** `in database "x"`. */
export const inDatabase = (object: string): Texts => ({ en: `in database ${object}`, zh: `数据库 ${object}` });
