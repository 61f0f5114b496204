import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade } from '../../grading.js';
import { pgQualified } from '../../quote.js';
import { formatBytes } from '../../format.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** `8 KiB`, `12.5 MiB`, `3.2 GiB`. */

const thresholdsSchema = z.object({
  warnBytes: z.number().nonnegative(),
  critBytes: z.number().nonnegative(),
  /** Both severities also need at least this share of the table to be bloat. */
  minBloatPercent: z.number().nonnegative(),
});

/*
 * The estimate: the heap pages the table would need packed at its fillfactor (tuple = aligned header with null bitmap
 * + per-column average widths from pg_stats, fixed-width columns rounded up to their alignment; 4-byte line pointer;
 * 24-byte page header) against the pages it has. Columns without visible statistics (never analyzed, or the role
 * may not SELECT them) make the estimate meaningless, so such tables come back with is_na and are not judged.
 */
export const postgresTableBloat = defineCheck({
  id: 'postgres.table-bloat',
  catalogRef: 'PG-W06',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'database',
  title: { en: 'Table bloat (estimated)', zh: '表膨胀（估算）' },
  description: {
    en: 'Estimates the wasted space of each table heap from pg_class (relpages, reltuples, fillfactor) and the column statistics in pg_stats, without reading the table. Tables whose statistics are missing or not visible to the monitoring role are left out; the estimate is only as fresh as the last ANALYZE and ignores TOAST and indexes. Confirm large values with pgstattuple_approx before acting.',
    zh: '基于 pg_class（relpages、reltuples、fillfactor）和 pg_stats 中的列统计信息估算每张表堆文件中浪费的空间，不读取表数据。缺少统计信息或监控账号无权查看统计信息的表不参与判断；估算的新鲜度取决于最近一次 ANALYZE，且不含 TOAST 和索引。数值较大时，处理前请用 pgstattuple_approx 确认。',
  },
  remediation: {
    en: 'Find why vacuum could not keep up (long transactions, disabled autovacuum, replication slots holding xmin), then reclaim the space online with pg_repack or pg_squeeze, or with VACUUM FULL / CLUSTER in a maintenance window (they take an ACCESS EXCLUSIVE lock). Consider a lower fillfactor or more aggressive autovacuum settings for the table.',
    zh: '先查明 VACUUM 跟不上的原因（长事务、关闭了自动清理、复制槽持有 xmin 等），再用 pg_repack 或 pg_squeeze 在线回收空间，或在维护窗口执行 VACUUM FULL / CLUSTER（会持有 ACCESS EXCLUSIVE 锁）。可考虑为该表调低 fillfactor 或设置更积极的自动清理参数。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `WITH cols AS (
  SELECT c.oid, count(*) AS ncols, count(st.attname) AS ncols_with_stats,
    sum((1 - COALESCE(st.null_frac, 0)) * CASE WHEN a.typlen = -1 AND COALESCE(st.avg_width, 0) < 127 THEN COALESCE(st.avg_width, 0)
        ELSE a.align * ceil(COALESCE(st.avg_width, 0)::numeric / a.align) END) AS data_width,
    bool_or(COALESCE(st.null_frac, 0) > 0) AS has_nulls
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN (SELECT att.attrelid, att.attname, ty.typlen,
          CASE ty.typalign WHEN 'd' THEN 8 WHEN 'i' THEN 4 WHEN 's' THEN 2 ELSE 1 END AS align
        FROM pg_attribute att JOIN pg_type ty ON ty.oid = att.atttypid
        WHERE att.attnum > 0 AND NOT att.attisdropped) a ON a.attrelid = c.oid
  LEFT JOIN pg_stats st ON st.schemaname = n.nspname AND st.tablename = c.relname AND st.attname = a.attname AND NOT st.inherited
  WHERE c.relkind IN ('r', 'm') AND c.relpages > 0
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
  GROUP BY c.oid
), est AS (
  SELECT c.oid, c.relpages, c.reltuples, cols.ncols, cols.ncols_with_stats,
    current_setting('block_size')::numeric AS bs,
    COALESCE((SELECT substring(o FROM '^fillfactor=(\\d+)$')::int FROM unnest(c.reloptions) AS o WHERE o LIKE 'fillfactor=%' LIMIT 1), 100) AS fillfactor,
    8 * ceil((23 + CASE WHEN cols.has_nulls THEN ceil(cols.ncols / 8.0) ELSE 0 END) / 8.0) + 8 * ceil(cols.data_width / 8.0) AS tuple_bytes
  FROM pg_class c JOIN cols ON cols.oid = c.oid
)
SELECT n.nspname AS schema_name, c.relname AS table_name, e.reltuples::bigint AS estimated_rows, e.tuple_bytes::int AS tuple_bytes,
  e.fillfactor, e.ncols_with_stats < e.ncols OR e.reltuples < 0 AS is_na,
  e.relpages * e.bs AS table_bytes,
  GREATEST(e.relpages - ceil(GREATEST(e.reltuples, 0) / floor((e.bs - 24) * e.fillfactor / 100 / (e.tuple_bytes + 4))), 0) * e.bs AS bloat_bytes
FROM est e
JOIN pg_class c ON c.oid = e.oid
JOIN pg_namespace n ON n.oid = c.relnamespace
ORDER BY is_na, bloat_bytes DESC, 1, 2
LIMIT 500`,
        },
      ],
      row: z.object({
        schema_name: z.string(),
        table_name: z.string(),
        estimated_rows: z.coerce.number(),
        tuple_bytes: z.coerce.number(),
        fillfactor: z.coerce.number(),
        is_na: z.boolean(),
        table_bytes: z.coerce.number(),
        bloat_bytes: z.coerce.number(),
      }),
    },
  },
  thresholds: { schema: thresholdsSchema, defaults: { warnBytes: 1 * GiB, critBytes: 5 * GiB, minBloatPercent: 20 } },
  evaluate({ main }, ctx) {
    const t = ctx.thresholds;
    const judged = main.filter((r) => !r.is_na);
    if (main.length > 0 && judged.length === 0) {
      return {
        skipped: {
          en: `no table has complete statistics visible to this role (${main.length} checked); run ANALYZE or grant SELECT so pg_stats shows them`,
          zh: `当前角色看不到任何表的完整统计信息（共检查 ${main.length} 个表）；请执行 ANALYZE 或授予 SELECT 权限，使 pg_stats 可见`,
        },
      };
    }
    const findings: FindingDraft[] = [];
    for (const r of judged) {
      const pct = r.table_bytes > 0 ? (100 * r.bloat_bytes) / r.table_bytes : 0;
      if (pct < t.minBloatPercent) continue;
      const g = grade(r.bloat_bytes, { warn: t.warnBytes, crit: t.critBytes });
      if (!g) continue;
      const table = pgQualified(r.schema_name, r.table_name);
      const [bloat, size, limit] = [formatBytes(r.bloat_bytes), formatBytes(r.table_bytes), formatBytes(g.limit)];
      findings.push({
        severity: g.severity,
        object: table,
        message: {
          en: `table ${table} has an estimated ${bloat} of bloat, ${pct.toFixed(1)} % of its ${size} (≥ ${limit} and ≥ ${t.minBloatPercent} %)`,
          zh: `表 ${table} 估计有 ${bloat} 的膨胀空间，占其 ${size} 的 ${pct.toFixed(1)}%（≥ ${limit} 且 ≥ ${t.minBloatPercent}%）`,
        },
        value: r.bloat_bytes,
        threshold: g.limit,
        evidence: [{ ...r, bloat_pct: Number(pct.toFixed(1)) }],
      });
    }
    return findings;
  },
});
