import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { pgQualified } from '../../quote.js';
import { formatBytes } from '../../format.js';

/** `8 KiB`, `12.5 MiB`, `3.2 GiB`. */

const row = z.object({
  schema_name: z.string(),
  table_name: z.string(),
  index_name: z.string(),
  covering_index: z.string(),
  index_columns: z.string(),
  covering_columns: z.string(),
  same_columns: z.boolean(),
  is_unique: z.boolean(),
  predicate: z.string().nullable(),
  backs_constraint: z.boolean(),
  index_bytes: z.coerce.number().nullable(),
});

export const postgresRedundantIndexes = defineCheck({
  id: 'postgres.redundant-indexes',
  catalogRef: 'PG-W04',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'database',
  title: { en: 'Redundant and duplicate indexes', zh: '冗余与重复索引' },
  description: {
    en: 'Valid indexes whose key columns or expressions are a left prefix of another index on the same table with the same access method, operator classes, collations, sort options and predicate, whose INCLUDE columns the other index also holds, and that enforce nothing the other does not (a unique index is only redundant next to a unique index on the same keys). Of exact duplicates the newer one is reported; primary keys, exclusion and replica-identity indexes never are.',
    zh: '有效索引中，其键列或表达式是同一张表上另一个索引的左前缀，且访问方法、操作符类、排序规则、排序选项和部分索引条件都相同，INCLUDE 列也被另一个索引包含，并且不承担另一索引之外的约束（唯一索引只有在同键唯一索引存在时才算冗余）。完全重复的索引只报告较新的一个；主键、排他约束和复制标识索引不会被报告。',
  },
  remediation: {
    en: 'Check that no query hint, tool or constraint names the redundant index, then DROP INDEX CONCURRENTLY it; when it backs a constraint, drop or replace the constraint instead (ALTER TABLE … DROP CONSTRAINT). Keep the covering index.',
    zh: '确认没有查询提示、工具或约束引用该冗余索引后，用 DROP INDEX CONCURRENTLY 删除；若它支撑某个约束，则改为删除或替换该约束（ALTER TABLE … DROP CONSTRAINT）。保留覆盖它的索引。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `WITH idx AS (
  SELECT i.indexrelid, i.indrelid, c.relam, c.relname AS index_name, n.nspname AS schema_name,
    i.indnkeyatts AS nkeys, i.indisunique, i.indisprimary, i.indisexclusion, i.indisreplident,
    ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) AS k) AS keydefs,
    ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(i.indnkeyatts + 1, i.indnatts) AS k) AS incdefs,
    (i.indclass::oid[])[0:i.indnkeyatts - 1] AS opclasses,
    (i.indcollation::oid[])[0:i.indnkeyatts - 1] AS collations,
    (i.indoption::int2[])[0:i.indnkeyatts - 1] AS options,
    pg_get_expr(i.indpred, i.indrelid, true) AS predicate
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE i.indisvalid AND i.indisready AND NOT c.relispartition
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indrelid AND d.deptype = 'e')
)
SELECT r.schema_name, t.relname AS table_name, r.index_name, k.index_name AS covering_index,
  array_to_string(r.keydefs, ', ') AS index_columns, array_to_string(k.keydefs, ', ') AS covering_columns,
  r.nkeys = k.nkeys AND r.indisunique = k.indisunique AND (k.keydefs || k.incdefs) <@ (r.keydefs || r.incdefs) AS same_columns,
  r.indisunique AS is_unique, r.predicate,
  EXISTS (SELECT 1 FROM pg_constraint o WHERE o.conindid = r.indexrelid) AS backs_constraint,
  pg_relation_size(r.indexrelid) AS index_bytes
FROM idx r
JOIN idx k ON k.indrelid = r.indrelid AND k.indexrelid <> r.indexrelid AND k.relam = r.relam
JOIN pg_class t ON t.oid = r.indrelid
WHERE NOT (r.indisprimary OR r.indisexclusion OR r.indisreplident)
  AND r.nkeys <= k.nkeys
  AND r.keydefs = k.keydefs[1:r.nkeys]
  AND r.opclasses = k.opclasses[1:r.nkeys]
  AND r.collations = k.collations[1:r.nkeys]
  AND r.options = k.options[1:r.nkeys]
  AND r.predicate IS NOT DISTINCT FROM k.predicate
  AND r.incdefs <@ (k.keydefs || k.incdefs)
  AND (NOT r.indisunique OR (k.indisunique AND r.nkeys = k.nkeys))
  AND (r.nkeys < k.nkeys
    OR NOT (k.keydefs || k.incdefs) <@ (r.keydefs || r.incdefs)
    OR (k.indisunique AND NOT r.indisunique)
    OR k.indisprimary OR k.indisexclusion OR k.indisreplident
    OR r.indexrelid > k.indexrelid)
ORDER BY index_bytes DESC, 1, 2, 3, 4
LIMIT 500`,
        },
      ],
      row,
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ main }) {
    const byIndex = new Map<string, z.infer<typeof row>[]>();
    for (const r of main) {
      const key = pgQualified(r.schema_name, r.index_name);
      byIndex.set(key, [...(byIndex.get(key) ?? []), r]);
    }
    const findings: FindingDraft[] = [];
    for (const [index, rows] of byIndex) {
      const first = rows[0]!;
      const table = pgQualified(first.schema_name, first.table_name);
      const duplicateOf = rows.find((r) => r.same_columns);
      const cover = duplicateOf ?? first;
      const coverName = pgQualified(cover.schema_name, cover.covering_index);
      const what = duplicateOf
        ? { en: `duplicates ${coverName}`, zh: `与 ${coverName} 重复` }
        : {
            en: `(${first.index_columns}) is a left prefix of ${coverName} (${cover.covering_columns})`,
            zh: `（${first.index_columns}）是 ${coverName}（${cover.covering_columns}）的最左前缀`,
          };
      const more = rows.length - 1;
      const sized = first.index_bytes !== null ? formatBytes(first.index_bytes) : null;
      const constraint = first.backs_constraint;
      findings.push({
        severity: 'warning',
        object: index,
        message: {
          en: `index ${index}${sized ? ` (${sized})` : ''} on ${table} ${what.en}${more > 0 ? ` and ${more} more` : ''}${constraint ? '; it backs a constraint, drop that instead' : ''}`,
          zh: `表 ${table} 上的索引 ${index}${sized ? `（${sized}）` : ''}${what.zh}${more > 0 ? `，另有 ${more} 个` : ''}${constraint ? '；它支撑着一个约束，应删除该约束而非直接删索引' : ''}`,
        },
        ...(first.index_bytes !== null ? { value: first.index_bytes } : {}),
        evidence: rows.map((r) => ({
          covering_index: pgQualified(r.schema_name, r.covering_index),
          index_columns: r.index_columns,
          covering_columns: r.covering_columns,
          same_columns: r.same_columns,
          predicate: r.predicate,
        })),
      });
    }
    return findings;
  },
});
