import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { pgQualified } from '../../quote.js';
import { formatBytes } from '../../format.js';

const DAY_MS = 86_400_000;
const MiB = 1024 * 1024;
/** `8 KiB`, `12.5 MiB`, `3.2 GiB`. */

const thresholdsSchema = z.object({
  /** Counters must cover at least this many days (since stats reset or server start) before idx_scan = 0 means unused. */
  minStatsAgeDays: z.number().nonnegative(),
  /** Smaller unused indexes are not reported. */
  minIndexBytes: z.number().nonnegative(),
  /** Warning (not info) when the index is at least this share of the database… */
  warnDatabasePercent: z.number().nonnegative(),
  /** …and at least this large. */
  warnBytes: z.number().nonnegative(),
});

const candidateColumns = `s.schemaname AS schema_name, s.relname AS table_name, s.indexrelname AS index_name,
  s.idx_scan, pg_relation_size(s.indexrelid) AS index_bytes`;
const candidateFilter = `i.indisvalid
  AND NOT (i.indisunique OR i.indisprimary OR i.indisexclusion OR i.indisreplident)
  AND s.schemaname NOT LIKE 'pg_toast%' AND s.schemaname NOT LIKE 'pg_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = s.relid AND d.deptype = 'e')`;

export const postgresUnusedIndexes = defineCheck({
  id: 'postgres.unused-indexes',
  catalogRef: 'PG-W03',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'database',
  title: { en: 'Unused indexes', zh: '未使用的索引' },
  description: {
    en: 'Indexes never scanned (pg_stat_user_indexes.idx_scan = 0) that enforce nothing (not unique, primary key, exclusion or replica identity), judged only when the statistics cover enough days (since pg_stat_database.stats_reset, or the server start when never reset); from PostgreSQL 16 also indexes whose last_idx_scan is older than that. Statistics are per server: an index unused here may serve queries on a standby.',
    zh: '从未被扫描过（pg_stat_user_indexes.idx_scan = 0）且不承担约束（非唯一、主键、排他约束或复制标识）的索引；仅当统计信息覆盖足够天数（自 pg_stat_database.stats_reset 起，从未重置则自实例启动起）时才下结论。PostgreSQL 16 起也包括 last_idx_scan 早于该天数的索引。统计信息按节点独立：本节点未用的索引可能在备库上承担查询。',
  },
  remediation: {
    en: 'Confirm the index is unused on every standby as well and by periodic jobs (month-end reports), then drop it with DROP INDEX CONCURRENTLY; keep its definition (pg_get_indexdef) to recreate it if needed.',
    zh: '确认该索引在所有备库上以及月末报表等周期性任务中同样未被使用，然后用 DROP INDEX CONCURRENTLY 删除；删除前保存其定义（pg_get_indexdef），以便需要时重建。',
  },
  queries: {
    stats: {
      sql: [
        {
          since: 0,
          sql: `SELECT d.stats_reset, pg_postmaster_start_time() AS postmaster_start, pg_database_size(d.datid) AS database_bytes
FROM pg_stat_database d
WHERE d.datname = current_database()`,
        },
      ],
      row: z.object({
        stats_reset: z.coerce.date().nullable(),
        postmaster_start: z.coerce.date(),
        database_bytes: z.coerce.number(),
      }),
    },
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT ${candidateColumns}, NULL::timestamptz AS last_idx_scan
FROM pg_stat_user_indexes s
JOIN pg_index i ON i.indexrelid = s.indexrelid
WHERE s.idx_scan = 0 AND ${candidateFilter}
ORDER BY index_bytes DESC, 1, 2, 3
LIMIT 500`,
        },
        {
          since: 160000,
          sql: `SELECT ${candidateColumns}, s.last_idx_scan
FROM pg_stat_user_indexes s
JOIN pg_index i ON i.indexrelid = s.indexrelid
WHERE (s.idx_scan = 0 OR s.last_idx_scan < now() - interval '1 day') AND ${candidateFilter}
ORDER BY index_bytes DESC, 1, 2, 3
LIMIT 500`,
        },
      ],
      row: z.object({
        schema_name: z.string(),
        table_name: z.string(),
        index_name: z.string(),
        idx_scan: z.coerce.number(),
        index_bytes: z.coerce.number().nullable(),
        last_idx_scan: z.coerce.date().nullable(),
      }),
    },
  },
  thresholds: {
    schema: thresholdsSchema,
    defaults: { minStatsAgeDays: 30, minIndexBytes: 1 * MiB, warnDatabasePercent: 0.5, warnBytes: 100 * MiB },
  },
  evaluate({ stats, main }, ctx) {
    const t = ctx.thresholds;
    const db = stats[0];
    if (!db)
      return {
        skipped: { en: 'pg_stat_database has no row for this database', zh: 'pg_stat_database 中没有本数据库的记录' },
      };
    const since = db.stats_reset ?? db.postmaster_start;
    const sinceLabel: Texts = {
      en: `${since.toISOString()} (${db.stats_reset ? 'statistics reset' : 'server start'})`,
      zh: `${since.toISOString()}（${db.stats_reset ? '统计信息重置' : '服务器启动'}）`,
    };
    const statsDays = (ctx.now.getTime() - since.getTime()) / DAY_MS;
    const statsOldEnough = statsDays >= t.minStatsAgeDays;

    const findings: FindingDraft[] = [];
    for (const r of main) {
      const bytes = r.index_bytes ?? 0;
      if (bytes < t.minIndexBytes) continue;
      let idle: Texts;
      if (r.idx_scan === 0) {
        if (!statsOldEnough) continue;
        idle = {
          en: `has not been scanned since ${sinceLabel.en}, ${Math.floor(statsDays)} days`,
          zh: `自 ${sinceLabel.zh} 以来 ${Math.floor(statsDays)} 天未被扫描过`,
        };
      } else {
        if (!r.last_idx_scan) continue;
        const idleDays = (ctx.now.getTime() - r.last_idx_scan.getTime()) / DAY_MS;
        if (idleDays < t.minStatsAgeDays) continue;
        const at = r.last_idx_scan.toISOString();
        idle = {
          en: `was last scanned at ${at}, ${Math.floor(idleDays)} days ago`,
          zh: `最近一次扫描在 ${at}，已过去 ${Math.floor(idleDays)} 天`,
        };
      }
      const pct = db.database_bytes > 0 ? (100 * bytes) / db.database_bytes : 0;
      const index = pgQualified(r.schema_name, r.index_name);
      const table = pgQualified(r.schema_name, r.table_name);
      findings.push({
        severity: pct >= t.warnDatabasePercent && bytes >= t.warnBytes ? 'warning' : 'info',
        object: index,
        message: {
          en: `index ${index} on ${table} (${formatBytes(bytes)}, ${pct.toFixed(2)} % of the database) ${idle.en}`,
          zh: `表 ${table} 上的索引 ${index}（${formatBytes(bytes)}，占数据库的 ${pct.toFixed(2)}%）${idle.zh}`,
        },
        value: bytes,
        threshold: t.minIndexBytes,
        evidence: [{ ...r, database_bytes: db.database_bytes, stats_since: since.toISOString() }],
      });
    }
    if (findings.length === 0 && !statsOldEnough) {
      return {
        skipped: {
          en: `index usage statistics cover only ${statsDays.toFixed(1)} days (since ${sinceLabel.en}); unused indexes are judged after ${t.minStatsAgeDays} days`,
          zh: `索引使用统计仅覆盖 ${statsDays.toFixed(1)} 天（自 ${sinceLabel.zh} 起）；满 ${t.minStatsAgeDays} 天后才判断未使用的索引`,
        },
      };
    }
    return findings;
  },
});
