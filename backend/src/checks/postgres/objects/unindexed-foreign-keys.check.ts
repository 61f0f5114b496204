import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { pgIdent, pgQualified } from '../../quote.js';

export const postgresUnindexedForeignKeys = defineCheck({
  id: 'postgres.unindexed-foreign-keys',
  catalogRef: 'PG-W05',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'database',
  title: { en: 'Foreign keys without an index', zh: '外键列缺少索引' },
  description: {
    en: 'Foreign keys whose referencing columns are not the leading key columns (in any order) of a valid, non-partial index on the referencing table, on tables with at least the configured number of rows. Every DELETE or key UPDATE on the referenced table then scans the referencing table, and joins along the key cannot use an index.',
    zh: '引用表上没有任何有效的非部分索引以外键列（顺序不限）作为前导键列的外键，仅统计行数达到阈值的表。此时被引用表的每次 DELETE 或主键 UPDATE 都要扫描引用表，沿外键的关联查询也无法走索引。',
  },
  remediation: {
    en: 'Create an index on the foreign key columns of the referencing table, e.g. CREATE INDEX CONCURRENTLY ON schema.table (fk_col, …); an existing index can serve if the foreign key columns are its leading columns.',
    zh: '在引用表的外键列上创建索引，例如 CREATE INDEX CONCURRENTLY ON schema.table (fk_col, …)；已有索引只要以外键列为前导列即可复用。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT n.nspname AS schema_name, c.relname AS table_name, k.conname AS constraint_name,
  ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.ord)::text[] AS columns,
  rn.nspname AS referenced_schema, rc.relname AS referenced_table,
  CASE WHEN c.relkind = 'p' THEN
    (SELECT COALESCE(sum(GREATEST(pc.reltuples, 0)), 0) FROM pg_partition_tree(c.oid) pt JOIN pg_class pc ON pc.oid = pt.relid WHERE pt.isleaf)
  ELSE GREATEST(c.reltuples, COALESCE(s.n_live_tup, 0)) END::bigint AS estimated_rows
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class rc ON rc.oid = k.confrelid
JOIN pg_namespace rn ON rn.oid = rc.relnamespace
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE k.contype = 'f' AND k.conparentid = 0
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  AND NOT EXISTS (
    SELECT 1 FROM pg_index i
    WHERE i.indrelid = k.conrelid AND i.indisvalid AND i.indpred IS NULL
      AND i.indnkeyatts >= cardinality(k.conkey)
      AND (i.indkey::int2[])[0:cardinality(k.conkey) - 1] @> k.conkey)
ORDER BY estimated_rows DESC, 1, 2, 3
LIMIT 500`,
        },
      ],
      row: z.object({
        schema_name: z.string(),
        table_name: z.string(),
        constraint_name: z.string(),
        columns: z.array(z.string()),
        referenced_schema: z.string(),
        referenced_table: z.string(),
        estimated_rows: z.coerce.number(),
      }),
    },
  },
  thresholds: {
    schema: z.object({
      /** Referencing tables with fewer (estimated) rows are not reported. */
      minRows: z.number().nonnegative(),
    }),
    defaults: { minRows: 1000 },
  },
  evaluate({ main }, ctx) {
    return main
      .filter((r) => r.estimated_rows >= ctx.thresholds.minRows)
      .map((r) => {
        const table = pgQualified(r.schema_name, r.table_name);
        const columns = r.columns.map(pgIdent).join(', ');
        return {
          severity: 'info' as const,
          object: table,
          message: {
            en: `foreign key ${pgIdent(r.constraint_name)} on ${table} (${columns}) → ${pgQualified(r.referenced_schema, r.referenced_table)} has no index leading with its columns; the table has about ${r.estimated_rows} rows`,
            zh: `表 ${table} 上的外键 ${pgIdent(r.constraint_name)}（${columns}）→ ${pgQualified(r.referenced_schema, r.referenced_table)} 没有以其列开头的索引；该表约有 ${r.estimated_rows} 行`,
          },
          value: r.estimated_rows,
          threshold: ctx.thresholds.minRows,
          evidence: [{ ...r }],
        };
      });
  },
});
