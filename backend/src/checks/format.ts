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
  b.coversWindowStart
    ? `in the window since ${new Date(b.takenAt).toISOString()}`
    : `since ${new Date(b.takenAt).toISOString()} (first snapshot in the window; window start not covered)`;
