import type { CounterBaseline, Texts } from '../check.types.js';
import { baselineCoverage } from '../format.js';

/** What a delta check's counters cover when a snapshot baseline is used, in both languages (English as `format.ts`). */
export const baselineCoverageTexts = (b: CounterBaseline): Texts => ({
  en: baselineCoverage(b),
  zh:
    (b.coversWindowStart
      ? `窗口内自 ${new Date(b.takenAt).toISOString()} 起`
      : `自 ${new Date(b.takenAt).toISOString()} 起（窗口内第一份快照，未覆盖窗口起点）`) +
    (b.end ? `，至 ${new Date(b.end.takenAt).toISOString()}（窗口终点处的快照；本次运行晚于窗口结束）` : ''),
});

/** ` (snapshot of … not used: reason)`: why a stored baseline was passed over. */
export const snapshotNotUsed = (b: CounterBaseline, reason: Texts): Texts => ({
  en: ` (snapshot of ${b.takenAt} not used: ${reason.en})`,
  zh: `（未采用 ${b.takenAt} 的快照：${reason.zh}）`,
});

/** Why a snapshot cannot serve as the baseline of a counter. */
export const UNUSABLE_SNAPSHOT = {
  unreadableTime: { en: 'its time is unreadable', zh: '快照时间无法解析' },
  lacks: (counter: string): Texts => ({ en: `it lacks ${counter}`, zh: `快照中没有 ${counter}` }),
} as const;
