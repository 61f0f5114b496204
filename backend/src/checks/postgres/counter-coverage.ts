import type { Texts } from '../check.types.js';
import { UNUSABLE_SNAPSHOT as UNUSABLE_BASE } from '../format.js';

/** Since when cumulative statistics count when no usable snapshot covers the window. */
export const sinceStatsReset = (statsReset: Date | null): Texts =>
  statsReset
    ? { en: `since ${statsReset.toISOString()}`, zh: `自 ${statsReset.toISOString()} 起` }
    : {
        en: 'since the statistics were initialised (stats_reset is null)',
        zh: '自统计信息初始化起（stats_reset 为空）',
      };

/** Why a snapshot cannot be the baseline of a database's counters. */
export const UNUSABLE_SNAPSHOT = {
  ...UNUSABLE_BASE,
  databaseMissing: { en: 'the database is not in it', zh: '快照中没有该数据库' },
  statsReset: { en: 'statistics reset since', zh: '此后统计信息被重置过' },
  backwards: (counter: string): Texts => ({
    en: `${counter} went backwards (statistics reset since)`,
    zh: `${counter} 变小了（此后统计信息被重置过）`,
  }),
} as const;
