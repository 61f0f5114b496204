import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { formatBytes } from '../../format.js';
import { againstThreshold, grade, UNITS } from '../../grading.js';
import { globalStatusSql, StatusValues, statusRow } from '../connections/global-status.js';
import { countStatusWindow, percent } from './counter-window.js';

const COUNTERS = ['Sort_merge_passes', 'Sort_range', 'Sort_scan'] as const;

export const mysqlSortSpills = defineCheck({
  id: 'mysql.sort-spills',
  catalogRef: 'MY-A06',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'performance',
  tier: 'annual',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Sorts spilling to disk', zh: '排序溢出到磁盘' },
  description: {
    en: 'Merge passes of sorts that did not fit in sort_buffer_size (Δ Sort_merge_passes) against the sorts done (Δ Sort_range + Δ Sort_scan) over the window, as growth since the stored snapshot at the window start (without one, since the server started; the report says which period). More than 10 % is a warning (judged from minSorts sorts on); merge passes at a lower share are reported as information.',
    zh: '统计窗口内超出 sort_buffer_size 的排序的归并次数（Δ Sort_merge_passes）与排序次数（Δ Sort_range + Δ Sort_scan）之比，为窗口起点处快照以来的增量（没有快照时为实例启动以来，报告会注明统计区间）。超过 10% 为警告（排序次数达到 minSorts 才评估）；比例较低但有归并时以信息级别报告。',
  },
  remediation: {
    en: 'Index the ORDER BY / GROUP BY columns of the statements that sort most (digests with SUM_SORT_MERGE_PASSES), return fewer rows, and raise sort_buffer_size only for the sessions that need it (it is allocated per sort).',
    zh: '为排序最多的语句（SUM_SORT_MERGE_PASSES 较高的摘要）的 ORDER BY / GROUP BY 列建立索引，减少返回行数；只在需要的会话中调大 sort_buffer_size（每次排序都会分配）。',
  },
  queries: {
    status: { sql: globalStatusSql([...COUNTERS, 'Uptime']), row: statusRow },
    settings: {
      sql: [{ since: 0, sql: 'SELECT @@sort_buffer_size AS sort_buffer_size' }],
      row: z.object({ sort_buffer_size: z.coerce.number() }),
    },
  },
  thresholds: {
    schema: z.object({ warnPercent: z.number().min(0), minSorts: z.number().int().min(1) }),
    defaults: { warnPercent: 10, minSorts: 100 },
  },
  evaluate({ status, settings }, ctx) {
    const s = new StatusValues(status);
    if (COUNTERS.some((n) => s.number(n) === undefined))
      return {
        skipped: { en: `the server did not report ${COUNTERS.join(', ')}`, zh: `实例未返回 ${COUNTERS.join('、')}` },
      };
    const w = countStatusWindow(COUNTERS, s, ctx);
    const passes = w.counted.Sort_merge_passes ?? 0;
    const sorts = (w.counted.Sort_range ?? 0) + (w.counted.Sort_scan ?? 0);
    if (passes === 0) return [];
    const share = sorts > 0 ? percent(passes, sorts) : 100;
    const graded =
      sorts >= ctx.thresholds.minSorts
        ? grade(share, { warn: ctx.thresholds.warnPercent }, { inclusive: false })
        : null;
    const size = settings[0]?.sort_buffer_size;
    const sizeText = size !== undefined ? `sort_buffer_size = ${size} (${formatBytes(size)})` : 'sort_buffer_size';
    const shown = againstThreshold(share, ctx.thresholds.warnPercent, UNITS.percent);
    return [
      {
        severity: graded?.severity ?? 'info',
        object: 'sort_buffer_size',
        message: {
          en: `${passes} sort merge passes for ${sorts} sorts (Sort_range + Sort_scan): ${shown.en} ${w.period.en}; ${sizeText}`,
          zh: `${sorts} 次排序（Sort_range + Sort_scan）发生 ${passes} 次归并：${shown.zh}，统计区间：${w.period.zh}；${sizeText}`,
        },
        value: share,
        threshold: ctx.thresholds.warnPercent,
        evidence: [...w.evidence, { setting: 'sort_buffer_size', value: size ?? null }],
      },
    ];
  },
});
