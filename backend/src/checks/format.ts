import type { CounterBaseline, Texts } from './check.types.js';

/** Bytes as a DBA reads them in a message: B, KiB, MiB or GiB. */
export const formatBytes = (bytes: number): string =>
  bytes >= 1024 ** 3
    ? `${(bytes / 1024 ** 3).toFixed(1)} GiB`
    : bytes >= 1024 ** 2
      ? `${(bytes / 1024 ** 2).toFixed(1)} MiB`
      : bytes >= 1024
        ? `${Number((bytes / 1024).toFixed(1))} KiB`
        : `${bytes} B`;

/** What a delta check's counters cover when a snapshot baseline is used, in both languages. */
export const baselineCoverage = (b: CounterBaseline): Texts => {
  const from = new Date(b.takenAt).toISOString();
  const until = b.end ? new Date(b.end.takenAt).toISOString() : undefined;
  return {
    en:
      (b.coversWindowStart
        ? `in the window since ${from}`
        : `since ${from} (first snapshot in the window; window start not covered)`) +
      (until ? ` until ${until} (the snapshot at the window end; this run started later)` : ''),
    zh:
      (b.coversWindowStart ? `窗口内自 ${from} 起` : `自 ${from} 起（窗口内第一份快照，未覆盖窗口起点）`) +
      (until ? `，至 ${until}（窗口终点处的快照；本次运行晚于窗口结束）` : ''),
  };
};

/** ` (snapshot of … not used: reason)`: why a stored baseline was passed over. */
export const snapshotNotUsed = (b: CounterBaseline, reason: Texts): Texts => ({
  en: ` (snapshot of ${b.takenAt} not used: ${reason.en})`,
  zh: `（未采用 ${b.takenAt} 的快照：${reason.zh}）`,
});

/** Why a snapshot cannot serve as the baseline of a counter (engine modules add their own reasons). */
export const UNUSABLE_SNAPSHOT = {
  unreadableTime: { en: 'its time is unreadable', zh: '快照时间无法解析' },
  lacks: (counter: string): Texts => ({ en: `it lacks ${counter}`, zh: `快照中没有 ${counter}` }),
} as const;

/** A counter at the window's end edge: from the end snapshot of a late run when it has it, else the live value. */
export const atWindowEnd = <T extends number | undefined>(
  b: CounterBaseline | undefined,
  key: string,
  live: T,
): number | T => b?.end?.counters[key] ?? live;

/** Milliseconds between the baseline and the window's end edge (the end snapshot, else `now`). */
export const baselineSpanMs = (b: CounterBaseline, now: Date): number =>
  (b.end ? Date.parse(b.end.takenAt) : now.getTime()) - Date.parse(b.takenAt);
