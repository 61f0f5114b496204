import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import { pgIdent } from '../../quote.js';
import { databaseWindow, inDatabase } from '../counter-window.js';

const count = z.coerce.number();

export const postgresCacheHitRatio = defineCheck({
  id: 'postgres.cache-hit-ratio',
  catalogRef: 'PG-A02',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'performance',
  tier: 'annual',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Buffer cache hit ratio per database', zh: '各数据库的缓冲区命中率' },
  description: {
    en: 'Share of block reads served from shared_buffers per database over the window: Δblks_hit / Δ(blks_hit + blks_read) of pg_stat_database against the snapshot at the window start (cumulative since the statistics reset when no usable snapshot; the report says which period). Below warnPercent is a warning, below critPercent critical; databases with fewer than minBlocks block reads in the period are left out. A block missed in shared_buffers may still come from the OS page cache.',
    zh: '按数据库统计窗口内由 shared_buffers 命中的块读取比例：pg_stat_database 的 Δblks_hit / Δ(blks_hit + blks_read)，与窗口起点的快照相减（没有可用快照时为自统计信息重置以来的累计值，报告注明统计区间）。低于 warnPercent 为警告，低于 critPercent 为严重；统计区间内块读取少于 minBlocks 的数据库不评估。未命中 shared_buffers 的块仍可能来自操作系统页缓存。',
  },
  remediation: {
    en: 'Find the statements reading the most blocks (pg_stat_statements shared_blks_read, PG-A01) and the tables scanned sequentially (PG-A05); add indexes or rewrite them before giving the server more memory; then size shared_buffers (commonly 25 % of RAM) and effective_cache_size to the working set.',
    zh: '先找出读取块最多的语句（pg_stat_statements 的 shared_blks_read，PG-A01）和被顺序扫描的表（PG-A05），优先加索引或改写语句，再考虑增加内存；随后按工作集大小调整 shared_buffers（通常为内存的 25%）和 effective_cache_size。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT datname, blks_hit, blks_read, stats_reset FROM pg_stat_database
WHERE datname IS NOT NULL ORDER BY datname LIMIT 500`,
        },
      ],
      row: z.object({
        datname: z.string(),
        blks_hit: count,
        blks_read: count,
        stats_reset: z.coerce.date().nullable(),
      }),
    },
  },
  thresholds: {
    schema: z.object({
      warnPercent: z.number().min(0).max(100),
      critPercent: z.number().min(0).max(100),
      /** Fewer block reads than this make the ratio meaningless. */
      minBlocks: z.number().int().nonnegative(),
    }),
    defaults: { warnPercent: 90, critPercent: 80, minBlocks: 10_000 },
  },
  evaluate({ main }, ctx) {
    const t = ctx.thresholds;
    const findings: FindingDraft[] = [];
    for (const row of main) {
      const w = databaseWindow(
        ctx.counterBaseline,
        row.datname,
        { blks_hit: row.blks_hit, blks_read: row.blks_read },
        row.stats_reset,
        ctx.now,
      );
      const hit = w.values.blks_hit!;
      const reads = hit + w.values.blks_read!;
      if (reads < t.minBlocks || reads <= 0) continue;
      const pct = (100 * hit) / reads;
      const g = grade(pct, { warn: t.warnPercent, crit: t.critPercent }, { direction: 'below', inclusive: false });
      if (!g) continue;
      const object = pgIdent(row.datname);
      const limit = thresholdText(g.limit, UNITS.percent);
      const where = inDatabase(object);
      findings.push({
        severity: g.severity,
        object,
        message: {
          en: `${pct.toFixed(1)} % of ${reads} block reads hit shared_buffers ${where.en} (${limit.en}) ${w.since.en}`,
          zh: `${where.zh} 的 ${reads} 次块读取中有 ${pct.toFixed(1)}% 命中 shared_buffers（${limit.zh}），${w.since.zh}`,
        },
        value: Math.round(pct * 10) / 10,
        threshold: g.limit,
        evidence: w.evidence,
      });
    }
    return findings;
  },
});
