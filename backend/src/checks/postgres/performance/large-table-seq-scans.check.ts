import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade } from '../../grading.js';
import { pgQualified } from '../../quote.js';
import { UNUSABLE_SNAPSHOT } from '../counter-coverage.js';
import { counterWindow } from '../counter-window.js';

const count = z.coerce.number();
const MINUTE_MS = 60_000;
const MINUTES_PER_DAY = 1440;

export const postgresLargeTableSeqScans = defineCheck({
  id: 'postgres.large-table-seq-scans',
  catalogRef: 'PG-A05',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'performance',
  tier: 'annual',
  window: 'delta',
  scope: 'database',
  title: { en: 'Sequential scans on large tables', zh: '大表上的顺序扫描' },
  description: {
    en: 'Tables with more than minRows live rows that are scanned sequentially more often than through an index (pg_stat_user_tables seq_scan > idx_scan), graded by sequential scans per day: warnScansPerDay (14 400, 10 a minute) is a warning, critScansPerDay (144 000, 100 a minute) critical. The rate is over the window when the snapshot at the window start has the table’s seq_scan (snapshots keep it for the 50 largest tables of the database they connect to); otherwise it is cumulative since the database’s statistics reset, and a database whose statistics were never reset gets an informational finding without a rate. The report says which period was counted.',
    zh: '活跃行数超过 minRows、且顺序扫描次数多于索引扫描（pg_stat_user_tables 中 seq_scan > idx_scan）的表，按每天顺序扫描次数评估：达到 warnScansPerDay（14 400，即每分钟 10 次）为警告，达到 critScansPerDay（144 000，即每分钟 100 次）为严重。窗口起点的快照中有该表的 seq_scan 时（快照保存所连接数据库中最大的 50 张表）按窗口计算速率；否则按该库统计信息上次重置以来的累计值计算，统计信息从未重置的库只给出提示、不计算速率。报告中注明统计区间。',
  },
  remediation: {
    en: 'Find the statements that scan the table (pg_stat_statements, PG-A01; EXPLAIN) and add the index their WHERE or JOIN clause needs, or rewrite them to use an existing one; run ANALYZE when estimates are off. Scans of a table read whole on purpose (reports, small lookups) can be accepted.',
    zh: '找出扫描该表的语句（pg_stat_statements，PG-A01；EXPLAIN），为其 WHERE 或 JOIN 条件添加所需索引，或改写语句以利用已有索引；估算偏差大时执行 ANALYZE。有意整表读取的场景（报表、小型查找）可以接受。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT current_database() AS datname, t.schemaname, t.relname, t.n_live_tup, t.seq_scan,
  COALESCE(t.idx_scan, 0) AS idx_scan, t.seq_tup_read, d.stats_reset
FROM pg_stat_user_tables t CROSS JOIN pg_stat_database d
WHERE d.datname = current_database() AND t.seq_scan > COALESCE(t.idx_scan, 0)
ORDER BY t.n_live_tup DESC LIMIT 200`,
        },
      ],
      row: z.object({
        datname: z.string(),
        schemaname: z.string(),
        relname: z.string(),
        n_live_tup: count,
        seq_scan: count,
        idx_scan: count,
        seq_tup_read: count,
        stats_reset: z.coerce.date().nullable(),
      }),
    },
  },
  thresholds: {
    schema: z.object({
      warnScansPerDay: z.number().nonnegative(),
      critScansPerDay: z.number().nonnegative(),
      /** Tables with fewer live rows are not looked at. */
      minRows: z.number().int().nonnegative(),
    }),
    defaults: { warnScansPerDay: 10 * MINUTES_PER_DAY, critScansPerDay: 100 * MINUTES_PER_DAY, minRows: 100_000 },
  },
  evaluate({ main }, ctx) {
    const t = ctx.thresholds;
    const findings: FindingDraft[] = [];
    for (const row of main) {
      if (row.n_live_tup <= t.minRows) continue;
      const object = pgQualified(row.schemaname, row.relname);
      const w = counterWindow(
        ctx.counterBaseline,
        [
          {
            name: 'seq_scan',
            key: `table.${row.datname}.${row.schemaname}.${row.relname}.seq_scan`,
            live: row.seq_scan,
          },
        ],
        [
          {
            key: `db.${row.datname}.stats_reset_ms`,
            live: row.stats_reset,
            missing: UNUSABLE_SNAPSHOT.databaseMissing,
          },
        ],
        ctx.now,
      );
      const scans = w.values.seq_scan!;
      if (scans <= 0) continue;
      const avgRows = row.seq_scan > 0 ? Math.round(row.seq_tup_read / row.seq_scan) : 0;
      const evidence = [
        ...w.evidence,
        { n_live_tup: row.n_live_tup, seq_scan: row.seq_scan, idx_scan: row.idx_scan, avg_rows_per_seq_scan: avgRows },
      ];
      const head: Texts = {
        en: `${scans} sequential scans of ${object} (${row.n_live_tup} live rows, ${row.idx_scan} index scans in all)`,
        zh: `${object}（${row.n_live_tup} 活跃行，累计索引扫描 ${row.idx_scan} 次）被顺序扫描 ${scans} 次`,
      };
      if (w.spanMs === null || w.spanMs <= 0) {
        findings.push({
          severity: 'info',
          object,
          message: {
            en: `${head.en} ${w.since.en}; no rate: the period is unknown`,
            zh: `${head.zh}，${w.since.zh}；统计区间未知，无法计算速率`,
          },
          value: scans,
          evidence,
        });
        continue;
      }
      const perMinute = scans / (w.spanMs / MINUTE_MS);
      const g = grade(perMinute * MINUTES_PER_DAY, { warn: t.warnScansPerDay, crit: t.critScansPerDay });
      if (!g) continue;
      const limitPerMinute = Number((g.limit / MINUTES_PER_DAY).toFixed(2));
      const limit = {
        en: `threshold ${g.limit}/day, ${limitPerMinute}/min`,
        zh: `阈值 每天 ${g.limit} 次，即每分钟 ${limitPerMinute} 次`,
      };
      findings.push({
        severity: g.severity,
        object,
        message: {
          en: `${head.en}: ${perMinute.toFixed(1)}/min (${limit.en}) ${w.since.en}`,
          zh: `${head.zh}：每分钟 ${perMinute.toFixed(1)} 次（${limit.zh}），${w.since.zh}`,
        },
        value: Math.round(perMinute * MINUTES_PER_DAY),
        threshold: g.limit,
        evidence,
      });
    }
    return findings;
  },
});
