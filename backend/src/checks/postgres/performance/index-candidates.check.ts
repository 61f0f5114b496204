import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { formatBytes } from '../../format.js';
import { pgIdent, pgQualified } from '../../quote.js';

const count = z.coerce.number();

/** Tables read mostly by sequential scans, the most rows read first (state since the statistics reset). */
const SCANNED_SQL = `SELECT schemaname, relname, n_live_tup, seq_scan, seq_tup_read, COALESCE(idx_scan, 0) AS idx_scan
FROM pg_stat_user_tables
WHERE seq_scan > COALESCE(idx_scan, 0)
ORDER BY seq_tup_read DESC, relid LIMIT 100`;

/**
 * Plain single-column indexes with the column's planner statistics: the share of NULLs and of the most common value.
 * pg_stats shows only the columns this role may read.
 */
const SKEWED_SQL = `SELECT n.nspname AS schemaname, t.relname AS tablename, i.relname AS indexname, a.attname AS column_name,
  s.null_frac::float8 AS null_frac, (s.most_common_vals::text::text[])[1] AS top_value,
  (s.most_common_freqs)[1]::float8 AS top_freq, t.reltuples::float8 AS reltuples,
  pg_relation_size(i.oid) AS index_bytes
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = t.relname AND s.attname = a.attname AND NOT s.inherited
WHERE x.indnatts = 1 AND x.indexprs IS NULL AND x.indpred IS NULL AND NOT x.indisprimary
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
ORDER BY pg_relation_size(i.oid) DESC, i.oid LIMIT 200`;

const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;

