import type { CounterBaseline } from './check.types.js';

/** Bytes as a DBA reads them in a message: B, KiB, MiB or GiB. */
export const formatBytes = (bytes: number): string =>
  bytes >= 1024 ** 3
    ? `${(bytes / 1024 ** 3).toFixed(1)} GiB`
    : bytes >= 1024 ** 2
      ? `${(bytes / 1024 ** 2).toFixed(1)} MiB`
      : bytes >= 1024
        ? `${Number((bytes / 1024).toFixed(1))} KiB`
        : `${bytes} B`;

/** What a delta check's counters cover when a snapshot baseline is used. */
export const baselineCoverage = (b: CounterBaseline): string =>
  (b.coversWindowStart
    ? `in the window since ${new Date(b.takenAt).toISOString()}`
    : `since ${new Date(b.takenAt).toISOString()} (first snapshot in the window; window start not covered)`) +
  (b.end
    ? ` until ${new Date(b.end.takenAt).toISOString()} (the snapshot at the window end; this run started later)`
    : '');

/** A counter at the window's end edge: from the end snapshot of a late run when it has it, else the live value. */
export const atWindowEnd = <T extends number | undefined>(
  b: CounterBaseline | undefined,
  key: string,
  live: T,
): number | T => b?.end?.counters[key] ?? live;

/** Milliseconds between the baseline and the window's end edge (the end snapshot, else `now`). */
export const baselineSpanMs = (b: CounterBaseline, now: Date): number =>
  (b.end ? Date.parse(b.end.takenAt) : now.getTime()) - Date.parse(b.takenAt);
