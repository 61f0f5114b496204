import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { pgQualified } from '../../quote.js';

export const postgresInvalidIndexes = defineCheck({
  id: 'postgres.invalid-indexes',
  catalogRef: 'PG-W02',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'database',
  title: { en: 'Invalid indexes', zh: '无效索引' },
  description: {
    en: 'Indexes marked invalid (pg_index.indisvalid = false), usually left behind by a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY (…_ccnew), and partitioned indexes some partitions lack. The planner never uses them, yet a ready one is still maintained on every write. Indexes being built concurrently right now are not reported.',
    zh: '标记为无效（pg_index.indisvalid = false）的索引，通常是 CREATE INDEX CONCURRENTLY 或 REINDEX CONCURRENTLY 失败后遗留的（如 …_ccnew），也包括部分分区缺少对应索引的分区表索引。优化器不会使用这类索引，但处于 ready 状态的仍会在每次写入时维护。正在并发创建中的索引不计入。',
  },
  remediation: {
    en: 'Find why the build failed (duplicate keys for a unique index, deadlock, cancelled session), fix the cause, then DROP INDEX CONCURRENTLY the invalid index and create it again, or REINDEX INDEX CONCURRENTLY it. For a partitioned index, create the missing partition indexes and ALTER INDEX … ATTACH PARTITION them.',
    zh: '先查明创建失败的原因（唯一索引存在重复键、死锁、会话被取消等）并处理，然后用 DROP INDEX CONCURRENTLY 删除无效索引后重建，或执行 REINDEX INDEX CONCURRENTLY。分区表索引则为缺失的分区创建索引，并用 ALTER INDEX … ATTACH PARTITION 挂载。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT n.nspname AS schema_name, t.relname AS table_name, c.relname AS index_name,
  c.relkind = 'I' AS partitioned, i.indisready AS ready, pg_relation_size(c.oid) AS index_bytes
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT i.indisvalid
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
  AND NOT EXISTS (
    SELECT 1 FROM pg_stat_progress_create_index p
    WHERE p.datid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND (p.index_relid = i.indexrelid OR (p.relid = i.indrelid AND p.command LIKE '%CONCURRENTLY')))
ORDER BY 1, 2, 3
LIMIT 500`,
        },
      ],
      row: z.object({
        schema_name: z.string(),
        table_name: z.string(),
        index_name: z.string(),
        partitioned: z.boolean(),
        ready: z.boolean(),
        index_bytes: z.coerce.number().nullable(),
      }),
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ main }) {
    return main.map((r) => {
      const index = pgQualified(r.schema_name, r.index_name);
      const table = pgQualified(r.schema_name, r.table_name);
      const why = r.partitioned
        ? { en: 'not every partition has an attached index', zh: '并非每个分区都挂接了索引' }
        : r.ready
          ? {
              en: 'the planner ignores it but every write still maintains it',
              zh: '优化器不会使用它，但每次写入仍要维护它',
            }
          : {
              en: 'it is neither used nor maintained (build failed before it became ready)',
              zh: '它既不被使用也不被维护（创建在就绪前失败）',
            };
      return {
        severity: 'warning' as const,
        object: index,
        message: {
          en: `index ${index} on ${table} is INVALID: ${why.en}`,
          zh: `表 ${table} 上的索引 ${index} 处于 INVALID 状态：${why.zh}`,
        },
        ...(r.index_bytes !== null ? { value: r.index_bytes } : {}),
        evidence: [{ ...r }],
      };
    });
  },
});
