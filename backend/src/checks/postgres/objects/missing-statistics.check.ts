import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { pgQualified } from '../../quote.js';

const thresholdsSchema = z.object({
  /** A never-analyzed table is reported from this many (estimated) rows. */
  minRows: z.number().nonnegative(),
  /** An analyzed table is stale when rows modified since its last analyze reach this share of its rows… */
  staleModifiedPercent: z.number().nonnegative(),
  /** …and this count. */
  staleModifiedCount: z.number().nonnegative(),
});

export const postgresMissingStatistics = defineCheck({
  id: 'postgres.missing-statistics',
  catalogRef: 'PG-W09',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'database',
  title: { en: 'Missing or stale planner statistics', zh: '优化器统计信息缺失或过期' },
  description: {
    en: 'Tables holding rows that were never analyzed, manually or by autovacuum (pg_stat_user_tables.last_analyze and last_autoanalyze both empty), so the planner guesses their row counts and value distributions; and, as information, analyzed tables where the rows modified since the last analyze (n_mod_since_analyze) have grown past autovacuum’s own trigger and the configured share. Last-analyze times are per server (a restored or promoted server starts without them).',
    zh: '存有数据却从未被手动或自动 ANALYZE 过的表（pg_stat_user_tables 的 last_analyze 和 last_autoanalyze 均为空），优化器只能猜测其行数和数据分布；另外以提示级别报告已分析过、但上次分析后修改的行数（n_mod_since_analyze）已超过自动分析触发线和配置比例的表。分析时间按节点记录（恢复或提升后的实例不带这些记录）。',
  },
  remediation: {
    en: 'Run ANALYZE on the table (cheap, reads a sample). If autovacuum never analyzes it, check autovacuum_enabled and autovacuum_analyze_threshold / _scale_factor on the table, and after bulk loads or pg_upgrade run vacuumdb --analyze-in-stages.',
    zh: '对该表执行 ANALYZE（只读取样本，开销小）。如果自动清理始终不分析它，检查该表的 autovacuum_enabled 以及 autovacuum_analyze_threshold / _scale_factor 设置；批量导入或 pg_upgrade 之后执行 vacuumdb --analyze-in-stages。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT n.nspname AS schema_name, c.relname AS table_name,
  GREATEST(c.reltuples, COALESCE(s.n_live_tup, 0))::bigint AS estimated_rows,
  s.n_mod_since_analyze AS modified_since_analyze,
  GREATEST(s.last_analyze, s.last_autoanalyze) AS last_analyzed
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'm')
  AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  AND ((s.last_analyze IS NULL AND s.last_autoanalyze IS NULL AND GREATEST(c.reltuples, s.n_live_tup) > 0)
    OR s.n_mod_since_analyze > 50 + 0.1 * GREATEST(c.reltuples, 0))
ORDER BY GREATEST(s.last_analyze, s.last_autoanalyze) IS NOT NULL, estimated_rows DESC, modified_since_analyze DESC, 1, 2
LIMIT 500`,
        },
      ],
      row: z.object({
        schema_name: z.string(),
        table_name: z.string(),
        estimated_rows: z.coerce.number(),
        modified_since_analyze: z.coerce.number(),
        last_analyzed: z.coerce.date().nullable(),
      }),
    },
  },
  thresholds: {
    schema: thresholdsSchema,
    defaults: { minRows: 1000, staleModifiedPercent: 20, staleModifiedCount: 10_000 },
  },
  evaluate({ main }, ctx) {
    const t = ctx.thresholds;
    const findings: FindingDraft[] = [];
    for (const r of main) {
      const table = pgQualified(r.schema_name, r.table_name);
      const evidence = [{ ...r, last_analyzed: r.last_analyzed?.toISOString() ?? null }];
      if (!r.last_analyzed) {
        if (r.estimated_rows < t.minRows) continue;
        findings.push({
          severity: 'warning',
          object: table,
          message: {
            en: `table ${table} has about ${r.estimated_rows} rows and has never been analyzed (≥ ${t.minRows} rows)`,
            zh: `表 ${table} 约有 ${r.estimated_rows} 行，从未执行过 ANALYZE（≥ ${t.minRows} 行）`,
          },
          value: r.estimated_rows,
          threshold: t.minRows,
          evidence,
        });
        continue;
      }
      const pct = r.estimated_rows > 0 ? (100 * r.modified_since_analyze) / r.estimated_rows : 100;
      if (r.modified_since_analyze < t.staleModifiedCount || pct < t.staleModifiedPercent) continue;
      const at = r.last_analyzed.toISOString();
      findings.push({
        severity: 'info',
        object: table,
        message: {
          en: `statistics of ${table} are stale: ${r.modified_since_analyze} rows modified since the last analyze at ${at}, ${pct.toFixed(0)} % of its ${r.estimated_rows} rows (≥ ${t.staleModifiedCount} and ≥ ${t.staleModifiedPercent} %)`,
          zh: `表 ${table} 的统计信息已过时：自上次 ANALYZE（${at}）以来修改了 ${r.modified_since_analyze} 行，占其 ${r.estimated_rows} 行的 ${pct.toFixed(0)}%（≥ ${t.staleModifiedCount} 且 ≥ ${t.staleModifiedPercent}%）`,
        },
        value: r.modified_since_analyze,
        threshold: t.staleModifiedCount,
        evidence,
      });
    }
    return findings;
  },
});
