import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import { pgIdent } from '../../quote.js';
import { databaseWindow, inDatabase } from '../counter-window.js';

const count = z.coerce.number();

export const postgresRollbackRatio = defineCheck({
  id: 'postgres.rollback-ratio',
  catalogRef: 'PG-A07',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'performance',
  tier: 'annual',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Rollback ratio per database', zh: '各数据库的事务回滚比例' },
  description: {
    en: 'Share of transactions rolled back per database over the window: Δxact_rollback / (Δxact_commit + Δxact_rollback) of pg_stat_database against the snapshot at the window start (cumulative since the statistics reset when no usable snapshot; the report says which period). Above warnPercent is a warning, above critPercent critical; databases with fewer than minTransactions transactions in the period are left out.',
    zh: '按数据库统计窗口内回滚的事务比例：pg_stat_database 的 Δxact_rollback / (Δxact_commit + Δxact_rollback)，与窗口起点的快照相减（没有可用快照时为自统计信息重置以来的累计值，报告注明统计区间）。高于 warnPercent 为警告，高于 critPercent 为严重；统计区间内事务少于 minTransactions 的数据库不评估。',
  },
  remediation: {
    en: 'Find what rolls back: application errors and retries (the log with log_min_error_statement), serialization failures, constraint violations, drivers or ORMs that end read-only work with ROLLBACK; fix the errors and let read-only transactions commit.',
    zh: '找出回滚的来源：应用报错与重试（结合 log_min_error_statement 查看日志）、序列化失败、约束冲突、以 ROLLBACK 结束只读事务的驱动或 ORM；修复错误，并让只读事务以提交结束。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT datname, xact_commit, xact_rollback, stats_reset FROM pg_stat_database
WHERE datname IS NOT NULL ORDER BY datname LIMIT 500`,
        },
      ],
      row: z.object({
        datname: z.string(),
        xact_commit: count,
        xact_rollback: count,
        stats_reset: z.coerce.date().nullable(),
      }),
    },
  },
  thresholds: {
    schema: z.object({
      warnPercent: z.number().min(0).max(100),
      critPercent: z.number().min(0).max(100),
      /** Fewer transactions than this make the ratio meaningless. */
      minTransactions: z.number().int().nonnegative(),
    }),
    defaults: { warnPercent: 0.5, critPercent: 1, minTransactions: 1000 },
  },
  evaluate({ main }, ctx) {
    const t = ctx.thresholds;
    const findings: FindingDraft[] = [];
    for (const row of main) {
      const w = databaseWindow(
        ctx.counterBaseline,
        row.datname,
        { xact_commit: row.xact_commit, xact_rollback: row.xact_rollback },
        row.stats_reset,
        ctx.now,
      );
      const rollbacks = w.values.xact_rollback!;
      const xacts = w.values.xact_commit! + rollbacks;
      if (xacts < t.minTransactions || xacts <= 0) continue;
      const pct = (100 * rollbacks) / xacts;
      const g = grade(pct, { warn: t.warnPercent, crit: t.critPercent }, { inclusive: false });
      if (!g) continue;
      const object = pgIdent(row.datname);
      const limit = thresholdText(g.limit, UNITS.percent);
      const where = inDatabase(object);
      findings.push({
        severity: g.severity,
        object,
        message: {
          en: `${rollbacks} of ${xacts} transactions (${pct.toFixed(2)} %) rolled back ${where.en} (${limit.en}) ${w.since.en}`,
          zh: `${where.zh} 的 ${xacts} 个事务中有 ${rollbacks} 个（${pct.toFixed(2)}%）回滚（${limit.zh}），${w.since.zh}`,
        },
        value: Math.round(pct * 100) / 100,
        threshold: g.limit,
        evidence: w.evidence,
      });
    }
    return findings;
  },
});
