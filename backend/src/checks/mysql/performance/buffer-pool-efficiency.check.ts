import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { againstThreshold, grade, UNITS } from '../../grading.js';
import { globalStatusSql, StatusValues, statusRow } from '../connections/global-status.js';
import { countStatusWindow, round } from './counter-window.js';

const COUNTERS = ['Innodb_buffer_pool_read_requests', 'Innodb_buffer_pool_reads'] as const;

export const mysqlBufferPoolEfficiency = defineCheck({
  id: 'mysql.buffer-pool-efficiency',
  catalogRef: 'MY-A03',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'performance',
  tier: 'annual',
  window: 'delta',
  scope: 'instance',
  title: { en: 'InnoDB buffer pool read efficiency', zh: 'InnoDB 缓冲池读取命中率' },
  description: {
    en: 'Share of InnoDB logical reads served from the buffer pool over the window: 1 − Δ Innodb_buffer_pool_reads / Δ Innodb_buffer_pool_read_requests, as growth since the stored snapshot at the window start (without one, since the server started; the report says which period). Below 99 % is a warning, below 95 % critical. Skipped when the window has fewer read requests than minReadRequests (10000), too few to judge.',
    zh: '窗口内 InnoDB 逻辑读由缓冲池满足的比例：1 − Δ Innodb_buffer_pool_reads / Δ Innodb_buffer_pool_read_requests，为窗口起点处快照以来的增量（没有快照时为实例启动以来，报告会注明统计区间）。低于 99% 为警告，低于 95% 为严重。窗口内读请求少于 minReadRequests（10000）时样本太少，跳过。',
  },
  remediation: {
    en: 'Give the buffer pool more memory (innodb_buffer_pool_size, typically 50–75 % of RAM on a dedicated server, resizable online on MySQL 5.7+ / MariaDB 10.2+) or reduce the working set: index the statements that scan large tables, archive cold data.',
    zh: '为缓冲池分配更多内存（innodb_buffer_pool_size，专用服务器通常为内存的 50%–75%，MySQL 5.7+ / MariaDB 10.2+ 可在线调整），或缩小热数据量：为扫描大表的语句补充索引，归档冷数据。',
  },
  queries: {
    status: { sql: globalStatusSql([...COUNTERS, 'Uptime']), row: statusRow },
    settings: {
      sql: [{ since: 0, sql: 'SELECT @@innodb_buffer_pool_size AS innodb_buffer_pool_size' }],
      row: z.object({ innodb_buffer_pool_size: z.coerce.number() }),
    },
  },
  thresholds: {
    schema: z.object({
      warnPercent: z.number().min(0).max(100),
      critPercent: z.number().min(0).max(100),
      minReadRequests: z.number().int().min(1),
    }),
    defaults: { warnPercent: 99, critPercent: 95, minReadRequests: 10_000 },
  },
  evaluate({ status, settings }, ctx) {
    const s = new StatusValues(status);
    if (COUNTERS.some((n) => s.number(n) === undefined))
      return {
        skipped: {
          en: 'the server did not report Innodb_buffer_pool_read_requests and Innodb_buffer_pool_reads (InnoDB disabled?)',
          zh: '实例未返回 Innodb_buffer_pool_read_requests 和 Innodb_buffer_pool_reads（InnoDB 未启用？）',
        },
      };
    const w = countStatusWindow(COUNTERS, s, ctx);
    const requests = w.counted.Innodb_buffer_pool_read_requests ?? 0;
    const reads = w.counted.Innodb_buffer_pool_reads ?? 0;
    if (requests < ctx.thresholds.minReadRequests)
      return {
        skipped: {
          en: `only ${requests} buffer pool read requests ${w.period.en}, fewer than minReadRequests ${ctx.thresholds.minReadRequests}`,
          zh: `统计区间内缓冲池读请求仅 ${requests} 次，少于 minReadRequests ${ctx.thresholds.minReadRequests}（${w.period.zh}）`,
        },
      };
    const exact = (1 - Math.min(reads, requests) / requests) * 100;
    const efficiency = round(exact, 4);
    const graded = grade(
      exact,
      { warn: ctx.thresholds.warnPercent, crit: ctx.thresholds.critPercent },
      { direction: 'below', inclusive: false },
    );
    if (!graded) return [];
    const pool = settings[0]?.innodb_buffer_pool_size;
    const poolText = pool !== undefined ? `innodb_buffer_pool_size = ${pool}` : 'innodb_buffer_pool_size';
    const shown = againstThreshold(efficiency, graded.limit, UNITS.percent);
    return [
      {
        severity: graded.severity,
        object: 'innodb_buffer_pool_size',
        message: {
          en: `Buffer pool read efficiency ${shown.en}: ${reads} of ${requests} read requests went to disk ${w.period.en}; ${poolText}`,
          zh: `缓冲池读取命中率 ${shown.zh}：${requests} 次读请求中有 ${reads} 次需要读盘，统计区间：${w.period.zh}；${poolText}`,
        },
        value: efficiency,
        threshold: graded.limit,
        evidence: w.evidence,
      },
    ];
  },
});
