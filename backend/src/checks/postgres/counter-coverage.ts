import type { CounterBaseline, Texts } from '../check.types.js';
import { baselineCoverage } from '../format.js';

/** What delta counters cover when a stored snapshot is the baseline, in both languages (English as `format.ts`). */
export const baselineCoverageTexts = (b: CounterBaseline): Texts => ({
  en: baselineCoverage(b),
  zh:
    (b.coversWindowStart
      ? `窗口内自 ${new Date(b.takenAt).toISOString()} 起`
      : `自 ${new Date(b.takenAt).toISOString()} 起（窗口内第一份快照，未覆盖窗口起点）`) +
    (b.end ? `，至 ${new Date(b.end.takenAt).toISOString()}（窗口终点处的快照；本次运行晚于窗口结束）` : ''),
});

/** Since when cumulative statistics count when no usable snapshot covers the window. */
export const sinceStatsReset = (statsReset: Date | null): Texts =>
  statsReset
    ? { en: `since ${statsReset.toISOString()}`, zh: `自 ${statsReset.toISOString()} 起` }
    : {
        en: 'since the statistics were initialised (stats_reset is null)',
        zh: '自统计信息初始化起（stats_reset 为空）',
      };

/** ` (snapshot of … not used: reason)`: why a stored baseline was passed over. */
export const snapshotNotUsed = (b: CounterBaseline, reason: Texts): Texts => ({
  en: ` (snapshot of ${b.takenAt} not used: ${reason.en})`,
  zh: `（未采用 ${b.takenAt} 的快照：${reason.zh}）`,
});

/** Why a snapshot cannot be the baseline of a database's counters. */
export const UNUSABLE_SNAPSHOT = {
  unreadableTime: { en: 'its time is unreadable', zh: '快照时间无法解析' },
  databaseMissing: { en: 'the database is not in it', zh: '快照中没有该数据库' },
  statsReset: { en: 'statistics reset since', zh: '此后统计信息被重置过' },
  lacks: (counter: string): Texts => ({ en: `it lacks ${counter}`, zh: `快照中没有 ${counter}` }),
  backwards: (counter: string): Texts => ({
    en: `${counter} went backwards (statistics reset since)`,
    zh: `${counter} 变小了（此后统计信息被重置过）`,
  }),
} as const;
