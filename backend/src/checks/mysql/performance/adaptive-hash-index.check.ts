import { z } from 'zod';
import type { CheckContext, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { againstThreshold, UNITS } from '../../grading.js';
import { globalStatusSql, StatusValues, statusRow } from '../connections/global-status.js';
import { countWindow, percent } from './counter-window.js';

const METRICS = ['adaptive_hash_searches', 'adaptive_hash_searches_btree'] as const;
type Metric = (typeof METRICS)[number];
const metricKey = (name: string): string => `metric.${name}`;

/** MySQL names the switch STATUS ('enabled' / 'disabled'), MariaDB ENABLED (1 / 0); `SELECT *` reads either. */
const metricRow = z.object({
  NAME: z.string(),
  COUNT: z.coerce.number(),
  STATUS: z.union([z.string(), z.number()]).nullable().optional(),
  ENABLED: z.union([z.string(), z.number()]).nullable().optional(),
});
const isEnabled = (r: z.infer<typeof metricRow>): boolean => {
  const flag = r.STATUS ?? r.ENABLED;
  return flag === null || flag === undefined ? true : /^(enabled|1)$/i.test(String(flag));
};

/** `x hash searches/s, y non-hash searches/s` and the seconds the averages cover, from SHOW ENGINE INNODB STATUS. */
function parseAhiRates(status: string): { hash: number; nonHash: number; seconds?: number } | undefined {
  const m = /([\d.]+) hash searches\/s,\s*([\d.]+) non-hash searches\/s/.exec(status);
  if (!m) return undefined;
  const span = /averages calculated from the last (\d+) seconds/.exec(status);
  return { hash: Number(m[1]), nonHash: Number(m[2]), ...(span ? { seconds: Number(span[1]) } : {}) };
}

function lowHitFinding(hitPercent: number, hash: number, nonHash: number, period: Texts, limit: number, unit: Texts) {
  const shown = againstThreshold(hitPercent, limit, UNITS.percent);
  return {
    severity: 'info' as const,
    object: 'innodb_adaptive_hash_index',
    message: {
      en: `Adaptive hash index hit ratio ${shown.en}: ${hash} hash searches${unit.en} against ${nonHash} B-tree searches${unit.en} ${period.en}`,
      zh: `自适应哈希索引命中率 ${shown.zh}：哈希查找 ${hash}${unit.zh}，B 树查找 ${nonHash}${unit.zh}，统计区间：${period.zh}`,
    },
    value: hitPercent,
    threshold: limit,
  };
}

export const mysqlAdaptiveHashIndex = defineCheck({
  id: 'mysql.adaptive-hash-index',
  catalogRef: 'MY-A07',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'performance',
  tier: 'annual',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Adaptive hash index efficiency', zh: '自适应哈希索引效率' },
  description: {
    en: 'When innodb_adaptive_hash_index is ON, the share of InnoDB index lookups served by the adaptive hash index: adaptive_hash_searches / (adaptive_hash_searches + adaptive_hash_searches_btree) from information_schema.INNODB_METRICS (growth over the window when the stored snapshots hold these metrics, else since the server started or the last innodb_monitor_reset; the report says which period), or, when those metrics are disabled, the "hash searches/s, non-hash searches/s" averages of SHOW ENGINE INNODB STATUS. A hit ratio below 50 % is reported as information (judged from minSearches lookups on). With the index OFF there is nothing to check.',
    zh: 'innodb_adaptive_hash_index 为 ON 时，InnoDB 索引查找中由自适应哈希索引满足的比例：information_schema.INNODB_METRICS 中的 adaptive_hash_searches / (adaptive_hash_searches + adaptive_hash_searches_btree)（快照中保存了这些指标时为窗口内增量，否则为实例启动或上次 innodb_monitor_reset 以来的累计值，报告会注明统计区间）；这些指标未启用时，改用 SHOW ENGINE INNODB STATUS 中的 "hash searches/s, non-hash searches/s" 平均值。命中率低于 50% 时以信息级别报告（查找次数达到 minSearches 才评估）。自适应哈希索引为 OFF 时无需检查。',
  },
  remediation: {
    en: 'A low hit ratio means the adaptive hash index costs latch contention and memory without serving many lookups: consider innodb_adaptive_hash_index = OFF (dynamic), or more partitions (innodb_adaptive_hash_index_parts) where contention on its latch shows in SEMAPHORES. Measure before and after.',
    zh: '命中率低说明自适应哈希索引占用内存并带来锁争用，却很少命中：可考虑设置 innodb_adaptive_hash_index = OFF（可动态修改），或在 SEMAPHORES 中出现其闩锁争用时增加分区（innodb_adaptive_hash_index_parts）。调整前后请对比测量。',
  },
  queries: {
    settings: {
      sql: [{ since: 0, sql: 'SELECT @@innodb_adaptive_hash_index AS enabled' }],
      row: z.object({ enabled: z.coerce.number() }),
    },
    status: { sql: globalStatusSql(['Uptime']), row: statusRow },
    metrics: {
      sql: [
        {
          since: 0,
          sql: `SELECT * FROM information_schema.INNODB_METRICS WHERE NAME IN (${METRICS.map((m) => `'${m}'`).join(', ')})`,
        },
      ],
      row: metricRow,
      optional: true,
    },
    innodbStatus: {
      sql: [{ since: 0, sql: 'SHOW ENGINE INNODB STATUS' }],
      row: z.object({ Status: z.string() }),
      optional: true,
    },
  },
  thresholds: {
    schema: z.object({ infoHitPercent: z.number().min(0).max(100), minSearches: z.number().int().min(1) }),
    defaults: { infoHitPercent: 50, minSearches: 10_000 },
  },
  evaluate({ settings, status, metrics, innodbStatus }, ctx) {
    if (settings[0]?.enabled !== 1) return [];
    const limit = ctx.thresholds.infoHitPercent;
    const byName = new Map(metrics.map((m) => [m.NAME.toLowerCase(), m]));
    const rows = METRICS.map((n) => byName.get(n));
    if (rows.every((r) => r && isEnabled(r))) {
      const base = ctx.counterBaseline;
      const inSnapshots = !!base && METRICS.every((n) => base.counters[metricKey(n)] !== undefined);
      const c: Pick<CheckContext<unknown>, 'counterBaseline' | 'now' | 'window' | 'server'> = inSnapshots
        ? ctx
        : { now: ctx.now, window: ctx.window, server: ctx.server };
      const w = countWindow<Metric>(
        METRICS,
        (n) => byName.get(n)?.COUNT,
        c,
        new StatusValues(status).number('Uptime'),
        metricKey,
      );
      const note: Texts =
        base && !inSnapshots
          ? { en: ' (the stored snapshots do not hold these metrics)', zh: '（保存的快照中没有这些指标）' }
          : { en: '', zh: '' };
      const period = {
        en: `${w.period.en} or the last innodb_monitor_reset${note.en}`,
        zh: `${w.period.zh}（或上次 innodb_monitor_reset 以来）${note.zh}`,
      };
      const hash = w.counted.adaptive_hash_searches ?? 0;
      const btree = w.counted.adaptive_hash_searches_btree ?? 0;
      if (hash + btree < ctx.thresholds.minSearches)
        return {
          skipped: {
            en: `only ${hash + btree} index searches ${period.en}, fewer than minSearches ${ctx.thresholds.minSearches}`,
            zh: `统计区间内索引查找仅 ${hash + btree} 次，少于 minSearches ${ctx.thresholds.minSearches}（${period.zh}）`,
          },
        };
      const hit = percent(hash, hash + btree);
      if (hit >= limit) return [];
      return [{ ...lowHitFinding(hit, hash, btree, period, limit, { en: '', zh: ' 次' }), evidence: w.evidence }];
    }
    const rates = innodbStatus[0] ? parseAhiRates(innodbStatus[0].Status) : undefined;
    if (!rates)
      return {
        skipped: {
          en: "the INNODB_METRICS adaptive_hash_searches metrics are disabled or not readable and SHOW ENGINE INNODB STATUS is not available (needs PROCESS); enable them with innodb_monitor_enable = 'adaptive_hash_searches%'",
          zh: "INNODB_METRICS 中的 adaptive_hash_searches 指标未启用或无法读取，且无法执行 SHOW ENGINE INNODB STATUS（需要 PROCESS 权限）；可通过 innodb_monitor_enable = 'adaptive_hash_searches%' 启用",
        },
      };
    const period: Texts = {
      en: `(per-second averages of SHOW ENGINE INNODB STATUS over the last ${rates.seconds ?? '?'} seconds; the INNODB_METRICS adaptive_hash_searches metrics are disabled)`,
      zh: `（SHOW ENGINE INNODB STATUS 最近 ${rates.seconds ?? '?'} 秒的每秒平均值；INNODB_METRICS 的 adaptive_hash_searches 指标未启用）`,
    };
    if (rates.hash + rates.nonHash <= 0)
      return {
        skipped: {
          en: `no index searches ${period.en}`,
          zh: `没有索引查找${period.zh}`,
        },
      };
    const hit = percent(rates.hash, rates.hash + rates.nonHash);
    if (hit >= limit) return [];
    return [
      {
        ...lowHitFinding(hit, rates.hash, rates.nonHash, period, limit, { en: '/s', zh: ' 次/秒' }),
        evidence: [
          {
            hashSearchesPerSecond: rates.hash,
            nonHashSearchesPerSecond: rates.nonHash,
            seconds: rates.seconds ?? null,
          },
        ],
      },
    ];
  },
});
