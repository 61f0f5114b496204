import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade } from '../../grading.js';
import { pgQualified } from '../../quote.js';

const row = z.object({
  schema_name: z.string(),
  sequence_name: z.string(),
  data_type: z.string(),
  /** Bounds and values as text, so numbers beyond 2^53 are shown exactly. */
  min_value: z.string(),
  max_value: z.string(),
  increment_by: z.string(),
  cycle: z.boolean(),
  last_value: z.string().nullable(),
  readable: z.boolean(),
  table_schema: z.string().nullable(),
  table_name: z.string().nullable(),
  column_name: z.string().nullable(),
  column_type: z.string().nullable(),
  column_min: z.coerce.number().nullable(),
  column_max: z.coerce.number().nullable(),
});
type Row = z.infer<typeof row>;

/** Share of the range between the start bound and the limit already consumed, in the sequence's direction. */
const usedPct = (last: number, ascending: boolean, low: number, high: number): number =>
  high === low ? 100 : (100 * (ascending ? last - low : high - last)) / (high - low);

export const postgresSequenceExhaustion = defineCheck({
  id: 'postgres.sequence-exhaustion',
  catalogRef: 'PG-W08',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'database',
  title: { en: 'Sequences and integer keys near exhaustion', zh: '序列与整型主键即将耗尽' },
  description: {
    en: 'Non-cycling sequences whose last_value has consumed most of their range (pg_sequences), and sequences feeding a smallint or integer column (owned by it, identity, or named in its DEFAULT) whose last_value nears that column type’s limit, the common case of a bigint sequence behind an int4 primary key. Sequences whose last_value this role may not read (needs USAGE or SELECT) cannot be judged.',
    zh: '已消耗大部分取值范围的非循环序列（pg_sequences），以及为 smallint 或 integer 列供值（被该列拥有、作为标识列或出现在其 DEFAULT 中）且 last_value 接近该列类型上限的序列，即常见的 bigint 序列配 int4 主键的情形。当前账号无权读取 last_value（需 USAGE 或 SELECT 权限）的序列无法判断。',
  },
  remediation: {
    en: 'Widen the column to bigint (ALTER TABLE … ALTER COLUMN … TYPE bigint rewrites the table: plan it, or migrate through a new column and a swap) together with referencing foreign key columns, and make the sequence AS bigint / raise its MAXVALUE. Do not rely on CYCLE for key columns.',
    zh: '将该列（以及引用它的外键列）扩为 bigint（ALTER TABLE … ALTER COLUMN … TYPE bigint 会重写全表，需规划停机，或通过新增列再切换的方式迁移），并将序列改为 AS bigint 或调大 MAXVALUE。主键列不要依赖 CYCLE 循环取值。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `WITH feeds AS (
  SELECT d.objid AS seq_oid, d.refobjid AS table_oid, d.refobjsubid AS attnum
  FROM pg_depend d
  WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
  UNION
  SELECT d.refobjid, ad.adrelid, ad.adnum
  FROM pg_attrdef ad
  JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid AND d.refclassid = 'pg_class'::regclass
), seqs AS (
  SELECT s.schemaname AS schema_name, s.sequencename AS sequence_name, s.data_type::text AS data_type,
    s.min_value, s.max_value, s.increment_by, s.cycle, s.last_value,
    has_sequence_privilege(c.oid, 'SELECT') OR has_sequence_privilege(c.oid, 'USAGE') AS readable,
    tn.nspname AS table_schema, t.relname AS table_name, a.attname AS column_name,
    format_type(a.atttypid, a.atttypmod) AS column_type,
    CASE a.atttypid WHEN 'int2'::regtype THEN -32768 WHEN 'int4'::regtype THEN -2147483648 END AS column_min,
    CASE a.atttypid WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype THEN 2147483647 END AS column_max
  FROM pg_sequences s
  JOIN pg_namespace n ON n.nspname = s.schemaname
  JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.sequencename AND c.relkind = 'S'
  LEFT JOIN feeds f ON f.seq_oid = c.oid
  LEFT JOIN pg_class t ON t.oid = f.table_oid
  LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
  LEFT JOIN pg_attribute a ON a.attrelid = f.table_oid AND a.attnum = f.attnum AND NOT a.attisdropped
  WHERE s.schemaname NOT IN ('pg_catalog', 'information_schema') AND s.schemaname NOT LIKE 'pg_temp%'
    AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
)
SELECT schema_name, sequence_name, data_type, min_value::text, max_value::text, increment_by::text, cycle,
  last_value::text, readable, table_schema, table_name, column_name, column_type, column_min, column_max
FROM seqs
ORDER BY last_value IS NULL,
  CASE WHEN increment_by > 0
    THEN (last_value::numeric - min_value) / NULLIF(LEAST(max_value::numeric, COALESCE(column_max, max_value)) - min_value, 0)
    ELSE (max_value::numeric - last_value) / NULLIF(max_value - GREATEST(min_value::numeric, COALESCE(column_min, min_value)), 0)
  END DESC NULLS LAST, 1, 2
LIMIT 500`,
        },
      ],
      row,
    },
  },
  thresholds: {
    schema: z.object({ warnPercent: z.number().min(0).max(100), critPercent: z.number().min(0).max(100) }),
    defaults: { warnPercent: 85, critPercent: 95 },
  },
  evaluate({ main }, ctx) {
    const t = ctx.thresholds;
    const limits = { warn: t.warnPercent, crit: t.critPercent };
    const findings: FindingDraft[] = [];
    const seen = new Set<string>();
    let unreadable = 0;
    const evidenceOf = (r: Row, pct: number) => [{ ...r, used_pct: Number(pct.toFixed(2)) }];

    for (const r of main) {
      const sequence = pgQualified(r.schema_name, r.sequence_name);
      if (!r.readable) {
        if (!seen.has(sequence)) unreadable++;
        seen.add(sequence);
        continue;
      }
      if (r.last_value === null) continue;
      const last = Number(r.last_value);
      const min = Number(r.min_value);
      const max = Number(r.max_value);
      const ascending = Number(r.increment_by) > 0;

      const columnLimit = ascending ? r.column_max : r.column_min;
      const columnBinds =
        columnLimit !== null && r.column_name !== null && (ascending ? columnLimit < max : columnLimit > min);
      if (columnBinds) {
        const low = ascending ? min : columnLimit;
        const high = ascending ? columnLimit : max;
        const pct = usedPct(last, ascending, low, high);
        const g = grade(pct, limits);
        if (g) {
          const column = pgQualified(r.table_schema ?? r.schema_name, r.table_name ?? '', r.column_name ?? '');
          findings.push({
            severity: g.severity,
            object: column,
            message: {
              en: `column ${column} (${r.column_type}) is fed by sequence ${sequence} (${r.data_type}) whose last value ${r.last_value} has used ${pct.toFixed(1)} % of the column type's range (limit ${columnLimit}) (≥ ${g.limit} %)`,
              zh: `列 ${column}（${r.column_type}）的取值来自序列 ${sequence}（${r.data_type}），其当前值 ${r.last_value} 已用去该列类型取值范围的 ${pct.toFixed(1)}%（上限 ${columnLimit}）（≥ ${g.limit}%）`,
            },
            value: Number(pct.toFixed(2)),
            threshold: g.limit,
            evidence: evidenceOf(r, pct),
          });
        }
      }

      if (seen.has(sequence) || r.cycle) continue;
      seen.add(sequence);
      const pct = usedPct(last, ascending, min, max);
      const g = grade(pct, limits);
      if (!g) continue;
      const feeds = r.column_name ? pgQualified(r.table_schema ?? '', r.table_name ?? '', r.column_name) : null;
      findings.push({
        severity: g.severity,
        object: sequence,
        message: {
          en: `sequence ${sequence} (${r.data_type}, no CYCLE) is at ${r.last_value}, ${pct.toFixed(1)} % of its range ${ascending ? `up to MAXVALUE ${r.max_value}` : `down to MINVALUE ${r.min_value}`} (≥ ${g.limit} %)${feeds ? ` and feeds ${feeds}` : ''}`,
          zh: `序列 ${sequence}（${r.data_type}，无 CYCLE）当前值为 ${r.last_value}，已用去其取值范围的 ${pct.toFixed(1)}%（${ascending ? `上限 MAXVALUE ${r.max_value}` : `下限 MINVALUE ${r.min_value}`}）（≥ ${g.limit}%）${feeds ? `，为 ${feeds} 提供取值` : ''}`,
        },
        value: Number(pct.toFixed(2)),
        threshold: g.limit,
        evidence: evidenceOf(r, pct),
      });
    }
    if (findings.length === 0 && unreadable > 0) {
      return {
        skipped: {
          en: `${unreadable} sequence(s) cannot be read by this role (needs USAGE or SELECT on them); their usage is unknown`,
          zh: `当前角色无法读取 ${unreadable} 个序列（需要其 USAGE 或 SELECT 权限），其使用情况未知`,
        },
      };
    }
    return findings;
  },
});
