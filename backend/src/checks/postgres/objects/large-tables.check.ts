import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { pgQualified } from '../../quote.js';
import { formatBytes } from '../../format.js';

const GiB = 1024 * 1024 * 1024;
/** `8 KiB`, `12.5 MiB`, `3.2 GiB`. */

const thresholdsSchema = z.object({
  minLargeBytes: z.number().nonnegative(),
  minVeryLargeBytes: z.number().nonnegative(),
  minWideColumns: z.number().int().nonnegative(),
  minVeryWideColumns: z.number().int().nonnegative(),
});

export const postgresLargeTables = defineCheck({
  id: 'postgres.large-tables',
  catalogRef: 'PG-W12',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'database',
  title: { en: 'Very large or very wide tables', zh: '超大表与超宽表' },
  description: {
    en: 'Tables and materialized views whose total size with indexes and TOAST (pg_total_relation_size) or whose number of live columns passes the thresholds, as information for capacity, partitioning and schema reviews. Dropped columns still count toward the 1600-column limit and are shown.',
    zh: '总大小（含索引和 TOAST，pg_total_relation_size）或有效列数超过阈值的表和物化视图，作为容量规划、分区与表结构评审的参考信息。已删除的列仍计入 1600 列上限，一并列出。',
  },
  remediation: {
    en: 'For very large tables, plan partitioning (declarative, by time or key) and archiving, and check that vacuum, backup and restore times stay acceptable. For very wide tables, split rarely used or large columns into side tables; rewrite the table (pg_repack, VACUUM FULL) to clear many dropped columns.',
    zh: '超大表应规划分区（按时间或键的声明式分区）与归档，并评估 VACUUM、备份和恢复耗时是否可接受。超宽表可将不常用或较大的列拆分到附属表；已删除列过多时可重写表（pg_repack、VACUUM FULL）清理。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `WITH t AS (
  SELECT n.nspname AS schema_name, c.relname AS table_name,
    pg_total_relation_size(c.oid) AS total_bytes,
    (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
    (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND a.attisdropped) AS dropped_columns
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'm')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
)
(SELECT * FROM t ORDER BY total_bytes DESC NULLS LAST LIMIT 250)
UNION
(SELECT * FROM t ORDER BY columns DESC LIMIT 250)
ORDER BY 1, 2`,
        },
      ],
      row: z.object({
        schema_name: z.string(),
        table_name: z.string(),
        total_bytes: z.coerce.number().nullable(),
        columns: z.coerce.number(),
        dropped_columns: z.coerce.number(),
      }),
    },
  },
  thresholds: {
    schema: thresholdsSchema,
    defaults: { minLargeBytes: 50 * GiB, minVeryLargeBytes: 100 * GiB, minWideColumns: 50, minVeryWideColumns: 200 },
  },
  evaluate({ main }, ctx) {
    const t = ctx.thresholds;
    const findings: FindingDraft[] = [];
    for (const r of main) {
      const table = pgQualified(r.schema_name, r.table_name);
      const evidence = [{ ...r }];
      if (r.total_bytes !== null && r.total_bytes >= t.minLargeBytes) {
        const very = r.total_bytes >= t.minVeryLargeBytes;
        const limit = very ? t.minVeryLargeBytes : t.minLargeBytes;
        findings.push({
          severity: 'info',
          object: table,
          message: {
            en: `table ${table} is ${very ? 'very ' : ''}large: ${formatBytes(r.total_bytes)} with indexes and TOAST (≥ ${formatBytes(limit)})`,
            zh: `表 ${table} ${very ? '非常' : '较'}大：含索引和 TOAST 共 ${formatBytes(r.total_bytes)}（≥ ${formatBytes(limit)}）`,
          },
          value: r.total_bytes,
          threshold: limit,
          evidence,
        });
      }
      if (r.columns >= t.minWideColumns) {
        const very = r.columns >= t.minVeryWideColumns;
        const limit = very ? t.minVeryWideColumns : t.minWideColumns;
        const dropped = r.dropped_columns > 0;
        findings.push({
          severity: 'info',
          object: table,
          message: {
            en: `table ${table} is ${very ? 'very ' : ''}wide: ${r.columns} columns${dropped ? ` plus ${r.dropped_columns} dropped` : ''} (≥ ${limit})`,
            zh: `表 ${table} 列数${very ? '非常' : '较'}多：${r.columns} 列${dropped ? `，另有 ${r.dropped_columns} 个已删除的列` : ''}（≥ ${limit}）`,
          },
          value: r.columns,
          threshold: limit,
          evidence,
        });
      }
    }
    return findings;
  },
});