export const postgresIndexCandidates = defineCheck({
  id: 'postgres.index-candidates',
  catalogRef: 'PG-A09',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'performance',
  tier: 'annual',
  window: 'state',
  scope: 'database',
  title: { en: 'Index candidates', zh: '索引优化候选' },
  description: {
    en: 'Two heuristics, reported for information, from the statistics since the last reset: tables with more than minRows live rows read by at least minSeqScans sequential scans, more than by index scans, each scan reading on average at least minRows rows (an index for their filters may help); and plain single-column indexes whose column is mostly NULL or mostly one value (pg_stats null_frac or the most common value’s frequency at infoSkewPercent or more, on tables over minRows rows): a partial index on the other rows is smaller and cheaper to maintain. Foreign-key columns without an index are reported by PG-W05, not here.',
    zh: '基于统计信息上次重置以来的数据，以提示形式报告两类启发式结果：活跃行数超过 minRows、顺序扫描至少 minSeqScans 次且多于索引扫描、每次扫描平均读取至少 minRows 行的表（为其过滤条件建索引可能有帮助）；以及单列普通索引所在列大部分为 NULL 或同一个值（pg_stats 中 null_frac 或最常见值的频率达到 infoSkewPercent，且表超过 minRows 行）：只覆盖其余行的部分索引更小、维护代价更低。未建索引的外键列由 PG-W05 报告，此处不重复。',
  },
  remediation: {
    en: 'For a scanned table, find the statements (pg_stat_statements, EXPLAIN) and index the columns of their WHERE and JOIN clauses (CREATE INDEX CONCURRENTLY). For a skewed column, replace the index by a partial one that leaves out the NULLs or the common value the queries never look up (CREATE INDEX CONCURRENTLY … WHERE col IS NOT NULL), after checking the queries’ predicates match it.',
    zh: '对被顺序扫描的表，找出相关语句（pg_stat_statements、EXPLAIN），为其 WHERE 和 JOIN 条件中的列建索引（CREATE INDEX CONCURRENTLY）。对分布倾斜的列，确认查询条件能匹配后，用排除 NULL 或查询从不查找的常见值的部分索引替换原索引（CREATE INDEX CONCURRENTLY … WHERE col IS NOT NULL）。',
  },
  queries: {
    scanned: {
      sql: [{ since: 0, sql: SCANNED_SQL }],
      row: z.object({
        schemaname: z.string(),
        relname: z.string(),
        n_live_tup: count,
        seq_scan: count,
        seq_tup_read: count,
        idx_scan: count,
      }),
    },
    skewed: {
      sql: [{ since: 0, sql: SKEWED_SQL }],
      row: z.object({
        schemaname: z.string(),
        tablename: z.string(),
        indexname: z.string(),
        column_name: z.string(),
        null_frac: count.nullable(),
        top_value: z.string().nullable(),
        top_freq: count.nullable(),
        reltuples: count,
        index_bytes: count,
      }),
      optional: true,
    },
  },
  thresholds: {
    schema: z.object({
      /** Tables with fewer rows are not looked at; also the rows a sequential scan reads on average. */
      minRows: z.number().int().nonnegative(),
      minSeqScans: z.number().int().nonnegative(),
      infoSkewPercent: z.number().min(0).max(100),
    }),
    defaults: { minRows: 10_000, minSeqScans: 50, infoSkewPercent: 80 },
  },
  evaluate({ scanned, skewed }, ctx) {
    const t = ctx.thresholds;
    const findings: FindingDraft[] = [];
    for (const r of scanned) {
      if (r.n_live_tup <= t.minRows || r.seq_scan < t.minSeqScans || r.seq_scan <= r.idx_scan) continue;
      const perScan = Math.round(r.seq_tup_read / r.seq_scan);
      if (perScan < t.minRows) continue;
      const object = pgQualified(r.schemaname, r.relname);
      findings.push({
        severity: 'info',
        object,
        message: {
          en: `${object} (${r.n_live_tup} live rows) was scanned sequentially ${r.seq_scan} times, reading ${perScan} rows per scan on average, against ${r.idx_scan} index scans: an index for the filters of those statements may help`,
          zh: `${object}（${r.n_live_tup} 活跃行）被顺序扫描 ${r.seq_scan} 次，平均每次读取 ${perScan} 行，而索引扫描为 ${r.idx_scan} 次：为相关语句的过滤条件建索引可能有帮助`,
        },
        value: r.seq_scan,
        evidence: [{ ...r, avg_rows_per_seq_scan: perScan }],
      });
    }
    for (const r of skewed) {
      if (r.reltuples <= t.minRows) continue;
      const nullPct = 100 * (r.null_frac ?? 0);
      const topPct = 100 * (r.top_freq ?? 0);
      const byNulls = nullPct >= t.infoSkewPercent && nullPct >= topPct;
      if (!byNulls && (topPct < t.infoSkewPercent || r.top_value === null)) continue;
      const column = pgIdent(r.column_name);
      const predicate = byNulls ? `${column} IS NOT NULL` : `${column} <> ${literal(r.top_value!)}`;
      const share = byNulls
        ? { en: `${nullPct.toFixed(0)} % of its rows are NULL`, zh: `${nullPct.toFixed(0)}% 的行为 NULL` }
        : {
            en: `${topPct.toFixed(0)} % of its rows hold ${literal(r.top_value!)}`,
            zh: `${topPct.toFixed(0)}% 的行值为 ${literal(r.top_value!)}`,
          };
      const object = pgQualified(r.schemaname, r.indexname);
      findings.push({
        severity: 'info',
        object,
        message: {
          en: `Index ${object} (${formatBytes(r.index_bytes)}) on ${pgQualified(r.schemaname, r.tablename)} (${column}): ${share.en}; a partial index WHERE ${predicate} would be smaller if the queries never look those rows up`,
          zh: `索引 ${object}（${formatBytes(r.index_bytes)}）位于 ${pgQualified(r.schemaname, r.tablename)}（${column}）：${share.zh}；若查询从不查找这些行，改为 WHERE ${predicate} 的部分索引会更小`,
        },
        value: Math.round(byNulls ? nullPct : topPct),
        threshold: t.infoSkewPercent,
        evidence: [{ ...r, suggested_predicate: predicate }],
      });
    }
    return findings;
  },
});
